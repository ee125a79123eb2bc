import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll } from 'vitest';

/**
 * A fake OpenAI-compatible Chat Completions server over real HTTP, for tests at the model boundary
 * only. Its texts are deterministic and depend on the request, so tests can assert on them: choice
 * `i` of a request with seed `s` whose last message is `text` says `Answer i (seed s) to: text` —
 * cut to `max_tokens` words, with finish_reason "length", if longer.
 *
 * It answers as one of three real servers does (`kind`), from their captures and source:
 * - `vllm` (the default): takes `n`, one seed for the request, each choice its own text; refuses
 *   `n` > 1 at temperature 0 with 400 "n must be 1 when using greedy sampling"
 *   (vllm-project/vllm `sampling_params.py`); errors `{"error":{message,type,param,code}}`.
 * - `llama-cpp`: refuses any `n` other than 1 with exactly the captured HTTP 500 of
 *   tests/fixtures/model-servers/llama.cpp-b4748; `llama-cpp-400` answers the same refusal with
 *   400 (newer versions), `llama-cpp-illegal-param` with 400 "Illegal param: only one completion
 *   choice is allowed"; a stream has no role chunk and ends with one chunk carrying
 *   finish_reason, usage and timings; the response's `model` echoes the request's.
 * - `ollama`: ignores `n` and answers one choice (ollama/ollama `openai/openai.go`: the request
 *   struct has no `n`); streams with the role in the first delta only, a finish chunk, and a
 *   usage chunk with empty choices when `stream_options.include_usage`.
 *
 * Behaviours (`setMode`), combinable with commas (e.g. "fail-after:4,slow-stream:20"):
 * - `normal`: answers as its kind does;
 * - `same-answer`: every choice and every request gets the same text, as at temperature 0;
 * - `same-answer-padded`: the same text, each choice ending in a different number of newlines;
 * - `fail`: HTTP 500 every time; `hang`: accepts the request and never answers;
 * - `echo-auth`: HTTP 401 quoting the API key it was sent, as a hostile server would;
 * - `fail-after:N`: answers N completion requests (counted from `setMode`) normally, then HTTP 500;
 * - `slow-stream:MS`: waits MS milliseconds between streamed pieces.
 */
export type FakeModelKind = 'vllm' | 'llama-cpp' | 'llama-cpp-400' | 'llama-cpp-illegal-param' | 'ollama';
export type FakeModelMode = string;

export interface FakeModelRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or null for requests without one. */
  body: ChatCompletionRequest | null;
}

export interface ChatCompletionRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  n?: number;
  seed?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  [key: string]: unknown;
}

export interface FakeModel {
  /** Base URL, ending in /v1, as a project's model endpoint takes it. */
  url: string;
  kind: FakeModelKind;
  /** Every request received, in order of arrival. */
  requests: FakeModelRequest[];
  /** The chat completion requests received, in order of arrival. */
  completions(): ChatCompletionRequest[];
  /** Connections open right now (a client that keeps idle connections holds some after its requests). */
  openConnections(): number;
  setMode(mode: FakeModelMode): void;
  /** Milliseconds to wait before answering each request. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export interface FakeModelOptions {
  kind?: FakeModelKind;
  mode?: FakeModelMode;
  delayMs?: number;
  /**
   * The models the server has: GET /v1/models lists them, vLLM answers with the first (it does not
   * echo the request's name), and, given, vLLM and Ollama answer 404 to any other name.
   */
  models?: string[];
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** The content of choice `index` for a request: what tests compare against. */
export function fakeAnswer(
  request: Pick<ChatCompletionRequest, 'messages' | 'seed' | 'max_tokens'>,
  index: number,
  sameAnswer = false,
): { content: string; finishReason: 'stop' | 'length' } {
  const last = request.messages.at(-1)?.content ?? '';
  const full = sameAnswer ? `The one answer to: ${last}` : `Answer ${index} (seed ${request.seed ?? 'none'}) to: ${last}`;
  const tokens = words(full);
  if (request.max_tokens !== undefined && tokens.length > request.max_tokens) {
    return { content: tokens.slice(0, request.max_tokens).join(' '), finishReason: 'length' };
  }
  return { content: full, finishReason: 'stop' };
}

function parseMode(mode: FakeModelMode) {
  const parts = mode.split(',').map((p) => p.trim());
  const number = (prefix: string) => {
    const part = parts.find((p) => p.startsWith(prefix));
    return part === undefined ? null : Number(part.slice(prefix.length));
  };
  return {
    sameAnswer: parts.includes('same-answer') || parts.includes('same-answer-padded'),
    padded: parts.includes('same-answer-padded'),
    echoAuth: parts.includes('echo-auth'),
    fail: parts.includes('fail'),
    hang: parts.includes('hang'),
    failAfter: number('fail-after:'),
    slowStreamMs: number('slow-stream:') ?? 0,
  };
}

/** A captured answer of tests/fixtures/model-servers: its status, headers (in order) and body bytes. */
function capture(file: string) {
  const raw = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/model-servers', file));
  const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.subarray(0, split).toString('latin1').split(/\r?\n/);
  const body = raw.subarray(split + (raw[split] === 13 ? 4 : 2));
  const status = Number(head[0]!.split(' ')[1]);
  const headers = head.slice(1).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string]);
  return { status, headers, body };
}

