import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { config } from '#server/config.ts';
import { AppError } from '#server/http/errors.ts';
import { lookupWithinPolicy } from './model-hosts.ts';
import type { ChatMessage } from '#shared/conversations.ts';
import { maskCredentials, type ConnectionTest, type Sample, type SamplingSettings } from '#shared/models.ts';
import { modelAborted, modelFailed, modelHostRefused, modelTimeout, modelUnreachable, noChoice } from './models.errors.ts';

export interface Endpoint {
  baseUrl: string;
  model: string;
  apiKey: string | null;
}

/**
 * Whether the endpoint takes `n` (several choices from one request), as far as anyone has learned,
 * and where to write down what a request teaches (server/modules/models/endpoints.ts keeps it).
 */
export interface NMemory {
  takesN: boolean | null;
  learned(takesN: boolean): void;
}

type Sampling = Pick<SamplingSettings, 'temperature' | 'topP' | 'maxTokens'>;

const timeoutMs = () => config().ORDINAL_MODEL_TIMEOUT_MS;
const maxRetries = () => config().ORDINAL_MODEL_RETRIES;
const concurrency = () => config().ORDINAL_MODEL_CONCURRENCY;

/** What a trainer reads when the model fails: nothing of the server, the model or the cause. */
export const MODEL_DOWN_FOR_TRAINERS = 'The model is not reachable right now; your work is kept. Tell your researcher.';

