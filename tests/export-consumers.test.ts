/**
 * Every export format read as the code that consumes it reads it: each format's rows go through a
 * TypeScript port of its consumer's checks and parsing, on a hand-made project ranked through the
 * real API. The ports follow their sources line by line; where Python semantics matter (set.pop,
 * zip(strict=True), a `for` variable outliving its loop, negative indices, json.loads number types)
 * the port says how it reproduces them.
 *
 * Sources (read from the public repositories; commits as stored):
 * - huggingface/trl, main at f2cd57710ae345ea6428ae95363267fcf38a3dc8 (2026-07-24):
 *   - trl/data_utils.py (last changed 18f187db1): is_conversational, apply_chat_template,
 *     _unpair_row / unpair_preference_dataset, extract_prompt, maybe_extract_prompt.
 *     Earlier versions differ where noted: at 00cc012a666746bd34df2caddae86912287a48e9
 *     is_conversational also required "content", and _unpair_row kept only prompt/completion/label
 *     with remove_columns=["chosen","rejected"] (issue huggingface/trl#2351, fixed by PRs #6059, #6161).
 *   - trl/trainer/dpo_trainer.py (d2b72b720) _prepare_dataset: extract_prompt when "prompt" is absent,
 *     then prompt + chosen / prompt + rejected tokenized, prompt ids checked as their prefix.
 *   - trl/trainer/reward_trainer.py (84e83143a) _prepare_dataset / DataCollatorForPreference:
 *     chosen = prompt + chosen, rejected = prompt + rejected; margins read as torch.float.
 *   - examples/datasets/hh-rlhf-helpful-base.py (c3e240ad3; `zip(..., strict=True)` since 7a9592bc8,
 *     2025-11-04; before that, e.g. at 0ad367abf3ec664f849492daea6a30e18b132b73, plain zip):
 *     common_start / extract_dialogue, TRL's HH-RLHF converter.
 *   - examples/datasets/anthropic_hh.py (03bdb148ed62040460266f538e8e1cbff43dc6cb): extract_dialogue,
 *     its older HH converter.
 * - huggingface/datasets src/datasets/arrow_dataset.py (b7cb10b0e38ab8bbefdb142d0279bc85ac8c7ab8),
 *   Dataset._map_single: a batched map returns {**inputs_to_merge, **processed_inputs}, the columns
 *   not in remove_columns kept as they were; columns of different lengths fail in Arrow.
 * - openai/openai-cookbook examples/Chat_finetuning_data_prep.ipynb
 *   (2e652704bf3df73cf35e46e26ebae692f5bd7b0c; same checks at b774cbf15fb77b121e8027c4a6ab862d250f0299):
 *   the format error checks.
 * - OpenAI preference fine-tuning: https://developers.openai.com/api/docs/guides/direct-preference-optimization
 *   (data format: input.messages, preferred_output, non_preferred_output; "we only train on one-turn
 *   conversations for each example, where the preferred and non-preferred messages need to be the last
 *   assistant message"), and openai/openai-openapi openapi.yaml at 498c71ddf6f1c45b983f972ccabca795da211a3e,
 *   FineTunePreferenceRequestInput: input.messages minItems 1 of system/user/assistant/tool/function
 *   messages; each output maxItems 1, an assistant message (that spec still names the outputs
 *   preferred_completion / non_preferred_completion; the guide and the clients generated from API
 *   spec 2.3.0, e.g. docs.rs openai-client-base 0.8.1, name them preferred_output / non_preferred_output).
 * - Anthropic HH-RLHF (anthropics/hh-rlhf README.md): each line a pair of texts, "chosen" and
 *   "rejected"; the converters above read them as "\n\nHuman: …\n\nAssistant: …" turns with nothing
 *   before the first "\n\nHuman: ".
 */
import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestUser } from './support/app.ts';

const server = await startServer();

type Msg = { role: string; content: string };
type Groups = string[][];
type Row = Record<string, unknown>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const user = (content: string): Msg => ({ role: 'user', content });
const HUMAN = '\n\nHuman: ';
const ASSISTANT = '\n\nAssistant: ';

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

/** The export's lines as written (no trailing newline), checking that every record ends with one. */
async function exportLines(who: TestUser, slug: string, query: string): Promise<string[]> {
  const res = await who.api('GET', `/projects/${slug}/export?${query}`);
  expect(res.status, query).toBe(200);
  const body = await res.text();
  if (body === '') return [];
  expect(body.endsWith('\n'), query).toBe(true);
  return body.slice(0, -1).split('\n');
}
const exportRows = async <T = Row>(who: TestUser, slug: string, query: string) => (await exportLines(who, slug, query)).map((l) => JSON.parse(l) as T);

interface Taken {
  id: string;
  idOf: Record<string, string>;
}
async function take(trainer: TestUser, slug: string): Promise<Taken | null> {
  const res = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  if (res.status === 204) return null;
  expect(res.status).toBe(200);
  const { comparison } = (await res.json()) as { comparison: { id: string; candidates: Array<{ id: string; content: string }> } };
  return { id: comparison.id, idOf: Object.fromEntries(comparison.candidates.map((c) => [c.content, c.id])) };
}

// ---------------------------------------------------------------------------------------------
// Independent reference computations (not the project's shared/ code)
// ---------------------------------------------------------------------------------------------

/** Every (better, worse) pair of a ranking, with how many groups apart they are. */
const pairsOf = (groups: Groups) =>
  groups.flatMap((group, g) =>
    group.flatMap((a) => groups.slice(g + 1).flatMap((later, d) => later.map((b) => ({ chosen: a, rejected: b, distance: d + 1 })))),
  );

/**
 * The majority graph of several rankings of one comparison: a → b where strictly more rankings put
 * a above b than b above a (a tie in a ranking is a vote for neither).
 */
function majorityGraph(rankings: Groups[]): Map<string, Set<string>> {
  const position = rankings.map((r) => new Map(r.flatMap((group, g) => group.map((c) => [c, g] as const))));
  const candidates = [...new Set(rankings.flat(2))];
  const graph = new Map(candidates.map((c) => [c, new Set<string>()]));
  for (const a of candidates) {
    for (const b of candidates) {
      if (a === b) continue;
      const above = (x: string, y: string) => position.filter((p) => p.has(x) && p.has(y) && p.get(x)! < p.get(y)!).length;
      if (above(a, b) > above(b, a)) graph.get(a)!.add(b);
    }
  }
  return graph;
}
/** Whether `to` is reachable from `from` through majority edges. */
function majorityPath(graph: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [...(graph.get(from) ?? [])];
  while (stack.length) {
    const node = stack.pop()!;
    if (node === to) return true;
    if (seen.has(node)) continue;
    seen.add(node);
    stack.push(...(graph.get(node) ?? []));
  }
  return false;
}

const sortedPairs = (pairs: ReadonlyArray<readonly [string, string]>) => [...pairs].map((p) => `${p[0]} > ${p[1]}`).sort();
const messagesKey = (messages: Msg[]) => JSON.stringify(messages.map((m) => [m.role, m.content]));
const intersection = <T>(a: Iterable<T>, b: Iterable<T>) => {
  const bs = new Set(b);
  return [...new Set(a)].filter((x) => bs.has(x));
};

// ---------------------------------------------------------------------------------------------
// Python semantics the ports need
// ---------------------------------------------------------------------------------------------

/** Python's truthiness for JSON values. */
const pyTruthy = (v: unknown) =>
  !(
    v === null ||
    v === undefined ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isRecord(v) && Object.keys(v).length === 0)
  );

/** Python's `a + b`: list + list or str + str; anything else raises TypeError. */
function pyAdd<T>(a: T, b: T): T {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b] as T;
  if (typeof a === 'string' && typeof b === 'string') return (a + b) as T;
  const pyType = (v: unknown) =>
    Array.isArray(v) ? 'list' : typeof v === 'string' ? 'str' : isRecord(v) ? 'dict' : v === null || v === undefined ? 'NoneType' : typeof v;
  throw new TypeError(`can only concatenate ${pyType(a)} (not "${pyType(b)}") to ${pyType(a)}`);
}

/** Python indexes strings by code point, JavaScript by UTF-16 unit: the ports are exact for text without surrogate pairs. */
function bmpOnly(...texts: string[]) {
  for (const t of texts) if (/[\uD800-\uDFFF]/.test(t)) throw new Error('port limitation: text outside the BMP');
}

