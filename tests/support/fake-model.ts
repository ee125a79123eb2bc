import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll } from 'vitest';

/**
 * A fake OpenAI-compatible Chat Completions server over real HTTP, for tests at the model boundary
 * only. Its answers are deterministic and depend on the request, so tests can assert on them:
 * choice `i` of a request with seed `s` whose last message is `text` says
 * `Answer i (seed s) to: text` — cut to `max_tokens` words, with finish_reason "length", if longer.
 *
 * Modes (`setMode`), combinable with commas (e.g. "refuse-n,fail-after:4"):
 * - `normal`: answers everything, honouring `n`;
 * - `refuse-n`: HTTP 400 when `n` > 1, as llama.cpp server and Ollama do;
 * - `fail`: HTTP 500 every time;
 * - `hang`: accepts the request and never answers;
 * - `fail-after:N`: answers N completion requests (counted from `setMode`) normally, then HTTP 500.
 */
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
  /** Every request received, in order of arrival. */
  requests: FakeModelRequest[];
  /** The chat completion requests received, in order of arrival. */
  completions(): ChatCompletionRequest[];
  setMode(mode: FakeModelMode): void;
  /** Milliseconds to wait before answering each request. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export interface FakeModelOptions {
  mode?: FakeModelMode;
  delayMs?: number;
  /** The model id GET /v1/models lists. */
  models?: string[];
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** The content of choice `index` for a request: what tests compare against. */
export function fakeAnswer(request: Pick<ChatCompletionRequest, 'messages' | 'seed' | 'max_tokens'>, index: number): { content: string; finishReason: 'stop' | 'length' } {
  const last = request.messages.at(-1)?.content ?? '';
  const full = `Answer ${index} (seed ${request.seed ?? 'none'}) to: ${last}`;
  const tokens = words(full);
  if (request.max_tokens !== undefined && tokens.length > request.max_tokens) {
    return { content: tokens.slice(0, request.max_tokens).join(' '), finishReason: 'length' };
  }
  return { content: full, finishReason: 'stop' };
}

function parseMode(mode: FakeModelMode) {
  const parts = mode.split(',').map((p) => p.trim());
  const failAfter = parts.find((p) => p.startsWith('fail-after:'));
  return {
    refuseN: parts.includes('refuse-n'),
    fail: parts.includes('fail'),
    hang: parts.includes('hang'),
    failAfter: failAfter === undefined ? null : Number(failAfter.slice('fail-after:'.length)),
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startFakeModel(options: FakeModelOptions = {}): Promise<FakeModel> {
  let mode = parseMode(options.mode ?? 'normal');
  let delayMs = options.delayMs ?? 0;
  let answered = 0;
  let counter = 0;
  const requests: FakeModelRequest[] = [];
  const sockets = new Set<Socket>();
  const models = options.models ?? ['fake-model'];

  async function completion(req: http.IncomingMessage, res: http.ServerResponse, body: ChatCompletionRequest) {
    if (mode.hang) return; // never answers; the socket is destroyed on close()
    if (mode.fail) return sendJson(res, 500, { error: { message: 'The fake model server is failing on purpose', type: 'server_error' } });
    const n = body.n ?? 1;
    if (mode.refuseN && n > 1) return sendJson(res, 400, { error: { message: "'n' > 1 is not supported", type: 'invalid_request_error' } });
    if (mode.failAfter !== null && answered >= mode.failAfter) {
      return sendJson(res, 500, { error: { message: 'The fake model server stopped answering', type: 'server_error' } });
    }
    answered++;
    const id = `chatcmpl-fake-${++counter}`;
    const created = Math.floor(Date.now() / 1000);
    const promptTokens = body.messages.reduce((sum, m) => sum + words(m.content ?? '').length, 0);
    const choices = Array.from({ length: n }, (_, index) => ({ index, ...fakeAnswer(body, index) }));
    const completionTokens = choices.reduce((sum, c) => sum + words(c.content).length, 0);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };

    if (!body.stream) {
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: choices.map((c) => ({ index: c.index, message: { role: 'assistant', content: c.content, refusal: null }, logprobs: null, finish_reason: c.finishReason })),
        usage,
      });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (choicesOfChunk: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: choicesOfChunk, ...extra })}\n\n`);
    for (const c of choices) {
      chunk([{ index: c.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
      // Pieces of a few characters, some splitting words, the way tokens arrive.
      for (let i = 0; i < c.content.length; i += 5) {
        chunk([{ index: c.index, delta: { content: c.content.slice(i, i + 5) }, logprobs: null, finish_reason: null }]);
        await new Promise((resolve) => setImmediate(resolve));
      }
      chunk([{ index: c.index, delta: {}, logprobs: null, finish_reason: c.finishReason }]);
    }
    if (body.stream_options?.include_usage) chunk([], { usage });
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
        return sendJson(res, 400, { error: { message: 'Invalid JSON body', type: 'invalid_request_error' } });
      }
      const path = (req.url ?? '/').split('?')[0]!;
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (req.method === 'GET' && path === '/v1/models') {
        return sendJson(res, 200, { object: 'list', data: models.map((m) => ({ id: m, object: 'model', created: 0, owned_by: 'fake' })) });
      }
      if (req.method === 'POST' && path === '/v1/chat/completions') {
        if (!body || !Array.isArray(body.messages)) return sendJson(res, 400, { error: { message: 'messages is required', type: 'invalid_request_error' } });
        return completion(req, res, body);
      }
      sendJson(res, 404, { error: { message: `Unknown route ${req.method} ${path}`, type: 'invalid_request_error' } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  let closed: Promise<void> | undefined;
  const fake: FakeModel = {
    url,
    requests,
    completions: () => requests.filter((r) => r.path === '/v1/chat/completions' && r.body).map((r) => r.body!),
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