/** llama.cpp's refusal of `n` ≠ 1, as captured (HTTP 500), and the 400 variants of other versions. */
const llamaRefusals: Record<string, () => { status: number; body: string }> = {
  'llama-cpp': () => {
    const captured = capture('llama.cpp-b4748/b_nonstream_n2.http');
    return { status: captured.status, body: captured.body.toString('utf8') };
  },
  'llama-cpp-400': () => ({ status: 400, body: '{"error":{"code":400,"message":"Only one completion choice is allowed","type":"invalid_request_error"}}' }),
  'llama-cpp-illegal-param': () => ({
    status: 400,
    body: '{"error":{"code":400,"message":"Illegal param: only one completion choice is allowed","type":"invalid_request_error"}}',
  }),
};

const LLAMA_HEADERS = { 'Keep-Alive': 'timeout=5, max=100', Server: 'llama.cpp', 'Access-Control-Allow-Origin': '' };
const LLAMA_FINGERPRINT = 'b4748-c392e5094';

export async function startFakeModel(options: FakeModelOptions = {}): Promise<FakeModel> {
  const kind = options.kind ?? 'vllm';
  const isLlama = kind.startsWith('llama-cpp');
  let mode = parseMode(options.mode ?? 'normal');
  let delayMs = options.delayMs ?? 0;
  let answered = 0;
  let counter = 0;
  let paddedChoices = 0;
  const requests: FakeModelRequest[] = [];
  const sockets = new Set<Socket>();
  const models = options.models ?? ['fake-model'];

  /** An error in the kind's own shape. */
  function sendError(res: http.ServerResponse, status: number, message: string) {
    const type =
      status === 400
        ? kind === 'vllm'
          ? 'BadRequestError'
          : 'invalid_request_error'
        : isLlama
          ? 'server_error'
          : kind === 'ollama'
            ? 'api_error'
            : 'InternalServerError';
    const error = isLlama
      ? { code: status, message, type }
      : kind === 'ollama'
        ? { message, type, param: null, code: null }
        : { message, type, param: null, code: status };
    sendJson(res, status, { error });
  }

  function sendJson(res: http.ServerResponse, status: number, body: unknown) {
    const text = JSON.stringify(body) + (kind === 'ollama' ? '\n' : '');
    res.writeHead(status, {
      ...(isLlama ? LLAMA_HEADERS : {}),
      'Content-Type': isLlama ? 'application/json; charset=utf-8' : 'application/json',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  async function completion(res: http.ServerResponse, body: ChatCompletionRequest) {
    if (mode.hang) return; // never answers; the socket is destroyed on close()
    // Given `models`, vLLM and Ollama refuse any other name (llama.cpp answers whatever is asked).
    if (options.models && !isLlama && !options.models.includes(body.model)) {
      return sendError(res, 404, kind === 'ollama' ? `model '${body.model}' not found` : `The model \`${body.model}\` does not exist.`);
    }
    if (mode.fail) return sendError(res, 500, 'The fake model server is failing on purpose');
    // A hostile server: refuses the key, quoting it back (a real one may quote part of it).
    if (mode.echoAuth) return sendError(res, 401, `Incorrect API key provided: ${String(res.req.headers.authorization).replace(/^Bearer /, '')}`);
    const asked = body.n ?? 1;
    if (isLlama && asked !== 1) {
      const refusal = llamaRefusals[kind]!();
      res.writeHead(refusal.status, { ...LLAMA_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(refusal.body) });
      return res.end(refusal.body);
    }
    if (kind === 'vllm' && asked > 1 && (body.temperature ?? 1) < 1e-5) return sendError(res, 400, `n must be 1 when using greedy sampling, got ${asked}.`);
    if (mode.failAfter !== null && answered >= mode.failAfter) return sendError(res, 500, 'The fake model server stopped answering');
    answered++;
    const n = kind === 'ollama' ? 1 : asked;
    const id = kind === 'ollama' ? `chatcmpl-${++counter % 999}` : `chatcmpl-fake${String(++counter).padStart(28, '0')}`;
    const created = Math.floor(Date.now() / 1000);
    // vLLM answers with its served model name; llama.cpp and Ollama echo the request's.
    const model = kind === 'vllm' ? models[0]! : body.model;
    const promptTokens = body.messages.reduce((sum, m) => sum + words(m.content ?? '').length, 0);
    const choices = Array.from({ length: n }, (_, index) => {
      const answer = fakeAnswer(body, index, mode.sameAnswer);
      return { index, ...answer, content: mode.padded ? `${answer.content}${'\n'.repeat(paddedChoices++ % 4)}` : answer.content };
    });
    const completionTokens = choices.reduce((sum, c) => sum + words(c.content).length, 0);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const timings = {
      prompt_n: promptTokens,
      prompt_ms: 1,
      prompt_per_token_ms: 0.1,
      prompt_per_second: 1000,
      predicted_n: completionTokens,
      predicted_ms: 1,
      predicted_per_token_ms: 0.1,
      predicted_per_second: 1000,
    };

    if (!body.stream) {
      if (isLlama) {
        // Key order as captured in llama.cpp-b4748/d_nonstream_n1.http.
        return sendJson(res, 200, {
          choices: choices.map((c) => ({ finish_reason: c.finishReason, index: c.index, message: { role: 'assistant', content: c.content } })),
          created,
          model,
          system_fingerprint: LLAMA_FINGERPRINT,
          object: 'chat.completion',
          usage: { completion_tokens: usage.completion_tokens, prompt_tokens: usage.prompt_tokens, total_tokens: usage.total_tokens },
          id,
          timings,
        });
      }
      if (kind === 'ollama') {
        return sendJson(res, 200, {
          id,
          object: 'chat.completion',
          created,
          model,
          system_fingerprint: 'fp_ollama',
          choices: choices.map((c) => ({ index: c.index, message: { role: 'assistant', content: c.content }, finish_reason: c.finishReason })),
          usage,
        });
      }
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: choices.map((c) => ({
          index: c.index,
          message: {
            role: 'assistant',
            content: c.content,
            refusal: null,
            annotations: null,
            audio: null,
            function_call: null,
            tool_calls: [],
            reasoning_content: null,
          },
          logprobs: null,
          finish_reason: c.finishReason,
          stop_reason: null,
        })),
        service_tier: null,
        system_fingerprint: null,
        usage: {
          prompt_tokens: usage.prompt_tokens,
          total_tokens: usage.total_tokens,
          completion_tokens: usage.completion_tokens,
          prompt_tokens_details: null,
        },
        prompt_logprobs: null,
        kv_transfer_params: null,
      });
    }

    res.writeHead(
      200,
      isLlama
        ? { ...LLAMA_HEADERS, 'Content-Type': 'text/event-stream' }
        : { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' },
    );
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const pause = () => new Promise((resolve) => (mode.slowStreamMs > 0 ? setTimeout(resolve, mode.slowStreamMs) : setImmediate(resolve)));
    // Pieces of a few characters, some splitting words, the way tokens arrive.
    const pieces = (content: string) => Array.from({ length: Math.ceil(content.length / 5) }, (_, i) => content.slice(i * 5, i * 5 + 5));
    const includeUsage = body.stream_options?.include_usage === true;
    for (const c of choices) {
      if (isLlama) {
        const chunk = (choice: unknown, extra: Record<string, unknown> = {}) =>
          send({ choices: [choice], created, id, model, system_fingerprint: LLAMA_FINGERPRINT, object: 'chat.completion.chunk', ...extra });
        for (const piece of pieces(c.content)) {
          if (res.destroyed) return;
          chunk({ finish_reason: null, index: 0, delta: { content: piece } });
          await pause();
        }
        // Usage and timings come with the finish reason, whatever stream_options says (capture e).
        chunk(
          { finish_reason: c.finishReason, index: 0, delta: {} },
          { usage: { completion_tokens: usage.completion_tokens, prompt_tokens: usage.prompt_tokens, total_tokens: usage.total_tokens }, timings },
        );
        continue;
      }
      const head = { id, object: 'chat.completion.chunk', created, model, ...(kind === 'ollama' ? { system_fingerprint: 'fp_ollama' } : {}) };
      const chunk = (choice: Record<string, unknown>) => send({ ...head, choices: [kind === 'vllm' ? { logprobs: null, ...choice } : choice] });
      if (kind === 'vllm') chunk({ index: c.index, delta: { role: 'assistant', content: '' }, finish_reason: null });
      for (const [i, piece] of pieces(c.content).entries()) {
        if (res.destroyed) return;
        chunk({ index: c.index, delta: kind === 'ollama' && i === 0 ? { role: 'assistant', content: piece } : { content: piece }, finish_reason: null });
        await pause();
      }
      chunk({
        index: c.index,
        delta: kind === 'vllm' ? { content: '' } : {},
        finish_reason: c.finishReason,
        ...(kind === 'vllm' ? { stop_reason: null } : {}),
      });
    }
    if (includeUsage && !isLlama)
      send({ id, object: 'chat.completion.chunk', created, model, ...(kind === 'ollama' ? { system_fingerprint: 'fp_ollama' } : {}), choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: ChatCompletionRequest | null = null;
      try {
        body = raw ? (JSON.parse(raw) as ChatCompletionRequest) : null;
      } catch {
        return sendError(res, isLlama ? 500 : 400, 'Invalid JSON body');
      }
      const path = (req.url ?? '/').split('?')[0]!;
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (req.method === 'GET' && path === '/v1/models') {
        return sendJson(res, 200, {
          object: 'list',
          data: models.map((m) => ({ id: m, object: 'model', created: 0, owned_by: isLlama ? 'llamacpp' : kind === 'ollama' ? 'library' : 'vllm' })),
        });
      }
      if (req.method === 'POST' && path === '/v1/chat/completions') {
        if (!body || !Array.isArray(body.messages)) return sendError(res, isLlama ? 500 : 400, "key 'messages' not found");
        return completion(res, body);
      }
      if (isLlama) return sendError(res, 404, 'File Not Found');
      sendError(res, 404, `Unknown route ${req.method} ${path}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // llama.cpp keeps an idle connection 5 s (cpp-httplib's default), as the captures' Keep-Alive header says.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  let closed: Promise<void> | undefined;
  const fake: FakeModel = {
    url,
    kind,
    requests,
    completions: () => requests.filter((r) => r.path === '/v1/chat/completions' && r.body).map((r) => r.body!),
    openConnections: () => sockets.size,
    setMode(next) {
      mode = parseMode(next);
      answered = 0;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
  afterAll(() => fake.close());
  return fake;
}