/**
 * The Python type json.loads gives a JSON number token: CPython's scanner (json/scanner.py NUMBER_RE
 * `(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?`) makes a float when there is a fraction or exponent, else an int.
 */
function pythonNumberType(token: string): 'int' | 'float' {
  const m = /^(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?$/.exec(token);
  if (!m) throw new Error(`not a JSON number: ${token}`);
  return m[2] || m[3] ? 'float' : 'int';
}

// ---------------------------------------------------------------------------------------------
// Port: huggingface/trl trl/data_utils.py (main, f2cd577)
// ---------------------------------------------------------------------------------------------

/**
 * is_conversational. Python takes `example_keys.pop()`, an arbitrary member of a set (string hashes
 * are salted per process), so the port evaluates every key the set could hand out and refuses an
 * answer that would depend on which. `maybe_messages[0]` on an empty list raises IndexError.
 */
function isConversational(example: Row): boolean {
  const supportedKeys = ['prompt', 'chosen', 'rejected', 'completion', 'messages'];
  const exampleKeys = Object.keys(example).filter((k) => supportedKeys.includes(k));
  if (!exampleKeys.length) return false;
  const answers = exampleKeys.map((key) => {
    const maybeMessages = example[key];
    if (Array.isArray(maybeMessages)) {
      if (maybeMessages.length === 0) throw new Error('IndexError: list index out of range');
      const maybeMessage: unknown = maybeMessages[0];
      // main checks "role" only; at 00cc012a it also required "content": check both, the stricter reading.
      if (isRecord(maybeMessage) && 'role' in maybeMessage && 'content' in maybeMessage) return true;
    }
    return false;
  });
  if (new Set(answers).size !== 1) throw new Error(`is_conversational depends on set order: ${exampleKeys.join(', ')}`);
  return answers[0]!;
}

/**
 * A ChatML chat template (as Qwen's), standing in for `tokenizer.apply_chat_template`: each message
 * `<|im_start|>{role}\n{content}<|im_end|>\n`; add_generation_prompt appends `<|im_start|>assistant\n`;
 * continue_final_message leaves the last message open. Roles and contents must be strings.
 */
const END = '<|im_end|>\n';
function chatTemplate(conversation: unknown, { addGenerationPrompt = false, continueFinalMessage = false } = {}): string {
  if (!Array.isArray(conversation)) throw new TypeError('conversation must be a list of messages');
  if (addGenerationPrompt && continueFinalMessage) throw new Error('ValueError: continue_final_message and add_generation_prompt are not compatible');
  let text = conversation
    .map((m: unknown) => {
      if (!isRecord(m) || typeof m.role !== 'string' || typeof m.content !== 'string') throw new TypeError(`not a message: ${JSON.stringify(m)}`);
      return `<|im_start|>${m.role}\n${m.content}${END}`;
    })
    .join('');
  if (continueFinalMessage) text = text.slice(0, -END.length);
  if (addGenerationPrompt) text += '<|im_start|>assistant\n';
  return text;
}

/** A character-level tokenizer over the template: ids whose prefix relation is the text's. */
const tokenize = (conversation: unknown, options?: { addGenerationPrompt?: boolean }) =>
  Array.from(chatTemplate(conversation, options), (ch) => ch.codePointAt(0)!);

/** Python's `"".join(x for x, _ in takewhile(lambda x: x[0] == x[1], zip(a, b)))`. */
function takewhileCommon(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/** apply_chat_template (main). */
function applyChatTemplate(example: Row): Record<string, unknown> {
  const supportedKeys = ['prompt', 'chosen', 'rejected', 'completion', 'messages', 'label'];
  const exampleKeys = new Set(Object.keys(example).filter((k) => supportedKeys.includes(k)));
  const allowed = [
    ['messages'],
    ['prompt'],
    ['prompt', 'completion'],
    ['prompt', 'chosen', 'rejected'],
    ['chosen', 'rejected'],
    ['prompt', 'completion', 'label'],
  ];
  if (!allowed.some((set) => set.length === exampleKeys.size && set.every((k) => exampleKeys.has(k)))) {
    throw new Error(`KeyError: Invalid keys in the example: ${[...exampleKeys].join(', ')}`);
  }
  const output: Record<string, unknown> = {};
  if ('messages' in example) output.text = chatTemplate(example.messages);
  if ('prompt' in example) {
    const promptMessages = example.prompt as unknown[];
    if (!Array.isArray(promptMessages) || promptMessages.length === 0) throw new Error('IndexError: prompt[-1]');
    const last = promptMessages.at(-1);
    if (!isRecord(last)) throw new TypeError('prompt[-1] is not a dict');
    let addGenerationPrompt: boolean;
    let continueFinalMessage: boolean;
    if (last.role === 'user' || last.role === 'tool') [addGenerationPrompt, continueFinalMessage] = [true, false];
    else if (last.role === 'assistant') [addGenerationPrompt, continueFinalMessage] = [false, true];
    else throw new Error(`ValueError: Invalid role in the last message: ${String(last.role)}`);
    let prompt = chatTemplate(promptMessages, { addGenerationPrompt, continueFinalMessage });
    const whole: Record<string, string> = {};
    for (const key of ['chosen', 'rejected', 'completion'] as const) {
      if (!(key in example)) continue;
      whole[key] = chatTemplate(pyAdd(example.prompt, example[key]));
      // "DeepSeek-R1 inserts a <tool_call> token ...": the common prefix of prompt and prompt+completion.
      prompt = takewhileCommon(prompt, whole[key]);
    }
    for (const key of Object.keys(whole)) output[key] = whole[key]!.slice(prompt.length);
    output.prompt = prompt;
  } else {
    for (const key of ['chosen', 'rejected'] as const) if (key in example) output[key] = chatTemplate(example[key]);
  }
  if ('label' in example) output.label = example.label;
  return output;
}

/** maybe_apply_chat_template. */
const maybeApplyChatTemplate = (example: Row) => (isConversational(example) ? applyChatTemplate(example) : example);

/**
 * datasets' batched Dataset.map (arrow_dataset.py _map_single): the function's columns over the
 * input's columns minus remove_columns; Arrow then refuses columns of different lengths.
 */
function datasetsMapBatched(rows: Row[], fn: (batch: Record<string, unknown[]>) => Record<string, unknown[]>, removeColumns: string[]): Row[] {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const batch = Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)]));
  const processed = fn(structuredClone(batch));
  const inputsToMerge = Object.fromEntries(Object.entries(batch).filter(([c]) => !removeColumns.includes(c)));
  const merged = { ...inputsToMerge, ...processed };
  const lengths = Object.entries(merged).map(([c, v]) => [c, v.length] as const);
  const n = lengths[0]![1];
  for (const [c, length] of lengths) {
    if (length !== n) throw new Error(`pyarrow.lib.ArrowInvalid: Column named ${c} expected length ${n} but got length ${length}`);
  }
  return Array.from({ length: n }, (_, i) => Object.fromEntries(Object.entries(merged).map(([c, v]) => [c, v[i]])));
}

/** _unpair_row (main): chosen rows then rejected rows; prompt and any other column repeated for both. */
function unpairRow(batch: Record<string, unknown[]>): Record<string, unknown[]> {
  const batchSize = batch.chosen!.length;
  const newBatch: Record<string, unknown[]> = {
    completion: pyAdd(batch.chosen!, batch.rejected!),
    label: [...new Array<boolean>(batchSize).fill(true), ...new Array<boolean>(batchSize).fill(false)],
  };
  if ('prompt' in batch) newBatch.prompt = pyAdd(batch.prompt!, batch.prompt!);
  for (const k of Object.keys(batch)) if (!['chosen', 'rejected', 'prompt'].includes(k)) newBatch[k] = pyAdd(batch[k]!, batch[k]!);
  return newBatch;
}
/** unpair_preference_dataset (main): every column removed, only _unpair_row's output kept. */
const unpairPreferenceDataset = (rows: Row[]) => datasetsMapBatched(rows, unpairRow, [...new Set(rows.flatMap((r) => Object.keys(r)))]);
/** The same before huggingface/trl#6059 (e.g. trl 0.12, issue #2351): only chosen and rejected removed, other columns not repeated. */
function unpairPreferenceDatasetBefore6059(rows: Row[]) {
  const oldUnpairRow = (batch: Record<string, unknown[]>) => {
    const n = batch.chosen!.length;
    const out: Record<string, unknown[]> = {
      completion: pyAdd(batch.chosen!, batch.rejected!),
      label: [...new Array<boolean>(n).fill(true), ...new Array<boolean>(n).fill(false)],
    };
    if ('prompt' in batch) out.prompt = pyAdd(batch.prompt!, batch.prompt!);
    return out;
  };
  return datasetsMapBatched(rows, oldUnpairRow, ['chosen', 'rejected']);
}