/** At most `limit` requests in flight per endpoint; the rest wait their turn. */
class Limiter {
  private active = 0;
  private waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * No keep-alive: every connection closes once its answer is read. A small server has few HTTP
 * threads (llama.cpp's `llama-server`: 3 by default, and it keeps an idle connection 5 s), and each
 * idle pooled connection holds one, so other requests stall for seconds. A new connection on a
 * local network costs far less than a generation.
 */
const dispatcher = new Agent({ pipelining: 0, connect: { lookup: lookupWithinPolicy } });
const fetchWithoutKeepAlive = ((url: string, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher })) as unknown as typeof fetch;

interface Connection {
  client: OpenAI;
  limiter: Limiter;
}
const connections = new Map<string, Connection>();

function connect(endpoint: Endpoint): Connection {
  const key = `${endpoint.baseUrl}\n${endpoint.apiKey ?? ''}`;
  let connection = connections.get(key);
  if (!connection) {
    connection = {
      // Retries are ours (withRetries), so that each attempt is timed on its own and a probe of `n` is sent once.
      client: new OpenAI({ baseURL: endpoint.baseUrl, apiKey: endpoint.apiKey ?? 'none', timeout: timeoutMs(), maxRetries: 0, fetch: fetchWithoutKeepAlive }),
      limiter: new Limiter(concurrency()),
    };
    connections.set(key, connection);
  }
  return connection;
}

/** The longest message of a model server's relayed: an error message, not a page. */
const MAX_RELAYED = 300;

/**
 * The message a model server put in its JSON error body (`{"error":{"message":…}}`, which vLLM,
 * llama.cpp, Ollama and hosted APIs all send), cut to MAX_RELAYED characters, with the endpoint's
 * secrets (its API key, credentials in its URL) written `***` should the server echo them back.
 * Nothing else of an answer is relayed: a base URL aimed at some other service (an internal admin
 * page) must not make Ordinal a way to read it. The whole answer is in the error's cause, logged.
 */
function serverMessage(endpoint: Endpoint, error: InstanceType<typeof OpenAI.APIError>) {
  const body = error.error as { message?: unknown } | undefined;
  if (typeof body?.message !== 'string') return 'its answer was not an API error (no JSON error message)';
  let text = body.message;
  const secrets = [endpoint.apiKey, ...(/^[a-z][a-z0-9+.-]*:\/\/([^/@?#]*)@/i.exec(endpoint.baseUrl)?.[1]?.split(':') ?? [])].filter(
    (s): s is string => !!s && s.length >= 4,
  );
  for (const secret of secrets) text = text.split(secret).join('***');
  if (text.length > MAX_RELAYED) text = `${text.slice(0, MAX_RELAYED)}…`;
  return text.trim().replace(/\.$/, '') || 'no message';
}

/** The refusal of lookupWithinPolicy somewhere in a failed connection's causes. */
function refusedHost(error: unknown): Error | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) if ((cause as NodeJS.ErrnoException).code === 'EMODELHOST') return cause;
  return undefined;
}

/** Whether another attempt may succeed: the server busy, failing or out of reach; never a request it refused. */
function retryable(error: unknown) {
  if (error instanceof OpenAI.APIUserAbortError) return false;
  if (error instanceof OpenAI.APIConnectionError) return !refusedHost(error);
  if (error instanceof OpenAI.APIError) return error.status === 408 || error.status === 409 || error.status === 429 || (error.status ?? 0) >= 500;
  return false;
}

/**
 * A model server's failure in plain words, for researchers and the log: a 502 or 504 that names
 * the server and what to check. Trainers read MODEL_DOWN_FOR_TRAINERS instead. `details.retryable`
 * says whether running the same thing again may help.
 */
export function modelError(endpoint: Endpoint, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const address = maskCredentials(endpoint.baseUrl);
  const where = `The model server at ${address}`;
  const again = retryable(error);
  let appError: AppError;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    appError = modelTimeout(where, Math.round(timeoutMs() / 1000), again);
  } else if (error instanceof OpenAI.APIUserAbortError) {
    appError = modelAborted(again);
  } else if (error instanceof OpenAI.APIConnectionError && refusedHost(error)) {
    appError = modelHostRefused(refusedHost(error)!.message, again);
  } else if (error instanceof OpenAI.APIConnectionError) {
    appError = modelUnreachable(address, again);
  } else if (error instanceof OpenAI.APIError) {
    const hint =
      error.status === 401 || error.status === 403
        ? ' Check the API key.'
        : error.status === 404
          ? ` Check the model name "${endpoint.model}" and the base URL.`
          : '';
    appError = modelFailed(`${where} answered HTTP ${error.status ?? '(no status)'}: ${serverMessage(endpoint, error)}.${hint}`, again);
  } else {
    appError = modelFailed(`${where} failed: ${(error as Error)?.message ?? String(error)}`, again);
  }
  appError.forTrainers = MODEL_DOWN_FOR_TRAINERS;
  appError.cause = error;
  return appError;
}

/** Runs `attempt` until it succeeds, it fails in a way another try cannot mend, or the retries are spent; waits between tries as the server asks (Retry-After) or with exponential backoff. */
async function withRetries<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= maxRetries() || !retryable(error) || signal?.aborted) throw error;
      const retryAfter = error instanceof OpenAI.APIError ? Number(error.headers?.get('retry-after')) : NaN;
      const wait = retryAfter > 0 && retryAfter <= 60 ? retryAfter * 1000 : Math.min(8000, 500 * 2 ** tries) * (0.75 + Math.random() / 2);
      await sleep(wait, undefined, { signal });
    }
  }
}

const randomSeed = () => crypto.randomInt(1, 2 ** 31 - 1);

/** Seeds not among `taken`, so that no two samples of one context share one. */
function freshSeeds(count: number, taken: Iterable<number>): number[] {
  const used = new Set(taken);
  const seeds: number[] = [];
  while (seeds.length < count) {
    const seed = randomSeed();
    if (used.has(seed)) continue;
    used.add(seed);
    seeds.push(seed);
  }
  return seeds;
}

function request(endpoint: Endpoint, messages: ChatMessage[], sampling: Sampling, seed: number, n: number) {
  return {
    model: endpoint.model,
    messages,
    temperature: sampling.temperature,
    top_p: sampling.topP,
    max_tokens: sampling.maxTokens,
    seed,
    ...(n > 1 ? { n } : {}),
  };
}

interface Answer {
  choice: { message?: { content?: string | null }; finish_reason?: string | null };
  usage: OpenAI.CompletionUsage | undefined;
  servedModel: string | undefined;
  latencyMs: number;
}

