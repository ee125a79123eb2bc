import crypto from 'node:crypto';
import OpenAI from 'openai';
import { AppError } from '#server/http/errors.ts';
import type { ChatMessage } from '#shared/conversations.ts';
import type { Sample, SamplingSettings } from '#shared/models.ts';

export interface Endpoint {
  baseUrl: string;
  model: string;
  apiKey: string | null;
}

type Sampling = Pick<SamplingSettings, 'temperature' | 'topP' | 'maxTokens'>;

const timeoutMs = () => Number(process.env.ORDINAL_MODEL_TIMEOUT_MS ?? 120_000);
const maxRetries = () => Number(process.env.ORDINAL_MODEL_RETRIES ?? 2);
const concurrency = () => Number(process.env.ORDINAL_MODEL_CONCURRENCY ?? 8);

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

interface Connection {
  client: OpenAI;
  limiter: Limiter;
  /** Learned on the first refusal: Ollama and llama.cpp server do not take `n` > 1. */
  refusesN: boolean;
}
const connections = new Map<string, Connection>();

function connect(endpoint: Endpoint): Connection {
  const key = `${endpoint.baseUrl}\n${endpoint.apiKey ?? ''}`;
  let connection = connections.get(key);
  if (!connection) {
    connection = {
      // The official client brings timeouts and retries with exponential backoff on 408/409/429/5xx and lost connections.
      client: new OpenAI({ baseURL: endpoint.baseUrl, apiKey: endpoint.apiKey ?? 'none', timeout: timeoutMs(), maxRetries: maxRetries() }),
      limiter: new Limiter(concurrency()),
      refusesN: false,
    };
    connections.set(key, connection);
  }
  return connection;
}

/** A model server's failure in plain words, as a 502/504 that names the server. */
export function modelError(endpoint: Endpoint, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const where = `the model server at ${endpoint.baseUrl}`;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new AppError(504, 'model.timeout', `${where} did not answer within ${Math.round(timeoutMs() / 1000)} s.`);
  }
  if (error instanceof OpenAI.APIUserAbortError) return new AppError(499, 'model.aborted', 'The request was cancelled.');
  if (error instanceof OpenAI.APIConnectionError) {
    return new AppError(502, 'model.unreachable', `Cannot reach ${where}. Is it running, and is the base URL right (it usually ends in /v1)?`);
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 'an error';
    const hint = error.status === 401 || error.status === 403 ? ' Check the API key.' : error.status === 404 ? ` Check the model name "${endpoint.model}" and the base URL.` : '';
    return new AppError(502, 'model.error', `${where} answered ${status}: ${error.message}.${hint}`);
  }
  return new AppError(502, 'model.error', `${where} failed: ${(error as Error)?.message ?? String(error)}`);
}

const randomSeed = () => crypto.randomInt(1, 2 ** 31 - 1);

function sampleOf(endpoint: Endpoint, sampling: Sampling, seed: number, choice: { message?: { content?: string | null }; finish_reason?: string | null }, usage: OpenAI.CompletionUsage | undefined, latencyMs: number): Sample {
  return {
    content: choice.message?.content ?? '',
    model: endpoint.model,
    params: { temperature: sampling.temperature, top_p: sampling.topP, max_tokens: sampling.maxTokens, seed },
    finishReason: choice.finish_reason ?? null,
    usage: usage ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens } : null,
    latencyMs,
  };
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

/** Whether a 4xx answer is a server refusing `n` (vLLM and hosted APIs take it; Ollama and llama.cpp do not). */
const refusedN = (error: unknown) => error instanceof OpenAI.APIError && (error.status === 400 || error.status === 422) && /\bn\b|choices|multiple/i.test(error.message);

/**
 * K completions of the same context. One request with `n` = K where the server takes it (the
 * samples then share the request's seed and differ by choice); otherwise K parallel requests,
 * each with its own seed. All K or an error: never a partial set.
 */
export async function sampleCompletions(endpoint: Endpoint, messages: ChatMessage[], sampling: Sampling, k: number): Promise<Sample[]> {
  const connection = connect(endpoint);
  try {
    if (k > 1 && !connection.refusesN) {
      const seed = randomSeed();
      const started = performance.now();
      try {
        const response = await connection.limiter.run(() => connection.client.chat.completions.create(request(endpoint, messages, sampling, seed, k)));
        const latency = Math.round(performance.now() - started);
        if (response.choices.length === k) {
          // Usage covers all choices of the request: it is recorded on the first only, so sums stay true.
          return response.choices.map((choice, i) => sampleOf(endpoint, sampling, seed, choice, i === 0 ? response.usage : undefined, latency));
        }
        connection.refusesN = true; // answered with fewer choices than asked: treat as not supporting n
      } catch (error) {
        if (!refusedN(error)) throw error;
        connection.refusesN = true;
      }
    }
    const seeds = new Set<number>();
    while (seeds.size < k) seeds.add(randomSeed());
    return await Promise.all(
      [...seeds].map(async (seed) => {
        const started = performance.now();
        const response = await connection.limiter.run(() => connection.client.chat.completions.create(request(endpoint, messages, sampling, seed, 1)));
        if (!response.choices[0]) throw new AppError(502, 'model.error', `The model server at ${endpoint.baseUrl} returned no choice.`);
        return sampleOf(endpoint, sampling, seed, response.choices[0], response.usage, Math.round(performance.now() - started));
      }),
    );
  } catch (error) {
    throw modelError(endpoint, error);
  }
}

/** One completion, streamed: `onDelta` gets each piece of text as it is generated. */
export async function streamCompletion(
  endpoint: Endpoint,
  messages: ChatMessage[],
  sampling: Sampling,
  onDelta: (text: string) => void,
  signal?: AbortSignal,
): Promise<Sample> {
  const connection = connect(endpoint);
  const seed = randomSeed();
  const started = performance.now();
  try {
    return await connection.limiter.run(async () => {
      const stream = await connection.client.chat.completions.create(
        { ...request(endpoint, messages, sampling, seed, 1), stream: true, stream_options: { include_usage: true } },
        { signal },
      );
      let content = '';
      let finishReason: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          content += delta;
          onDelta(delta);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
      return sampleOf(endpoint, sampling, seed, { message: { content }, finish_reason: finishReason }, usage, Math.round(performance.now() - started));
    });
  } catch (error) {
    throw modelError(endpoint, error);
  }
}