/**
 * extract_prompt, on text. Python's `for idx in range(n)` leaves idx at n - 1 when the loop ends
 * without `break` (and unbound when n is 0); `example["chosen"][idx - 1]` with idx 0 reads the last character.
 */
function extractPrompt(example: { chosen: string; rejected: string }) {
  const { chosen, rejected } = example;
  bmpOnly(chosen, rejected);
  const n = Math.min(chosen.length, rejected.length);
  if (n === 0) throw new Error("UnboundLocalError: local variable 'idx' referenced before assignment");
  let idx = n - 1;
  for (let i = 0; i < n; i++) {
    idx = i;
    if (chosen[i] !== rejected[i]) {
      if (chosen.at(i - 1) === ' ') idx -= 1; // "remove space before the prompt"
      break;
    }
  }
  return { prompt: chosen.slice(0, idx), chosen: chosen.slice(idx), rejected: rejected.slice(idx) };
}

/** maybe_extract_prompt. */
function maybeExtractPrompt(example: Row): Row {
  if (!('chosen' in example) || !('rejected' in example)) return example;
  if ('prompt' in example) {
    const chosenConv = isConversational({ chosen: example.chosen });
    const promptConv = isConversational({ prompt: example.prompt });
    if ((chosenConv && promptConv) || (!chosenConv && !promptConv)) return example;
  }
  return extractPrompt({ chosen: example.chosen as string, rejected: example.rejected as string });
}

// ---------------------------------------------------------------------------------------------
// Port: huggingface/trl examples/datasets/hh-rlhf-helpful-base.py and anthropic_hh.py
// ---------------------------------------------------------------------------------------------

/** common_start. With strict (main since 7a9592bc8), zip raises once the shorter string runs out before a difference. */
function commonStart(str1: string, str2: string, { strict }: { strict: boolean }): string {
  bmpOnly(str1, str2);
  const commonChars: string[] = [];
  for (let i = 0; ; i++) {
    if (i >= str1.length || i >= str2.length) {
      if (strict && str1.length !== str2.length) {
        throw new Error(`ValueError: zip() argument ${str1.length < str2.length ? '1 is shorter than argument 2' : '2 is shorter than argument 1'}`);
      }
      break;
    }
    if (str1[i] === str2[i]) commonChars.push(str1[i]!);
    else break;
  }
  return commonChars.join('');
}

/** extract_dialogue (hh-rlhf-helpful-base.py). JavaScript's slice with a negative end is Python's: rfind's -1 drops a character as in Python. */
function extractDialogue(example: { chosen: string; rejected: string }, { strict = true } = {}) {
  let promptText = commonStart(example.chosen, example.rejected, { strict });
  if (!promptText.endsWith(ASSISTANT)) promptText = promptText.slice(0, promptText.lastIndexOf(ASSISTANT)) + ASSISTANT;
  const chosenLine = example.chosen.slice(promptText.length);
  const rejectedLine = example.rejected.slice(promptText.length);
  promptText = promptText.slice(0, -ASSISTANT.length);
  // re.split with a capturing group keeps the separators, as String.prototype.split does.
  const promptLines = promptText.split(/(\n\nAssistant: |\n\nHuman: )/).slice(1);
  const prompt: Msg[] = [];
  for (let idx = 0; idx < promptLines.length; idx += 2) {
    const role = promptLines[idx] === HUMAN ? 'user' : 'assistant';
    const content = promptLines[idx + 1];
    if (content === undefined) throw new Error('IndexError: list index out of range');
    prompt.push({ role, content });
  }
  return { prompt, chosen: [{ role: 'assistant', content: chosenLine }], rejected: [{ role: 'assistant', content: rejectedLine }] };
}

/** anthropic_hh.py extract_dialogue: split on "\n\n"; a line that is neither turn continues the last message. */
function anthropicHhDialogue(inputText: string): Msg[] {
  const lines = inputText.trim().split('\n\n');
  const dialogue: Msg[] = [];
  for (const line of lines) {
    let role: string;
    let content: string;
    if (line.startsWith('Human:')) [role, content] = ['user', line.replaceAll('Human: ', '').trim()];
    else if (line.startsWith('Assistant:')) [role, content] = ['assistant', line.replaceAll('Assistant: ', '').trim()];
    else {
      const last = dialogue.at(-1);
      if (!last) throw new Error('IndexError: list index out of range');
      last.content += `\n\n${line.trim()}`;
      continue;
    }
    dialogue.push({ role, content });
  }
  return dialogue;
}

/** The HH-RLHF layout: nothing before the first Human turn, Human and Assistant alternating, ending with an Assistant turn. */
function hhLayoutProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.startsWith(HUMAN)) problems.push(`does not start with "\\n\\nHuman: ": ${JSON.stringify(text.slice(0, 40))}`);
  const parts = text.split(/(\n\nAssistant: |\n\nHuman: )/);
  if (parts[0] !== '') problems.push(`text before the first turn: ${JSON.stringify(parts[0])}`);
  const markers = parts.filter((_, i) => i % 2 === 1);
  markers.forEach((m, i) => {
    if (m !== (i % 2 === 0 ? HUMAN : ASSISTANT)) problems.push(`turn ${i} is ${JSON.stringify(m)}`);
  });
  if (markers.at(-1) !== ASSISTANT) problems.push('does not end with an Assistant turn');
  if (parts.filter((_, i) => i % 2 === 0 && i > 0).some((content) => content === '')) problems.push('an empty turn');
  return problems;
}
/** The dialogue up to and including the last "\n\nAssistant: ": what every reader treats as the prompt. */
const hhPrompt = (text: string) => text.slice(0, text.lastIndexOf(ASSISTANT) + ASSISTANT.length);

// ---------------------------------------------------------------------------------------------
// Port: openai/openai-cookbook examples/Chat_finetuning_data_prep.ipynb (format error checks)
// ---------------------------------------------------------------------------------------------

function chatFormatErrors(dataset: unknown[]): Record<string, number> {
  const formatErrors: Record<string, number> = {};
  const count = (k: string) => (formatErrors[k] = (formatErrors[k] ?? 0) + 1);
  for (const ex of dataset) {
    if (!isRecord(ex)) {
      count('data_type');
      continue;
    }
    const messages = ex.messages ?? null;
    if (!pyTruthy(messages)) {
      count('missing_messages_list');
      continue;
    }
    const list = messages as unknown[];
    for (const message of list) {
      if (!isRecord(message)) throw new Error('AttributeError: message.get on a non-dict');
      if (!('role' in message) || !('content' in message)) count('message_missing_key');
      if (Object.keys(message).some((k) => !['role', 'content', 'name', 'function_call', 'weight'].includes(k))) count('message_unrecognized_key');
      if (!['system', 'user', 'assistant', 'function'].includes(message.role as string)) count('unrecognized_role');
      const content = message.content ?? null;
      const functionCall = message.function_call ?? null;
      if ((!pyTruthy(content) && !pyTruthy(functionCall)) || typeof content !== 'string') count('missing_content');
    }
    if (!list.some((m) => isRecord(m) && m.role === 'assistant')) count('example_missing_assistant_message');
  }
  return formatErrors;
}

// ---------------------------------------------------------------------------------------------
// OpenAI preference fine-tuning record checks (guide + FineTunePreferenceRequestInput)
// ---------------------------------------------------------------------------------------------