function sampleOf(endpoint: Endpoint, sampling: Sampling, seed: number, n: number, answer: Answer): Sample {
  return {
    content: answer.choice.message?.content ?? '',
    model: endpoint.model,
    servedModel: answer.servedModel && answer.servedModel !== endpoint.model ? answer.servedModel : null,
    params: { temperature: sampling.temperature, top_p: sampling.topP, max_tokens: sampling.maxTokens, seed, ...(n > 1 ? { n } : {}) },
    finishReason: answer.choice.finish_reason ?? null,
    usage: answer.usage
      ? { prompt_tokens: answer.usage.prompt_tokens, completion_tokens: answer.usage.completion_tokens, total_tokens: answer.usage.total_tokens }
      : null,
    latencyMs: answer.latencyMs,
  };
}

/**
 * One request, once: its choices, each timed from the moment the request went out (a place in
 * the endpoint's queue taken) to the last byte of the answer.
 */
async function attemptOnce(
  connection: Connection,
  endpoint: Endpoint,
  messages: ChatMessage[],
  sampling: Sampling,
  seed: number,
  n: number,
): Promise<Sample[]> {
  return connection.limiter.run(async () => {
    const started = performance.now();
    const response = await connection.client.chat.completions.create(request(endpoint, messages, sampling, seed, n));
    const latencyMs = Math.round(performance.now() - started);
    // Usage covers all choices of the request: it is recorded on the first only, so sums stay true.
    return response.choices.map((choice, i) =>
      sampleOf(endpoint, sampling, seed, n, { choice, usage: i === 0 ? response.usage : undefined, servedModel: response.model, latencyMs }),
    );
  });
}

/** Whether a failed request was an answer about the request (any status, any wording), not a server that is busy or gone. */
const answeredWithRefusal = (error: unknown) => error instanceof OpenAI.APIError && error.status !== undefined && error.status !== 408 && error.status !== 429;

/**
 * K completions of the same context, with distinct seeds: one request with `n` = K where the
 * server takes it, otherwise K parallel requests of one choice each (retried with backoff).
 * Where nobody knows yet whether the endpoint takes `n`, the request with `n` is a probe, sent once
 * and never retried: a refusal of any status and wording (llama.cpp answers HTTP 500) or fewer
 * choices than asked (Ollama ignores `n`) teaches `memory` that this endpoint wants single
 * requests, and the choices it did give are kept. All K or an error: never a partial set.
 */
export async function sampleCompletions(endpoint: Endpoint, messages: ChatMessage[], sampling: Sampling, k: number, memory: NMemory): Promise<Sample[]> {
  const connection = connect(endpoint);
  try {
    const samples: Sample[] = [];
    let refusedN = false;
    // At temperature 0 every choice is the same text, and vLLM refuses `n` > 1 outright ("greedy sampling").
    if (k > 1 && memory.takesN !== false && sampling.temperature > 0) {
      const [seed] = freshSeeds(1, []);
      const ask = () => attemptOnce(connection, endpoint, messages, sampling, seed!, k);
      try {
        const answer = await (memory.takesN === true ? withRetries(ask) : ask());
        if (answer.length >= k) {
          if (memory.takesN === null) memory.learned(true);
          return answer.slice(0, k);
        }
        // Fewer choices than asked (Ollama ignores `n`): keep what came, as sent, and ask for the rest one by one.
        memory.learned(false);
        samples.push(...answer);
      } catch (error) {
        // A refusal, even where `n` was taken before (another server at the same address?), is tried again with single requests.
        if (answeredWithRefusal(error)) refusedN = true;
        // Busy or out of reach says nothing about `n`: the single requests below retry.
        else if (memory.takesN === true || !retryable(error)) throw error;
      }
    }
    const one = (seed: number) => withRetries(() => attemptOnce(connection, endpoint, messages, sampling, seed, 1));
    const rest = await Promise.all(
      freshSeeds(
        k - samples.length,
        samples.map((s) => s.params.seed),
      ).map(async (seed) => {
        const [sample] = await one(seed);
        if (!sample) throw noChoice(maskCredentials(endpoint.baseUrl));
        return sample;
      }),
    );
    // The same server answered single requests: it was `n` it refused, not the request.
    if (refusedN) memory.learned(false);
    return [...samples, ...rest];
  } catch (error) {
    throw modelError(endpoint, error);
  }
}