function openaiDpoProblems(row: Row, { extraKeys = [] as string[] } = {}): string[] {
  const problems: string[] = [];
  const keys = Object.keys(row).sort();
  const expected = ['input', 'non_preferred_output', 'preferred_output', ...extraKeys].sort();
  if (JSON.stringify(keys) !== JSON.stringify(expected)) problems.push(`keys ${keys.join(',')}`);
  const input = row.input;
  if (!isRecord(input) || !Array.isArray(input.messages) || input.messages.length < 1) return [...problems, 'input.messages is not a non-empty list'];
  if (Object.keys(input).some((k) => !['messages', 'tools', 'parallel_tool_calls'].includes(k))) problems.push(`input keys ${Object.keys(input).join(',')}`);
  for (const m of input.messages as unknown[]) {
    if (!isRecord(m) || JSON.stringify(Object.keys(m).sort()) !== '["content","role"]') problems.push(`input message ${JSON.stringify(m)}`);
    else if (!['system', 'user', 'assistant'].includes(m.role as string) || typeof m.content !== 'string' || m.content === '')
      problems.push(`input message ${JSON.stringify(m)}`);
  }
  const messages = input.messages as Msg[];
  if (messages.slice(1).some((m) => m.role === 'system')) problems.push('a system message after the first');
  // The outputs must be "the last assistant message": the input ends with the user turn they answer.
  if (messages.at(-1)?.role !== 'user') problems.push(`input ends with ${messages.at(-1)?.role}`);
  for (const key of ['preferred_output', 'non_preferred_output']) {
    const output = row[key];
    if (!Array.isArray(output) || output.length !== 1) {
      problems.push(`${key} is not a list of one message`);
      continue;
    }
    const [m] = output as unknown[];
    if (!isRecord(m) || m.role !== 'assistant' || typeof m.content !== 'string' || m.content === '' || Object.keys(m).length !== 2)
      problems.push(`${key}: ${JSON.stringify(m)}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The hand-made project
// ---------------------------------------------------------------------------------------------

interface Conv {
  id: string;
  messages: Msg[];
  answers: string[];
  /** Each trainer's ranking, by answer text, in trainer order. */
  plan: [Groups, Groups, Groups];
  metadata?: Record<string, unknown>;
}

const SYS = 'You are a patient maths tutor.';
const cycleContext: Msg[] = [
  { role: 'system', content: SYS },
  user('Hi, I need help with fractions.'),
  { role: 'assistant', content: 'Of course. What would you like to add?' },
  user('What is 1/2 + 1/4?'),
];
const [X, Y, Z, W] = ['3/4.', 'Three quarters, since 1/2 is 2/4.', '0.75', '1/6.'];
const [P, Q, R] = ['Red.', 'Blue is one.', 'Green.'];
const [A, B, C] = ['Yes, roughly spherical.', 'No.', 'It is flat.'];
const [G1, G2] = ['4.', '5.'];
const [K1, K2] = ['Paris.', 'Paris. It has been the capital of France since the tenth century.'];
const CAT = "How do you say 'cat' in French?";
/** Imported four times under different ids; split by id, these ids would fall on both sides (checked below). */
const dupIds = ['dup-cat-1', 'dup-cat-2', 'dup-cat-3', 'dup-cat-4'];
const dupAnswers = [
  ['Chat.', 'Chien.'],
  ['Le chat.', 'Le chien.'],
  ['Un chat.', 'Un chien.'],
  ['« Chat ».', '« Chien ».'],
];
const fills = [
  ['moon', 'Spoon.', 'Star.'],
  ['tree', 'Bee.', 'Leaf.'],
  ['light', 'Night.', 'Lamp.'],
  ['rain', 'Train.', 'Cloud.'],
  ['cake', 'Lake.', 'Bread.'],
];
const same = (groups: Groups): [Groups, Groups, Groups] => [groups, groups, groups];

const convs: Conv[] = [
  // System prompt and a multi-turn context; three trainers in a perfect cycle over X, Y, Z, all putting W last.
  {
    id: 'conv-cycle',
    messages: cycleContext,
    answers: [X, Y, Z, W],
    plan: [
      [[X], [Y], [Z], [W]],
      [[Y], [Z], [X], [W]],
      [[Z], [X], [Y], [W]],
    ],
    metadata: { source: 'hand-made', topic: 'fractions' },
  },
  // Two against one, the one with a tie.
  {
    id: 'conv-split',
    messages: [user('Name a primary colour.')],
    answers: [P, Q, R],
    plan: [
      [[P], [Q], [R]],
      [[P], [Q], [R]],
      [[R], [P, Q]],
    ],
  },
  // Unanimous, with a tie below the top.
  { id: 'conv-unanimous', messages: [user('Is the Earth round?')], answers: [A, B, C], plan: same([[A], [B, C]]) },
  // Made a gold item once ranked.
  {
    id: 'conv-gold',
    messages: [user('What is 2 + 2?')],
    answers: [G1, G2],
    plan: [
      [[G1], [G2]],
      [[G1], [G2]],
      [[G2], [G1]],
    ],
  },
  // One answer a prefix of the other.
  {
    id: 'conv-prefix',
    messages: [user('What is the capital of France?')],
    answers: [K1, K2],
    plan: [
      [[K2], [K1]],
      [[K2], [K1]],
      [[K1], [K2]],
    ],
  },
  ...dupIds.map((id, i): Conv => ({ id, messages: [user(CAT)], answers: dupAnswers[i]!, plan: same([[dupAnswers[i]![0]!], [dupAnswers[i]![1]!]]) })),
  ...fills.map(([word, a, b]): Conv => ({
    id: `fill-${word}`,
    messages: [user(`Give me a word that rhymes with ${word}.`)],
    answers: [a!, b!],
    plan: same([[a!], [b!]]),
  })),
];
const demonstrations: Msg[][] = [
  // The same prompt text as the dup-cat comparisons: it must share their side of the split.
  [user(CAT), { role: 'assistant', content: 'On dit « chat ».' }],
  [
    { role: 'system', content: 'You are a cheerful assistant.' },
    user('Hello!'),
    { role: 'assistant', content: 'Hi there! How can I help?' },
    user('Tell me a joke.'),
    { role: 'assistant', content: 'Why did the scarecrow win an award? He was outstanding in his field.' },
  ],
];
const convById = new Map(convs.map((c) => [c.id, c]));
/** Answer text → its conversation: every answer text is unique in the project. */
const convOfAnswer = new Map(convs.flatMap((c) => c.answers.map((a) => [a, c] as const)));
const contextOf = (answer: string) => convOfAnswer.get(answer)!.messages;

interface RankingRecord {
  comparison_id: string;
  source_id: string;
  metadata: unknown;
  context: Msg[];
  candidates: Array<{ id: string; content: string }>;
  ranking: Groups;
  consensus_pairs?: string[][];
  gold_ranking: Groups | null;
  annotator: string;
  annotators: string[];
}
interface TrlRow {
  prompt: Msg[];
  chosen: Msg[];
  rejected: Msg[];
  group_id: string;
  source_id?: string;
}
interface DpoRow {
  input: { messages: Msg[] };
  preferred_output: Msg[];
  non_preferred_output: Msg[];
  source_id?: string;
}
interface HhRow {
  chosen: string;
  rejected: string;
  group_id: string;
  source_id?: string;
}

describe('export formats read by their consumers, on a hand-made project ranked by three trainers', () => {
  let slug: string;
  let researcher: TestUser;
  /** Comparison id and candidate id by answer text, per conversation. */
  const comparisonOf = new Map<string, Taken>();
  const textOfCandidate = new Map<string, string>();
  let perTrainer: RankingRecord[];

  beforeAll(async () => {
    expect(new Set(convs.flatMap((c) => c.answers)).size).toBe(convs.flatMap((c) => c.answers).length);
    slug = server.project({ allowTies: true, overlap: 3 });
    const imported = await server.importLines(
      slug,
      convs.map((c) => ({
        id: c.id,
        messages: c.messages,
        completions: c.answers.map((content) => ({ content, model: 'm-1' })),
        ...(c.metadata ? { metadata: c.metadata } : {}),
      })),
    );
    expect(imported.status).toBe(200);
    researcher = await server.user('researcher');
    const trainers = [await server.user('trainer'), await server.user('trainer'), await server.user('trainer')];
    for (const [t, trainer] of trainers.entries()) {
      const ranked: string[] = [];
      for (let taken = await take(trainer, slug); taken; taken = await take(trainer, slug)) {
        const conv = convOfAnswer.get(Object.keys(taken.idOf)[0]!)!;
        if (!comparisonOf.has(conv.id)) comparisonOf.set(conv.id, taken);
        expect(comparisonOf.get(conv.id)!.id).toBe(taken.id);
        const ranking = conv.plan[t]!.map((group) => group.map((text) => taken.idOf[text]!));
        const res = await trainer.api('PUT', `/comparisons/${taken.id}/ranking`, { ranking });
        expect(res.status).toBe(200);
        ranked.push(conv.id);
      }
      expect(ranked.sort()).toEqual(convs.map((c) => c.id).sort());
    }
    for (const taken of comparisonOf.values()) for (const [text, id] of Object.entries(taken.idOf)) textOfCandidate.set(id, text);
    const gold = comparisonOf.get('conv-gold')!;
    expect((await researcher.api('PUT', `/comparisons/${gold.id}/gold`, { ranking: [[gold.idOf[G1]], [gold.idOf[G2]]] })).status).toBe(204);
    for (const messages of demonstrations) {
      expect((await trainers[0]!.api('POST', `/projects/${slug}/demonstrations`, { messages })).status).toBe(201);
    }
    perTrainer = await exportRows<RankingRecord>(researcher, slug, 'format=rankings');
  });

  const idsOf = (convId: string, texts: string[]) => texts.map((t) => comparisonOf.get(convId)!.idOf[t]!);
  const texts = (groups: Groups) => groups.map((g) => g.map((id) => textOfCandidate.get(id)!));
  /** Every trainer's ranking of each comparison, by answer text, from the per-trainer rankings export. */
  const rankingsByComparison = () => {
    const by = new Map<string, Groups[]>();
    for (const r of perTrainer) by.set(r.comparison_id, [...(by.get(r.comparison_id) ?? []), texts(r.ranking)]);
    return by;
  };
  const convOfComparison = (comparisonId: string) => [...comparisonOf].find(([, t]) => t.id === comparisonId)![0];

  describe('rankings', () => {
    it('names the import id as source_id on every record, per trainer and consensus, with metadata and gold_ranking', async () => {
      expect(perTrainer).toHaveLength(convs.length * 3);
      const consensus = await exportRows<RankingRecord>(researcher, slug, 'format=rankings&rows=consensus');
      expect(consensus).toHaveLength(convs.length);
      for (const record of [...perTrainer, ...consensus]) {
        const conv = convOfAnswer.get(record.candidates[0]!.content)!;
        expect({ comparison: record.comparison_id, source_id: record.source_id }).toEqual({ comparison: comparisonOf.get(conv.id)!.id, source_id: conv.id });
        expect(record.context).toEqual(conv.messages);
        expect(record.metadata).toEqual(conv.metadata ?? null);
        expect(record.gold_ranking).toEqual(conv.id === 'conv-gold' ? [idsOf('conv-gold', [G1]), idsOf('conv-gold', [G2])] : null);
      }
      // Duplicated prompt text keeps each import's own id.
      expect(consensus.filter((r) => r.context[0]!.content === CAT).map((r) => r.source_id)).toEqual(dupIds);
      expect(consensus.every((r) => r.annotator === 'consensus' && r.annotators.length === 3 && Array.isArray(r.consensus_pairs))).toBe(true);
    });
  });

  describe('no consensus pair without a majority path', () => {
    const expectedConsensus: Record<string, Array<[string, string]>> = {
      // The cycle X > Y > Z > X (2 to 1 each) locks nothing; all three beat W 3 to 0.
      'conv-cycle': [
        [X, W],
        [Y, W],
        [Z, W],
      ],
      'conv-split': [
        [P, Q],
        [P, R],
        [Q, R],
      ],
      'conv-unanimous': [
        [A, B],
        [A, C],
      ],
      'conv-gold': [[G1, G2]],
      'conv-prefix': [[K2, K1]],
    };
    const expected = (convId: string): Array<[string, string]> =>
      expectedConsensus[convId] ?? [[convById.get(convId)!.answers[0]!, convById.get(convId)!.answers[1]!]];

    it('has a checker that refuses pairs no majority path supports', () => {
      const byComparison = rankingsByComparison();
      const cycle = majorityGraph(byComparison.get(comparisonOf.get('conv-cycle')!.id)!);
      expect([...cycle.get(X)!].sort()).toEqual([W, Y].sort());
      expect(majorityPath(cycle, X, W)).toBe(true);
      expect(majorityPath(cycle, W, X)).toBe(false);
      const split = majorityGraph(byComparison.get(comparisonOf.get('conv-split')!.id)!);
      expect(majorityPath(split, R, P)).toBe(false);
      expect(majorityPath(split, P, R)).toBe(true);
    });

    it('holds in rankings consensus_pairs and in the trl, openai-dpo and hh consensus rows', async () => {
      const byComparison = rankingsByComparison();
      const graphs = new Map([...byComparison].map(([id, rankings]) => [id, majorityGraph(rankings)]));
      const check = (comparisonId: string, chosen: string, rejected: string) => {
        expect({ comparisonId, chosen, rejected, supported: majorityPath(graphs.get(comparisonId)!, chosen, rejected) }).toEqual({
          comparisonId,
          chosen,
          rejected,
          supported: true,
        });
      };
      const consensus = await exportRows<RankingRecord>(researcher, slug, 'format=rankings&rows=consensus');
      const fromRankings = new Map<string, string[]>();
      for (const r of consensus) {
        const pairs = r.consensus_pairs!.map(([c, d]) => [textOfCandidate.get(c!)!, textOfCandidate.get(d!)!] as const);
        for (const [c, d] of pairs) check(r.comparison_id, c, d);
        fromRankings.set(r.comparison_id, sortedPairs(pairs));
        expect({ conv: convOfComparison(r.comparison_id), pairs: sortedPairs(pairs) }).toEqual({
          conv: convOfComparison(r.comparison_id),
          pairs: sortedPairs(expected(convOfComparison(r.comparison_id))),
        });
      }
      expect(fromRankings.get(comparisonOf.get('conv-cycle')!.id)).toEqual(
        sortedPairs([
          [X, W],
          [Y, W],
          [Z, W],
        ]),
      );

      const collect = (rows: Array<{ comparisonId: string; chosen: string; rejected: string }>) => {
        const by = new Map<string, Array<[string, string]>>();
        for (const p of rows) {
          check(p.comparisonId, p.chosen, p.rejected);
          by.set(p.comparisonId, [...(by.get(p.comparisonId) ?? []), [p.chosen, p.rejected]]);
        }
        return new Map([...by].map(([id, pairs]) => [id, sortedPairs(pairs)]));
      };
      const trl = (await exportRows<TrlRow>(researcher, slug, 'format=trl&rows=consensus')).map((r) => ({
        comparisonId: r.group_id,
        chosen: r.chosen[0]!.content,
        rejected: r.rejected[0]!.content,
      }));
      const dpo = (await exportRows<DpoRow>(researcher, slug, 'format=openai-dpo&rows=consensus')).map((r) => ({
        // openai-dpo rows carry no group id: answer texts are unique in this project.
        comparisonId: comparisonOf.get(convOfAnswer.get(r.preferred_output[0]!.content)!.id)!.id,
        chosen: r.preferred_output[0]!.content,
        rejected: r.non_preferred_output[0]!.content,
      }));
      const hh = (await exportRows<HhRow>(researcher, slug, 'format=hh&rows=consensus')).map((r) => ({
        comparisonId: r.group_id,
        chosen: r.chosen.slice(hhPrompt(r.chosen).length),
        rejected: r.rejected.slice(hhPrompt(r.rejected).length),
      }));
      // Every consensus pair, and only those: the cycle comparison gives exactly its three pairs with W.
      const withPairs = new Map([...fromRankings].filter(([, p]) => p.length > 0));
      expect(collect(trl)).toEqual(withPairs);
      expect(collect(dpo)).toEqual(withPairs);
      expect(collect(hh)).toEqual(withPairs);
    });
  });

  describe('trl', () => {
    it('is conversational with an explicit prompt, and apply_chat_template and the DPO and reward trainers take every row', async () => {
      for (const query of ['format=trl', 'format=trl&rows=consensus', 'format=trl&withSource=true']) {
        const rows = await exportRows<TrlRow>(researcher, slug, query);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          const example = row as unknown as Row;
          expect(isConversational(example)).toBe(true);
          // maybe_extract_prompt leaves a row with a conversational prompt as it is; DPOTrainer extracts only without "prompt".
          expect(maybeExtractPrompt(example)).toBe(example);
          const context = contextOf(row.chosen[0]!.content);
          expect(row.prompt).toEqual(context);
          expect(row.chosen).toEqual([{ role: 'assistant', content: row.chosen[0]!.content }]);
          expect(row.rejected).toEqual([{ role: 'assistant', content: row.rejected[0]!.content }]);
          expect(convOfAnswer.get(row.rejected[0]!.content)).toBe(convOfAnswer.get(row.chosen[0]!.content));

          const templated = maybeApplyChatTemplate(example);
          expect(templated).toEqual({
            // The common-prefix step is a no-op: the prompt is the prompt rendered with the generation prompt.
            prompt: chatTemplate(context, { addGenerationPrompt: true }),
            chosen: `${row.chosen[0]!.content}${END}`,
            rejected: `${row.rejected[0]!.content}${END}`,
          });

          // DPOTrainer._prepare_dataset tokenize_fn: prompt ids must prefix prompt+chosen and prompt+rejected ids.
          const promptIds = tokenize(row.prompt, { addGenerationPrompt: true });
          for (const key of ['chosen', 'rejected'] as const) {
            const ids = tokenize(pyAdd(row.prompt, row[key]));
            expect(ids.slice(0, promptIds.length)).toEqual(promptIds);
            expect(String.fromCodePoint(...ids.slice(promptIds.length))).toBe(`${row[key][0]!.content}${END}`);
          }
          // RewardTrainer._prepare_dataset: chosen = prompt + chosen, then tokenized whole, still conversational.
          const reward = { ...example, chosen: pyAdd(row.prompt, row.chosen), rejected: pyAdd(row.prompt, row.rejected) };
          expect(isConversational(reward)).toBe(true);
          expect((reward.chosen as Msg[]).at(-1)).toEqual(row.chosen[0]);
        }
      }
    });

    it('names the import id as source_id with withSource=true', async () => {
      const rows = await exportRows<TrlRow>(researcher, slug, 'format=trl&withSource=true');
      expect(rows).toHaveLength(await exportRows(researcher, slug, 'format=trl').then((r) => r.length));
      for (const row of rows)
        expect({ group: row.group_id, source_id: row.source_id }).toEqual({ group: row.group_id, source_id: convOfComparison(row.group_id) });
      expect((await exportRows<TrlRow>(researcher, slug, 'format=trl'))[0]).not.toHaveProperty('source_id');
    });

    it('holds every trainer’s every pair once, and unpair_preference_dataset makes two labelled rows of each', async () => {
      const rows = await exportRows<TrlRow>(researcher, slug, 'format=trl');
      const expected = convs.flatMap((c) => c.plan.flatMap((groups) => pairsOf(groups).map((p) => `${c.id}: ${p.chosen} > ${p.rejected}`)));
      expect(rows.map((r) => `${convOfComparison(r.group_id)}: ${r.chosen[0]!.content} > ${r.rejected[0]!.content}`).sort()).toEqual(expected.sort());

      const unpaired = unpairPreferenceDataset(rows as unknown as Row[]);
      expect(unpaired).toEqual([
        ...rows.map((r) => ({ completion: r.chosen, label: true, prompt: r.prompt, group_id: r.group_id })),
        ...rows.map((r) => ({ completion: r.rejected, label: false, prompt: r.prompt, group_id: r.group_id })),
      ]);
      for (const row of unpaired) {
        expect(isConversational(row)).toBe(true);
        // apply_chat_template accepts {"prompt", "completion", "label"} (group_id is not a supported key).
        expect(applyChatTemplate(row)).toEqual({
          prompt: chatTemplate(row.prompt, { addGenerationPrompt: true }),
          completion: `${(row.completion as Msg[])[0]!.content}${END}`,
          label: row.label,
        });
      }
      // Before huggingface/trl#6059 (trl 0.12, issue #2351), any column besides prompt/chosen/rejected
      // broke unpairing: group_id stays N rows long while completion and label are 2N.
      expect(() => unpairPreferenceDatasetBefore6059(rows as unknown as Row[])).toThrow(
        /ArrowInvalid: Column named group_id expected length \d+ but got length \d+/,
      );
      expect(unpairPreferenceDatasetBefore6059(rows.map(({ prompt, chosen, rejected }) => ({ prompt, chosen, rejected })))).toHaveLength(rows.length * 2);
    });

    it('writes margin=rank as a float json.loads reads as float, equal to the groups between chosen and rejected', async () => {
      for (const query of ['format=trl&margin=rank', 'format=trl&rows=consensus&margin=rank']) {
        const lines = await exportLines(researcher, slug, query);
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) {
          const token = /"margin":(-?[0-9.eE+-]+)[,}]/.exec(line)?.[1];
          expect({ line, type: token && pythonNumberType(token) }).toEqual({ line, type: 'float' });
        }
      }
      expect(pythonNumberType('1')).toBe('int');
      expect(pythonNumberType('1.0')).toBe('float');
      const lines = await exportLines(researcher, slug, 'format=trl&margin=rank');
      expect(lines.some((l) => l.includes('"margin":2.0'))).toBe(true);
      expect(lines.some((l) => l.includes('"margin":3.0'))).toBe(true);
      const got = lines.map((l) => {
        const row = JSON.parse(l) as TrlRow & { margin: number };
        return `${convOfComparison(row.group_id)}: ${row.chosen[0]!.content} > ${row.rejected[0]!.content} by ${row.margin}`;
      });
      const expected = convs.flatMap((c) => c.plan.flatMap((groups) => pairsOf(groups).map((p) => `${c.id}: ${p.chosen} > ${p.rejected} by ${p.distance}`)));
      expect(got.sort()).toEqual(expected.sort());
    });
  });

  describe('openai-dpo', () => {
    it('has exactly input, preferred_output and non_preferred_output, in OpenAI’s shape, on every row', async () => {
      for (const query of [
        'format=openai-dpo',
        'format=openai-dpo&rows=consensus',
        'format=openai-dpo&singleTurn=true',
        'format=openai-dpo&split=test&testShare=0.5',
        'format=openai-dpo&split=train&testShare=0.5',
      ]) {
        const rows = await exportRows<DpoRow>(researcher, slug, query);
        expect(rows.length, query).toBeGreaterThan(0);
        for (const row of rows) {
          expect(Object.keys(row)).toEqual(['input', 'preferred_output', 'non_preferred_output']);
          expect({ query, problems: openaiDpoProblems(row as unknown as Row) }).toEqual({ query, problems: [] });
          expect(row.input).toEqual({ messages: contextOf(row.preferred_output[0]!.content) });
          expect(convOfAnswer.get(row.non_preferred_output[0]!.content)).toBe(convOfAnswer.get(row.preferred_output[0]!.content));
        }
      }
      // The check refuses what OpenAI refuses.
      expect(
        openaiDpoProblems({
          input: { messages: [user('Q')] },
          preferred_output: [{ role: 'assistant', content: 'a' }],
          non_preferred_output: [{ role: 'assistant', content: 'b' }],
          group_id: '1',
        }),
      ).toEqual(['keys group_id,input,non_preferred_output,preferred_output']);
      expect(
        openaiDpoProblems({
          input: { messages: [user('Q'), { role: 'assistant', content: 'x' }] },
          preferred_output: [],
          non_preferred_output: [{ role: 'user', content: 'b' }],
        }),
      ).toEqual(['input ends with assistant', 'preferred_output is not a list of one message', 'non_preferred_output: {"role":"user","content":"b"}']);
    });

    it('leaves out, with singleTurn=true, exactly the rows whose input holds an assistant turn', async () => {
      const all = await exportLines(researcher, slug, 'format=openai-dpo');
      const single = await exportLines(researcher, slug, 'format=openai-dpo&singleTurn=true');
      const multi = all.filter((l) => (JSON.parse(l) as DpoRow).input.messages.some((m) => m.role === 'assistant'));
      // conv-cycle's three strict rankings of four: 3 × 6 rows.
      expect(multi).toHaveLength(18);
      expect(single).toEqual(all.filter((l) => !multi.includes(l)));
      const count = await researcher.api('GET', `/projects/${slug}/export/count?format=openai-dpo&singleTurn=true`);
      expect(await count.json()).toEqual({ rows: single.length, multiTurnRows: 18, droppedSystemPrompts: 0 });
    });

    it('adds source_id, the import id, only with withSource=true', async () => {
      const rows = await exportRows<DpoRow>(researcher, slug, 'format=openai-dpo&withSource=true');
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(openaiDpoProblems(row as unknown as Row, { extraKeys: ['source_id'] })).toEqual([]);
        expect(row.source_id).toBe(convOfAnswer.get(row.preferred_output[0]!.content)!.id);
      }
    });
  });

  describe('sft', () => {
    const sftQueries = ['format=sft', 'format=sft&includeTopRanked=true', 'format=sft&includeTopRanked=true&split=test&testShare=0.5'];

    it('passes the cookbook’s format checks and TRL’s is_conversational on every record', async () => {
      for (const query of sftQueries) {
        const rows = await exportRows(researcher, slug, query);
        expect(rows.length, query).toBeGreaterThan(0);
        expect({ query, errors: chatFormatErrors(rows) }).toEqual({ query, errors: {} });
        for (const row of rows) {
          expect(Object.keys(row)).toEqual(['messages']);
          expect(isConversational(row)).toBe(true);
          const messages = row.messages as Msg[];
          expect(messages.at(-1)!.role).toBe('assistant');
          expect(messages.some((m) => m.role === 'user')).toBe(true);
          expect(applyChatTemplate(row)).toEqual({ text: chatTemplate(messages) });
        }
      }
      // The checks find what they look for.
      expect(chatFormatErrors(['x', {}, { messages: [{ role: 'bot', content: '', extra: 1 }, { content: 'y' }] }])).toEqual({
        data_type: 1,
        missing_messages_list: 1,
        message_unrecognized_key: 1,
        unrecognized_role: 2,
        missing_content: 1,
        message_missing_key: 1,
        example_missing_assistant_message: 1,
      });
    });

    it('holds the demonstrations, then each comparison’s consensus winner where no tie shares the top', async () => {
      expect(await exportRows(researcher, slug, 'format=sft')).toEqual(demonstrations.map((messages) => ({ messages })));
      const winners = convs
        .filter((c) => c.id !== 'conv-cycle')
        .map((c) => {
          const tops: Record<string, string> = { 'conv-split': P, 'conv-unanimous': A, 'conv-gold': G1, 'conv-prefix': K2 };
          const top = tops[c.id] ?? c.answers[0]!;
          return { messages: [...c.messages, { role: 'assistant', content: top }] };
        });
      expect(await exportRows(researcher, slug, 'format=sft&includeTopRanked=true')).toEqual([...demonstrations.map((messages) => ({ messages })), ...winners]);
    });
  });

  describe('hh', () => {
    const hhQueries = ['format=hh', 'format=hh&rows=consensus', 'format=hh&hhSystem=fold', 'format=hh&withSource=true'];

    it('has the HH-RLHF layout, and TRL’s HH converters recover one prompt and two different answers', async () => {
      for (const query of hhQueries) {
        const fold = query.includes('fold');
        const rows = await exportRows<HhRow>(researcher, slug, query);
        expect(rows.length, query).toBeGreaterThan(0);
        for (const row of rows) {
          expect({ query, chosen: hhLayoutProblems(row.chosen), rejected: hhLayoutProblems(row.rejected) }).toEqual({ query, chosen: [], rejected: [] });
          const prompt = hhPrompt(row.chosen);
          expect(hhPrompt(row.rejected)).toBe(prompt);
          const [chosen, rejected] = [row.chosen.slice(prompt.length), row.rejected.slice(prompt.length)];
          const conv = convOfAnswer.get(chosen)!;
          expect(conv).toBeDefined();
          expect(convOfAnswer.get(rejected)).toBe(conv);
          expect(row.group_id).toBe(comparisonOf.get(conv.id)!.id);
          if (query.includes('withSource')) expect(row.source_id).toBe(conv.id);
          const system = conv.messages.find((m) => m.role === 'system')?.content;
          const dialogue = conv.messages
            .filter((m) => m.role !== 'system')
            .map((m, i) => (i === 0 && fold && system ? { ...m, content: `${system}\n\n${m.content}` } : m));
          if (!fold && system) expect(row.chosen.includes(system)).toBe(false);

          const prefixPair = chosen.startsWith(rejected) || rejected.startsWith(chosen);
          if (prefixPair) {
            // The converter's known failure, shown in the next test: main's strict zip raises.
            expect(() => extractDialogue(row)).toThrow(/ValueError: zip\(\) argument/);
          } else {
            expect(extractDialogue(row)).toEqual({
              prompt: dialogue,
              chosen: [{ role: 'assistant', content: chosen }],
              rejected: [{ role: 'assistant', content: rejected }],
            });
          }
          expect(extractDialogue(row, { strict: false })).toEqual({
            prompt: dialogue,
            chosen: [{ role: 'assistant', content: chosen }],
            rejected: [{ role: 'assistant', content: rejected }],
          });
          expect(chosen).not.toBe('');
          expect(rejected).not.toBe(chosen);
          expect(anthropicHhDialogue(row.chosen)).toEqual([...dialogue, { role: 'assistant', content: chosen }]);
          expect(anthropicHhDialogue(row.rejected)).toEqual([...dialogue, { role: 'assistant', content: rejected }]);
        }
      }
      const cycle = comparisonOf.get('conv-cycle')!.id;
      const [dropped] = (await exportRows<HhRow>(researcher, slug, 'format=hh')).filter((r) => r.group_id === cycle);
      expect(hhPrompt(dropped!.chosen)).toBe(
        '\n\nHuman: Hi, I need help with fractions.\n\nAssistant: Of course. What would you like to add?\n\nHuman: What is 1/2 + 1/4?\n\nAssistant: ',
      );
      const [folded] = (await exportRows<HhRow>(researcher, slug, 'format=hh&hhSystem=fold')).filter((r) => r.group_id === cycle);
      expect(hhPrompt(folded!.chosen)).toBe(
        `\n\nHuman: ${SYS}\n\nHi, I need help with fractions.\n\nAssistant: Of course. What would you like to add?\n\nHuman: What is 1/2 + 1/4?\n\nAssistant: `,
      );
      const count = await researcher.api('GET', `/projects/${slug}/export/count?format=hh`);
      expect(await count.json()).toEqual({ rows: (await exportLines(researcher, slug, 'format=hh')).length, multiTurnRows: 0, droppedSystemPrompts: 18 });
      // Text before the first Human turn, as a system prompt written first would be, breaks anthropic_hh.py.
      expect(() => anthropicHhDialogue(`${SYS}\n\nHuman: Hi.\n\nAssistant: Hello.`)).toThrow(/IndexError/);
    });

    it('documents the common-prefix failure when one answer is a prefix of the other; Ordinal’s rows still share exactly the dialogue prefix', async () => {
      const dialogue = '\n\nHuman: What is the capital of France?\n\nAssistant: ';
      const pair = { chosen: `${dialogue}Paris. It is on the Seine.`, rejected: `${dialogue}Paris.` };
      // trl/data_utils.py extract_prompt, which DPOTrainer applies to rows without "prompt": the loop
      // ends without a difference, idx stays at len(shorter) - 1, and the prompt swallows the shorter answer.
      expect(maybeExtractPrompt(pair)).toEqual({ prompt: `${dialogue}Paris`, chosen: '. It is on the Seine.', rejected: '.' });
      // With answers that merely start alike, the shared start moves into the prompt too.
      expect(extractPrompt({ chosen: `${dialogue}Chat.`, rejected: `${dialogue}Chien.` })).toEqual({
        prompt: `${dialogue}Ch`,
        chosen: 'at.',
        rejected: 'ien.',
      });
      // hh-rlhf-helpful-base.py: on main, zip(strict=True) raises at the end of the shorter text;
      // before 7a9592bc8 the rfind fallback cut back to the last "\n\nAssistant: " and recovered.
      expect(() => extractDialogue(pair)).toThrow('ValueError: zip() argument 2 is shorter than argument 1');
      expect(extractDialogue(pair, { strict: false })).toEqual({
        prompt: [user('What is the capital of France?')],
        chosen: [{ role: 'assistant', content: 'Paris. It is on the Seine.' }],
        rejected: [{ role: 'assistant', content: 'Paris.' }],
      });

      const prefix = comparisonOf.get('conv-prefix')!.id;
      const rows = (await exportRows<HhRow>(researcher, slug, 'format=hh')).filter((r) => r.group_id === prefix);
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row.chosen.startsWith(dialogue)).toBe(true);
        expect(row.rejected.startsWith(dialogue)).toBe(true);
        expect([row.chosen.slice(dialogue.length), row.rejected.slice(dialogue.length)].sort()).toEqual([K1, K2].sort());
        expect(hhPrompt(row.chosen)).toBe(dialogue);
        expect(hhPrompt(row.rejected)).toBe(dialogue);
        // What the common-prefix reader makes of them instead.
        expect(extractPrompt(row).prompt).toBe(`${dialogue}Paris`);
      }
    });
  });

  describe('splits', () => {
    type Extract = (line: string) => string;
    const trlPrompt: Extract = (l) => messagesKey((JSON.parse(l) as TrlRow).prompt);
    const dpoPrompt: Extract = (l) => messagesKey((JSON.parse(l) as DpoRow).input.messages);
    const hhPromptOf: Extract = (l) => hhPrompt((JSON.parse(l) as HhRow).chosen);
    const sftPrompt: Extract = (l) => messagesKey((JSON.parse(l) as { messages: Msg[] }).messages.slice(0, -1));
    const rankingsPrompt: Extract = (l) => messagesKey((JSON.parse(l) as RankingRecord).context);
    const formats: Array<[string, Extract, 'messages' | 'hh']> = [
      ['format=trl', trlPrompt, 'messages'],
      ['format=trl&rows=consensus', trlPrompt, 'messages'],
      ['format=openai-dpo', dpoPrompt, 'messages'],
      ['format=openai-dpo&rows=consensus', dpoPrompt, 'messages'],
      ['format=hh', hhPromptOf, 'hh'],
      ['format=hh&rows=consensus', hhPromptOf, 'hh'],
      ['format=hh&hhSystem=fold', hhPromptOf, 'hh'],
      ['format=sft&includeTopRanked=true', sftPrompt, 'messages'],
      ['format=rankings', rankingsPrompt, 'messages'],
    ];

    it('would separate the duplicated ids if it split by id', () => {
      const side = (key: string) => (crypto.createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32 < 0.5 ? 'test' : 'train');
      expect(new Set(dupIds.map(side))).toEqual(new Set(['test', 'train']));
    });

    it('puts no prompt text in both train and test of any export, and train and test together are the whole export', async () => {
      const sides = { train: { messages: new Set<string>(), hh: new Set<string>() }, test: { messages: new Set<string>(), hh: new Set<string>() } };
      for (const [query, promptOf, kind] of formats) {
        const all = await exportLines(researcher, slug, query);
        const train = await exportLines(researcher, slug, `${query}&split=train&testShare=0.5`);
        const test = await exportLines(researcher, slug, `${query}&split=test&testShare=0.5`);
        expect({ query, train: train.length > 0, test: test.length > 0 }).toEqual({ query, train: true, test: true });
        expect([...train, ...test].sort()).toEqual([...all].sort());
        expect({ query, inBoth: intersection(train.map(promptOf), test.map(promptOf)) }).toEqual({ query, inBoth: [] });
        for (const p of train.map(promptOf)) sides.train[kind].add(p);
        for (const p of test.map(promptOf)) sides.test[kind].add(p);
      }
      // Across formats too: the prompt of a demonstration and of a comparison with the same text share a side.
      expect(intersection(sides.train.messages, sides.test.messages)).toEqual([]);
      expect(intersection(sides.train.hh, sides.test.hh)).toEqual([]);
      const catKey = messagesKey([user(CAT)]);
      expect(sides.train.messages.has(catKey) !== sides.test.messages.has(catKey)).toBe(true);
    });

    it('keeps every import of the same prompt text on one side, by source_id', async () => {
      const sideOf = new Map<string, string[]>();
      for (const split of ['train', 'test']) {
        for (const r of await exportRows<RankingRecord>(researcher, slug, `format=rankings&rows=consensus&split=${split}&testShare=0.5`))
          sideOf.set(r.source_id, [...(sideOf.get(r.source_id) ?? []), split]);
        for (const r of await exportRows<TrlRow>(researcher, slug, `format=trl&withSource=true&split=${split}&testShare=0.5`))
          sideOf.set(r.source_id!, [...(sideOf.get(r.source_id!) ?? []), split]);
      }
      const dupSides = dupIds.map((id) => [...new Set(sideOf.get(id))]);
      expect(dupSides.every((s) => s.length === 1)).toBe(true);
      expect(new Set(dupSides.flat()).size).toBe(1);
    });
  });

  describe('options that do not apply to a format', () => {
    it('are refused with 400 naming the option, by the export and by its count', async () => {
      for (const [query, option] of [
        ['format=hh&margin=rank', 'margin'],
        ['format=openai-dpo&withFeatures=true', 'withFeatures'],
        ['format=openai-dpo&margin=rank', 'margin'],
        ['format=sft&withSource=true', 'withSource'],
        ['format=rankings&withSource=true', 'withSource'],
        ['format=trl&singleTurn=true', 'singleTurn'],
        ['format=trl&hhSystem=fold', 'hhSystem'],
        ['format=hh&history=true', 'history'],
        ['format=trl&includeTopRanked=true', 'includeTopRanked'],
      ] as const) {
        for (const path of [`/projects/${slug}/export?${query}`, `/projects/${slug}/export/count?${query}`]) {
          const res = await researcher.api('GET', path);
          expect({ path, status: res.status }).toEqual({ path, status: 400 });
          const { error } = (await res.json()) as { error: { code: string; message: string; details: { issues: Array<{ path: string }> } } };
          expect(error.code).toBe('validation_failed');
          expect(error.message).toContain(option);
          expect(error.details.issues.map((i) => i.path)).toContain(option);
        }
      }
      // The same options where they apply.
      for (const query of [
        'format=trl&margin=rank',
        'format=trl&withFeatures=true',
        'format=rankings&withFeatures=true',
        'format=openai-dpo&singleTurn=true',
        'format=hh&hhSystem=fold',
        'format=hh&withSource=true',
      ]) {
        expect({ query, status: (await researcher.api('GET', `/projects/${slug}/export?${query}`)).status }).toEqual({ query, status: 200 });
      }
    });
  });
});

describe('hh splits when prompts differ only by their system prompt', () => {
  // hh drops the system prompt by default, so these four prompts are one hh prompt; the split
  // hashes the whole context, system prompt included.
  const systems = ['Answer in English.', 'Answer in Spanish.', 'Reply formally.', 'Reply casually.'];
  const QUESTION = 'What is the capital of Spain?';
  let slug: string;
  let researcher: TestUser;

  beforeAll(async () => {
    slug = server.project({ overlap: 1 });
    const lines = systems.map((system, i) => ({
      id: `sysvar-${i}`,
      messages: [{ role: 'system', content: system }, user(QUESTION)],
      completions: [{ content: `Madrid (${i}).` }, { content: `Barcelona (${i}).` }],
    }));
    expect((await server.importLines(slug, lines)).status).toBe(200);
    researcher = await server.user('researcher');
    const trainer = await server.user('trainer');
    for (let taken = await take(trainer, slug); taken; taken = await take(trainer, slug)) {
      const texts = Object.keys(taken.idOf);
      const ranking = [texts.find((t) => t.startsWith('Madrid'))!, texts.find((t) => t.startsWith('Barcelona'))!].map((t) => [taken.idOf[t]!]);
      expect((await trainer.api('PUT', `/comparisons/${taken.id}/ranking`, { ranking })).status).toBe(200);
    }
  });

  it('puts the system-prompt variants on both sides (the case is live)', async () => {
    const train = await exportRows<TrlRow>(researcher, slug, 'format=trl&split=train&testShare=0.5');
    const test = await exportRows<TrlRow>(researcher, slug, 'format=trl&split=test&testShare=0.5');
    expect(train.length).toBeGreaterThan(0);
    expect(test.length).toBeGreaterThan(0);
  });

  it('puts no hh prompt text in both train and test', async () => {
    const train = (await exportRows<HhRow>(researcher, slug, 'format=hh&split=train&testShare=0.5')).map((r) => hhPrompt(r.chosen));
    const test = (await exportRows<HhRow>(researcher, slug, 'format=hh&split=test&testShare=0.5')).map((r) => hhPrompt(r.chosen));
    expect(intersection(train, test)).toEqual([]);
  });
});