/**
 * One completion, streamed: `onDelta` gets each piece of text as it is generated. Retried only
 * while no text has arrived, so the reader never sees a piece twice; the latency is that of the
 * attempt that answered. Leaving (the signal) cancels the request, and the server stops generating.
 */
export async function streamCompletion(
  endpoint: Endpoint,
  messages: ChatMessage[],
  sampling: Sampling,
  onDelta: (text: string) => void,
  signal?: AbortSignal,
): Promise<Sample> {
  const connection = connect(endpoint);
  const [seed] = freshSeeds(1, []);
  let spoke = false;
  const attempt = () =>
    connection.limiter.run(async () => {
      const started = performance.now();
      const stream = await connection.client.chat.completions.create(
        { ...request(endpoint, messages, sampling, seed!, 1), stream: true, stream_options: { include_usage: true } },
        { signal },
      );
      let content = '';
      let finishReason: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined;
      let servedModel: string | undefined;
      for await (const chunk of stream) {
        servedModel ??= chunk.model;
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          spoke = true;
          content += delta;
          onDelta(delta);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        // llama.cpp sends usage with the finish reason on the last chunk; OpenAI and vLLM in a chunk of its own.
        if (chunk.usage) usage = chunk.usage;
      }
      return sampleOf(endpoint, sampling, seed!, 1, {
        choice: { message: { content }, finish_reason: finishReason },
        usage,
        servedModel,
        latencyMs: Math.round(performance.now() - started),
      });
    });
  try {
    return await withRetries(async () => {
      try {
        return await attempt();
      } catch (error) {
        if (spoke) throw Object.assign(modelError(endpoint, error), { details: { retryable: false } });
        throw error;
      }
    }, signal);
  } catch (error) {
    throw modelError(endpoint, error);
  }
}

/**
 * One tiny request (one token, two choices, no retries), then one of a single choice where the
 * first was refused: whether the endpoint works, which model it says answered, which it lists, and
 * whether it takes `n`. What it learns about `n` goes to `memory`.
 */
export async function testConnection(endpoint: Endpoint, memory: NMemory): Promise<ConnectionTest> {
  const connection = connect(endpoint);
  const tiny = { temperature: 1, topP: 1, maxTokens: 1 };
  const messages: ChatMessage[] = [{ role: 'user', content: 'Say OK.' }];
  const listed = connection.client.models.list().then(
    (page) => page.data.map((m) => m.id),
    () => null,
  );
  const started = performance.now();
  const result = (takesN: boolean | null, served: string | null, ok: boolean, message: string): Promise<ConnectionTest> =>
    listed.then((listedModels) => ({ ok, message, servedModel: served, listedModels, takesN, latencyMs: ok ? Math.round(performance.now() - started) : null }));
  const servedOf = (samples: Sample[]) => samples[0]?.servedModel ?? endpoint.model;
  try {
    const two = await attemptOnce(connection, endpoint, messages, tiny, randomSeed(), 2);
    const takesN = two.length >= 2;
    memory.learned(takesN);
    return result(
      takesN,
      servedOf(two),
      true,
      takesN ? 'It works, and it takes n: one request asks for all K candidates.' : 'It works. It ignores n, so Ordinal sends one request per candidate.',
    );
  } catch (first) {
    if (!answeredWithRefusal(first)) return result(null, null, false, modelError(endpoint, first).message);
    try {
      const one = await attemptOnce(connection, endpoint, messages, tiny, randomSeed(), 1);
      memory.learned(false);
      return result(false, servedOf(one), true, 'It works. It refuses n, so Ordinal sends one request per candidate.');
    } catch (error) {
      return result(null, null, false, modelError(endpoint, error).message);
    }
  }
}
