// Read by the model client when it first talks to an endpoint: no retries, and a short timeout so
// that a hanging model server fails within seconds.
process.env.ORDINAL_MODEL_RETRIES = '0';
process.env.ORDINAL_MODEL_TIMEOUT_MS = '1500';

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Chat } from '#shared/chats.ts';
import { conversation, startServer, type TestServer, type TestUser } from './support/app.ts';
import { runCli } from './support/child-server.ts';
import { fakeAnswer, startFakeModel, type ChatCompletionRequest, type FakeModel } from './support/fake-model.ts';

const MODEL = 'fake-llm-7b';
/** What a trainer reads when the model fails: nothing of the server, the model or the cause. */
const MODEL_DOWN = 'The model is not reachable right now; your work is kept. Tell your researcher.';

type Msg = { role: string; content: string };
/** What the model routes' events carry: delta {text}, done {content, model (researchers only), finishReason} or {chat}, error {error}. */
type SseData = { text: string; content: string; model: string; finishReason: string | null; chat: Chat; error: { code: string; message: string } };
type SseEvent = { event: string; data: SseData };

/** Reads a whole server-sent-events body into its events. */
async function readEvents(response: Response): Promise<SseEvent[]> {
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
      data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!),
    }));
}

/** A prompt line for import: a conversation without completions. */
const prompt = (id: string, messages: Msg[] = [{ role: 'user', content: `Prompt ${id}, please answer.` }]) => ({ id, messages });

function modelProject(
  server: TestServer,
  fake: { url: string },
  sampling: Partial<{ temperature: number; topP: number; maxTokens: number; k: number }> = {},
  apiKey?: string,
) {
  return server.project({
    overlap: 1,
    modelEndpoint: { baseUrl: fake.url, model: MODEL, ...(apiKey ? { apiKey } : {}) },
    sampling: { temperature: 0.7, topP: 0.9, maxTokens: 64, k: 3, ...sampling },
  });
}

type JobStatus = { job: { state: string; total: number; done: number; failed: number; lastError: string | null }; waitingPrompts: number };

/** Waits for the project's sampling job to finish. */
async function waitForJob(researcher: TestUser, slug: string): Promise<JobStatus> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = (await (await researcher.api('GET', `/projects/${slug}/sample`)).json()) as JobStatus;
    if (status.job.state !== 'running') return status;
    if (Date.now() > deadline) throw new Error('the sampling job did not finish within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the project's sampling job and waits for it to finish. */
async function sampleAndWait(researcher: TestUser, slug: string, body: { k?: number } = {}) {
  const started = await researcher.api('POST', `/projects/${slug}/sample`, body);
  expect(started.status).toBe(202);
  await started.arrayBuffer();
  return waitForJob(researcher, slug);
}

type PromptRow = { id: number; content: string; candidates: number };
/** Every imported user message that ends its conversation's context, with its number of answers. */
function promptRows(server: TestServer, slug: string): PromptRow[] {
  return server.db.sqlite
    .prepare<[string], PromptRow>(
      `
      SELECT m.id, m.content, (SELECT count(*) FROM messages c WHERE c.parent_id = m.id) AS candidates
      FROM messages m JOIN conversations v ON v.id = m.conversation_id JOIN projects p ON p.id = v.project_id
      WHERE p.slug = ? AND v.source = 'import' AND m.role = 'user'
        AND NOT EXISTS (SELECT 1 FROM messages later WHERE later.conversation_id = m.conversation_id AND later.parent_id = m.id AND later.role = 'user')
      ORDER BY m.id`,
    )
    .all(slug);
}

type CandidateRow = {
  id: number;
  parentId: number;
  content: string;
  model: string | null;
  params: string | null;
  finishReason: string | null;
  usage: string | null;
  latencyMs: number | null;
};
function candidateRows(server: TestServer, parentId: number): CandidateRow[] {
  return server.db.sqlite
    .prepare<[number], CandidateRow>(
      'SELECT id, parent_id AS parentId, content, model, params, finish_reason AS finishReason, usage, latency_ms AS latencyMs FROM messages WHERE parent_id = ? ORDER BY id',
    )
    .all(parentId);
}

const comparisonIdOf = (server: TestServer, parentId: number) =>
  server.db.sqlite.prepare<[number], { id: number }>('SELECT id FROM comparisons WHERE parent_message_id = ?').get(parentId)?.id;

/** A port nobody listens on. */
async function closedPortUrl(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

const sameMessages = (a: Msg[]) => a.map((m) => ({ role: m.role, content: m.content }));

describe('sampling candidates with the project’s model', () => {
  it('a sampling job turns every imported prompt into a comparison of K model-written candidates, with one n=K request per prompt', async () => {
    const server = await startServer();
    const fake = await startFakeModel();
    const slug = modelProject(server, fake);
    expect((await server.importLines(slug, [prompt('p1'), prompt('p2'), prompt('p3'), conversation('ready', 2)])).status).toBe(200);
    const researcher = await server.user('researcher');

    const trainer = await server.user('trainer');
    expect((await trainer.api('POST', `/projects/${slug}/sample`, {})).status).toBe(403);
    const started = await researcher.api('POST', `/projects/${slug}/sample`, {});
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({ job: { state: 'running' }, waitingPrompts: 3 });
    const status = await waitForJob(researcher, slug);
    expect(status).toMatchObject({ job: { state: 'done', total: 3, done: 3, failed: 0, lastError: null }, waitingPrompts: 0 });

    // One request per prompt asking for all K choices, with the project's sampling parameters.
    const requests = fake.completions();
    expect(requests).toHaveLength(3);
    for (const r of requests) {
      expect(r).toMatchObject({ model: MODEL, n: 3, temperature: 0.7, top_p: 0.9, max_tokens: 64 });
      expect(Number.isInteger(r.seed)).toBe(true);
    }
    expect(requests.map((r) => r.messages.at(-1)!.content).sort()).toEqual([
      'Prompt p1, please answer.',
      'Prompt p2, please answer.',
      'Prompt p3, please answer.',
    ]);

    const prompts = promptRows(server, slug).filter((p) => p.content.startsWith('Prompt'));
    expect(prompts).toHaveLength(3);
    for (const p of prompts) {
      const request = requests.find((r) => r.messages.at(-1)!.content === p.content)!;
      const comparisonId = comparisonIdOf(server, p.id);
      expect(comparisonId).toBeDefined();
      // The researcher's view shows each candidate's provenance.
      const { comparison: view } = await (await researcher.api('GET', `/comparisons/${comparisonId}`)).json();
      expect(view.context).toEqual([{ role: 'user', content: p.content }]);
      expect(view.candidates).toHaveLength(3);
      expect(view.candidates.map((c: { content: string }) => c.content).sort()).toEqual([0, 1, 2].map((i) => fakeAnswer(request, i).content).sort());
      for (const c of view.candidates) {
        expect(c).toMatchObject({ model: MODEL, params: { temperature: 0.7, top_p: 0.9, max_tokens: 64, seed: request.seed }, finishReason: 'stop' });
      }
      // The table keeps token usage and latency too.
      const rows = candidateRows(server, p.id);
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row.latencyMs).toEqual(expect.any(Number));
      const usages = rows.filter((r) => r.usage !== null).map((r) => JSON.parse(r.usage!));
      expect(usages.length).toBeGreaterThan(0);
      expect(usages[0]).toEqual({ prompt_tokens: 4, completion_tokens: expect.any(Number), total_tokens: expect.any(Number) });
    }
    expect(server.db.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM comparisons').get()!.n).toBe(4);

    // Trainers see the candidates' text only: no model, no sampling parameters.
    const seen: string[] = [];
    for (;;) {
      const next = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
      if (next.status === 204) break;
      const text = await next.text();
      seen.push(text);
      const { comparison } = JSON.parse(text);
      const ids = comparison.candidates.map((c: { id: string }) => [c.id]);
      expect((await trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: ids })).status).toBe(200);
    }
    expect(seen).toHaveLength(4);
    for (const text of seen) {
      for (const secret of [MODEL, '"model"', '"params"', '"seed"', 'temperature', 'top_p', 'max_tokens', 'finish', 'usage', 'latency'])
        expect(text).not.toContain(secret);
    }
  });

  it('where the server refuses n (llama.cpp), the K candidates come from K parallel n=1 requests with distinct seeds', async () => {
    const server = await startServer();
    const fake = await startFakeModel({ kind: 'llama-cpp' });
    const slug = modelProject(server, fake, { k: 4, maxTokens: 5 });
    await server.importLines(slug, [prompt('q1'), prompt('q2')]);
    const researcher = await server.user('researcher');
    const status = await sampleAndWait(researcher, slug);
    expect(status.job).toMatchObject({ state: 'done', done: 2, failed: 0 });

    const requests = fake.completions();
    expect(requests.filter((r) => r.n !== undefined)).toHaveLength(1); // tried n once, was refused, and learned
    const single = requests.filter((r) => (r.n ?? 1) === 1);
    expect(single).toHaveLength(8);
    for (const p of promptRows(server, slug)) {
      const mine = single.filter((r) => r.messages.at(-1)!.content === p.content);
      expect(mine).toHaveLength(4);
      const seeds = mine.map((r) => r.seed);
      expect(new Set(seeds).size).toBe(4);
      const rows = candidateRows(server, p.id);
      expect(rows).toHaveLength(4);
      expect(rows.map((r) => JSON.parse(r.params!).seed).sort()).toEqual([...seeds].sort());
      for (const row of rows) {
        const request = mine.find((r) => r.seed === JSON.parse(row.params!).seed)!;
        // max_tokens 5 cuts the answer: the finish reason says so.
        expect(row).toMatchObject({ model: MODEL, content: fakeAnswer(request, 0).content, finishReason: 'length' });
        expect(JSON.parse(row.params!)).toEqual({ temperature: 0.7, top_p: 0.9, max_tokens: 5, seed: request.seed });
        expect(JSON.parse(row.usage!)).toMatchObject({ completion_tokens: 5 });
      }
    }
  });

  it('`ordinal sample` stopped by a failing model exits non-zero; a rerun samples only the prompts left, never one twice', async () => {
    const server = await startServer();
    const fake = await startFakeModel({ mode: 'fail-after:2' });
    const slug = modelProject(server, fake);
    await server.importLines(
      slug,
      Array.from({ length: 6 }, (_, i) => prompt(`r${i}`)),
    );

    const first = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
    expect(first.status, first.stderr).not.toBe(0);
    expect(first.stderr).toContain(fake.url);
    let counts = promptRows(server, slug).map((p) => p.candidates);
    expect(counts.filter((n) => n === 3)).toHaveLength(2);
    expect(counts.filter((n) => n === 0)).toHaveLength(4);

    fake.setMode('normal');
    const before = fake.completions().length;
    const second = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
    expect(second.status, second.stderr).toBe(0);
    expect(fake.completions().length - before).toBe(4);
    counts = promptRows(server, slug).map((p) => p.candidates);
    expect(counts).toEqual([3, 3, 3, 3, 3, 3]);
    const totals = server.db.sqlite
      .prepare<[], { candidates: number; comparisons: number }>(
        "SELECT (SELECT count(*) FROM messages WHERE role = 'assistant') AS candidates, (SELECT count(*) FROM comparisons) AS comparisons",
      )
      .get()!;
    expect(totals).toEqual({ candidates: 18, comparisons: 6 });

    // A third run finds nothing to do.
    const third = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
    expect(third.status, third.stderr).toBe(0);
    expect(promptRows(server, slug).map((p) => p.candidates)).toEqual([3, 3, 3, 3, 3, 3]);
  });
  it('a job and a CLI run sampling the same project at once still give each prompt exactly K candidates', async () => {
    const server = await startServer();
    const fake = await startFakeModel({ delayMs: 600 });
    const slug = modelProject(server, fake);
    await server.importLines(
      slug,
      Array.from({ length: 12 }, (_, i) => prompt(`c${i}`)),
    );
    const researcher = await server.user('researcher');
    const started = await researcher.api('POST', `/projects/${slug}/sample`, {});
    expect(started.status).toBe(202);
    await started.arrayBuffer();
    // One job per project at a time.
    const twice = await researcher.api('POST', `/projects/${slug}/sample`, {});
    expect(twice.status).toBe(409);
    expect((await twice.json()).error.code).toBe('sample.running');

    const run = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
    expect(run.status, run.stderr).toBe(0);
    const status = await waitForJob(researcher, slug);
    expect(status.job.state).toBe('done');
    expect(promptRows(server, slug).map((p) => p.candidates)).toEqual(Array(12).fill(3));
    expect(server.db.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM comparisons').get()!.n).toBe(12);
  });
});

describe('when the model server fails', () => {
  it('a model server failing every request ends the job "failed", naming the server, with nothing half-written', async () => {
    const server = await startServer();
    const fake = await startFakeModel({ mode: 'fail' });
    const slug = modelProject(server, fake);
    await server.importLines(slug, [prompt('f1'), prompt('f2'), prompt('f3'), prompt('f4')]);
    const researcher = await server.user('researcher');
    const status = await sampleAndWait(researcher, slug);
    expect(status.job.state).toBe('failed');
    expect(status.job.done).toBe(0);
    expect(status.job.lastError).toContain(fake.url);
    expect(status.waitingPrompts).toBe(4);
    expect(promptRows(server, slug).map((p) => p.candidates)).toEqual([0, 0, 0, 0]);
    expect(server.db.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM comparisons').get()!.n).toBe(0);
  });

  it('a prompt gets all K candidates or none, even when the server fails in the middle of its K requests', async () => {
    const server = await startServer();
    // Refuses n (llama.cpp), then answers 5 single requests: the first prompt's 3, then 2 of the second's 3.
    const fake = await startFakeModel({ kind: 'llama-cpp', mode: 'fail-after:5' });
    const slug = modelProject(server, fake);
    await server.importLines(slug, [prompt('h1'), prompt('h2'), prompt('h3'), prompt('h4')]);
    const run = await runCli(['--db', server.db.file, 'sample', '--project', slug, '--parallel', '1']);
    expect(run.status).not.toBe(0);
    const counts = promptRows(server, slug).map((p) => p.candidates);
    expect(counts[0]).toBe(3);
    for (const n of counts) expect([0, 3]).toContain(n);
    expect(counts[1]).toBe(0); // two of its three samples came back: none was kept
    // Every comparison has its K candidates.
    const comparisons = server.db.sqlite
      .prepare<[], { candidates: number }>('SELECT (SELECT count(*) FROM messages m WHERE m.parent_id = c.parent_message_id) AS candidates FROM comparisons c')
      .all();
    expect(comparisons).toEqual([{ candidates: 3 }]);

    fake.setMode('normal');
    const rerun = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(promptRows(server, slug).map((p) => p.candidates)).toEqual([3, 3, 3, 3]);
  });

  it('a model server that never answers gives model.timeout within a few seconds, and a chat keeps no half turn', async () => {
    const server = await startServer();
    const fake = await startFakeModel({ mode: 'hang' });
    const slug = modelProject(server, fake);
    const trainer = await server.user('trainer');
    let started = Date.now();
    const events = await readEvents(
      await trainer.api('POST', `/projects/${slug}/suggestions`, { messages: [{ role: 'user', content: 'Hello?' }], role: 'assistant' }),
    );
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { error: { code: 'model.timeout', message: MODEL_DOWN } } });
    expect(fake.completions()).toHaveLength(1);
    // A researcher asking the same is told which server did not answer.
    const researcher = await server.user('researcher');
    const told = await readEvents(
      await researcher.api('POST', `/projects/${slug}/suggestions`, { messages: [{ role: 'user', content: 'Hello?' }], role: 'assistant' }),
    );
    expect(told.at(-1)!.data.error.message).toContain(fake.url);

    // A chat turn times out the same way, and the trainer's message is not kept without its answer.
    const { chat } = await (await trainer.api('POST', `/projects/${slug}/chats`, {})).json();
    started = Date.now();
    const turn = await readEvents(await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content: 'Are you there?' }));
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(turn.at(-1)).toMatchObject({ event: 'error', data: { error: { code: 'model.timeout' } } });
    const after = await (await trainer.api('GET', `/projects/${slug}/chats/${chat.id}`)).json();
    expect(after.chat.messages).toEqual([]);
  });

  it('an unreachable model server gives model.unreachable, to suggestions and to sampling jobs', async () => {
    const server = await startServer();
    const url = await closedPortUrl();
    const slug = modelProject(server, { url });
    await server.importLines(slug, [prompt('u1')]);
    const trainer = await server.user('trainer');
    const events = await readEvents(
      await trainer.api('POST', `/projects/${slug}/suggestions`, { messages: [{ role: 'user', content: 'Hello?' }], role: 'assistant' }),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'error', data: { error: { code: 'model.unreachable', message: MODEL_DOWN } } });

    const researcher = await server.user('researcher');
    const status = await sampleAndWait(researcher, slug);
    expect(status.job).toMatchObject({ state: 'failed', done: 0, failed: 1 });
    expect(status.job.lastError).toContain(url);
  });

  it('a project without a model answers 409 model.not_configured to sampling, suggestions and chats', async () => {
    const server = await startServer();
    const slug = server.project({ overlap: 1 });
    await server.importLines(slug, [prompt('n1')]);
    const researcher = await server.user('researcher');
    const trainer = await server.user('trainer');
    const responses = [
      await researcher.api('POST', `/projects/${slug}/sample`, {}),
      await trainer.api('POST', `/projects/${slug}/suggestions`, { messages: [{ role: 'user', content: 'Hi' }], role: 'assistant' }),
      await trainer.api('POST', `/projects/${slug}/chats`, {}),
    ];
    for (const response of responses) {
      expect(response.status).toBe(409);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect((await response.json()).error.code).toBe('model.not_configured');
    }
  });
});

describe('suggestions', () => {
  it('a suggestion streams as delta events whose text adds up to the done event’s content', async () => {
    const server = await startServer();
    const fake = await startFakeModel();
    const slug = modelProject(server, fake);
    const trainer = await server.user('trainer');
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is the capital of France?' },
    ];
    const events = await readEvents(await trainer.api('POST', `/projects/${slug}/suggestions`, { messages, role: 'assistant' }));
    const deltas = events.filter((e) => e.event === 'delta');
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((e) => e.data.text).join('')).toBe(done.data.content);

    const [request] = fake.completions() as [ChatCompletionRequest];
    expect(request).toMatchObject({ model: MODEL, stream: true, temperature: 0.7, top_p: 0.9, max_tokens: 64 });
    expect(request.messages).toEqual(messages);
    // Trainers are never told model names; researchers are.
    expect(done.data).toEqual({ content: fakeAnswer(request, 0).content, finishReason: 'stop' });
    const researcher = await server.user('researcher');
    const theirs = (await readEvents(await researcher.api('POST', `/projects/${slug}/suggestions`, { messages, role: 'assistant' }))).at(-1)!;
    expect(theirs.data).toMatchObject({ model: MODEL });
  });

  it('a suggestion for the user’s turn tells the model to write as the user and swaps the roles', async () => {
    const server = await startServer();
    const fake = await startFakeModel();
    const slug = modelProject(server, fake);
    const trainer = await server.user('trainer');
    const messages = [
      { role: 'system', content: 'You are a travel agent.' },
      { role: 'user', content: 'I want to go to Lisbon.' },
      { role: 'assistant', content: 'When would you like to travel?' },
    ];
    const events = await readEvents(await trainer.api('POST', `/projects/${slug}/suggestions`, { messages, role: 'user' }));
    expect(events.at(-1)!.event).toBe('done');
    const [request] = fake.completions() as [ChatCompletionRequest];
    const [system, ...rest] = request.messages;
    expect(system!.role).toBe('system');
    expect(system!.content).toMatch(/\bUSER\b/);
    expect(system!.content).toContain('You are a travel agent.');
    expect(rest).toEqual([
      { role: 'assistant', content: 'I want to go to Lisbon.' },
      { role: 'user', content: 'When would you like to travel?' },
    ]);
    // A suggestion whose role does not follow the dialogue is refused before reaching the model.
    const wrong = await trainer.api('POST', `/projects/${slug}/suggestions`, { messages, role: 'assistant' });
    expect(wrong.status).toBe(400);
    expect(fake.completions()).toHaveLength(1);
  });

  it('the project’s API key reaches the model server as a Bearer token and nowhere else', async () => {
    const server = await startServer();
    const fake = await startFakeModel();
    const apiKey = 'sk-test-very-secret-4711';
    const researcher = await server.user('researcher');
    const created = await researcher.api('POST', '/projects', {
      slug: 'keyed',
      name: 'Keyed',
      modelEndpoint: { baseUrl: fake.url, model: MODEL, apiKey },
      sampling: { temperature: 0.5, topP: 1, maxTokens: 32, k: 2 },
    });
    expect(created.status).toBe(201);
    const createdText = await created.text();
    expect(createdText).not.toContain(apiKey);
    expect(JSON.parse(createdText).project.modelEndpoint).toEqual({ baseUrl: fake.url, model: MODEL, apiKeySet: true });
    // Changing other settings keeps the key; it is not echoed either.
    const patched = await researcher.api('PATCH', '/projects/keyed', { sampling: { k: 3 }, modelEndpoint: { baseUrl: fake.url, model: MODEL } });
    expect(patched.status).toBe(200);
    expect(await patched.text()).not.toContain(apiKey);

    const trainer = await server.user('trainer');
    const events = await readEvents(
      await trainer.api('POST', '/projects/keyed/suggestions', { messages: [{ role: 'user', content: 'Hi' }], role: 'assistant' }),
    );
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${apiKey}`);
    const demo = await trainer.api('POST', '/projects/keyed/demonstrations', {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: done.data.content, suggestion: { content: done.data.content, model: done.data.model } },
      ],
    });
    expect(demo.status).toBe(201);

    const texts = [
      await (await researcher.api('GET', '/projects/keyed')).text(),
      await (await trainer.api('GET', '/projects/keyed')).text(),
      await (await researcher.api('GET', '/projects')).text(),
      await (await trainer.api('GET', '/projects')).text(),
      await (await researcher.api('GET', '/projects/keyed/export?format=sft')).text(),
      await (await researcher.api('GET', '/projects/keyed/export?format=rankings')).text(),
      await (await researcher.api('GET', '/projects/keyed/sample')).text(),
      done.data && JSON.stringify(events),
    ];
    expect(texts[0]).toContain('"apiKeySet":true');
    expect(texts[4]).toContain('"messages"');
    for (const text of texts) expect(text).not.toContain(apiKey);
    const audit = JSON.stringify(server.db.sqlite.prepare('SELECT * FROM audit_log').all());
    expect(audit).toContain('project.create');
    expect(audit).not.toContain(apiKey);
  });
});

describe('demonstrations', () => {
  it('a demonstration records its author and, for a message begun as a suggestion, the model and the edit distance', async () => {
    const server = await startServer();
    const fake = await startFakeModel();
    const slug = modelProject(server, fake);
    const trainer = await server.user('trainer');
    const question = { role: 'user', content: 'How do I boil an egg?' };
    const events = await readEvents(await trainer.api('POST', `/projects/${slug}/suggestions`, { messages: [question], role: 'assistant' }));
    const suggestion = events.at(-1)!.data as { content: string; model: string };
    const edited = `${suggestion.content} Thanks!`; // 8 characters inserted

    const response = await trainer.api('POST', `/projects/${slug}/demonstrations`, {
      messages: [question, { role: 'assistant', content: edited, suggestion: { content: suggestion.content, model: suggestion.model } }],
    });
    expect(response.status).toBe(201);
    const { demonstration } = await response.json();
    expect(demonstration).toMatchObject({ id: expect.any(String), conversationId: expect.any(String), messages: 2 });

    const rows = server.db.sqlite
      .prepare<
        [number],
        {
          role: string;
          content: string;
          authorId: number;
          fromSuggestion: number;
          suggestionModel: string | null;
          distance: number | null;
          model: string | null;
        }
      >(
        `
        SELECT role, content, author_id AS authorId, from_suggestion AS fromSuggestion, suggestion_model AS suggestionModel,
               suggestion_edit_distance AS distance, model
        FROM messages WHERE conversation_id = ? ORDER BY id`,
      )
      .all(Number(demonstration.conversationId));
    expect(rows).toEqual([
      { role: 'user', content: question.content, authorId: trainer.id, fromSuggestion: 0, suggestionModel: null, distance: null, model: null },
      { role: 'assistant', content: edited, authorId: trainer.id, fromSuggestion: 1, suggestionModel: MODEL, distance: 8, model: null },
    ]);
  });

  it('a demonstration must alternate user and assistant turns after an optional system prompt, and end with the assistant', async () => {
    const server = await startServer();
    const slug = server.project({ overlap: 1 });
    const trainer = await server.user('trainer');
    const u = (content: string) => ({ role: 'user', content });
    const a = (content: string) => ({ role: 'assistant', content });
    const bad = [
      [a('Hello'), u('Hi')],
      [u('One'), u('Two'), a('Three')],
      [u('One'), a('Two'), u('Three')],
      [u('One'), { role: 'system', content: 'Late system' }, a('Two')],
      [{ role: 'system', content: 'Only a system prompt' }, a('Two')],
    ];
    for (const messages of bad) {
      const response = await trainer.api('POST', `/projects/${slug}/demonstrations`, { messages });
      expect(response.status, JSON.stringify(messages)).toBe(400);
    }
    const good = await trainer.api('POST', `/projects/${slug}/demonstrations`, {
      messages: [{ role: 'system', content: 'Be kind.' }, u('One'), a('Two'), u('Three'), a('Four')],
    });
    expect(good.status).toBe(201);
    expect(server.db.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM demonstrations').get()!.n).toBe(1);
  });

  it('a demonstration from a project prompt begins with the prompt unchanged; that trainer is not offered it again; sft exports exactly the dialogue', async () => {
    const server = await startServer();
    const slug = server.project({ overlap: 1 });
    const context = [
      { role: 'system', content: 'You are a patient tutor.' },
      { role: 'user', content: 'Explain photosynthesis to a child.' },
    ];
    await server.importLines(slug, [{ id: 'teach-1', messages: context }, conversation('ranked', 2)]);
    const trainer = await server.user('trainer');
    const other = await server.user('trainer');

    const next = await trainer.api('GET', `/projects/${slug}/prompts/next`);
    expect(next.status).toBe(200);
    const { prompt: offered } = await next.json();
    expect(offered.messages).toEqual(context);

    const changed = await trainer.api('POST', `/projects/${slug}/demonstrations`, {
      promptId: offered.id,
      messages: [context[0], { role: 'user', content: 'Explain gravity to a child.' }, { role: 'assistant', content: 'Things fall down.' }],
    });
    expect(changed.status).toBe(400);

    const dialogue = [
      ...context,
      { role: 'assistant', content: 'Plants eat sunlight to make their food.' },
      { role: 'user', content: 'Really?' },
      { role: 'assistant', content: 'Yes, with water and air.' },
    ];
    const submitted = await trainer.api('POST', `/projects/${slug}/demonstrations`, { promptId: offered.id, messages: dialogue });
    expect(submitted.status).toBe(201);

    expect((await trainer.api('GET', `/projects/${slug}/prompts/next`)).status).toBe(204);
    const forOther = await other.api('GET', `/projects/${slug}/prompts/next`);
    expect(forOther.status).toBe(200);
    expect((await forOther.json()).prompt.id).toBe(offered.id);

    const researcher = await server.user('researcher');
    const sft = await (await researcher.api('GET', `/projects/${slug}/export?format=sft`)).text();
    expect(sft).toBe(`${JSON.stringify({ messages: dialogue })}\n`);
  });
});

describe('chats with the model', () => {
  it('an ended chat becomes a comparison of K candidates, the original among them, for other trainers only', async () => {
    const server = await startServer();
    const fake = await startFakeModel();
    const slug = modelProject(server, fake, { k: 3 });
    const alice = await server.user('trainer');
    const bob = await server.user('trainer');

    const started = await alice.api('POST', `/projects/${slug}/chats`, { system: 'Be kind.' });
    expect(started.status).toBe(201);
    const { chat } = await started.json();
    expect(chat).toMatchObject({ project: slug, messages: [{ role: 'system', content: 'Be kind.' }], ended: false, comparisonId: null });

    let latest = chat;
    for (const content of ['What is a comet?', 'And an asteroid?']) {
      const events = await readEvents(await alice.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content }));
      const done = events.at(-1)!;
      expect(done.event).toBe('done');
      latest = done.data.chat;
      const answer = latest.messages.at(-1);
      // The trainer learns the model wrote it, not which model.
      expect(answer).toMatchObject({ role: 'assistant', model: null });
      expect(
        events
          .filter((e) => e.event === 'delta')
          .map((e) => e.data.text)
          .join(''),
      ).toBe(answer.content);
      expect(latest.messages.at(-2)).toMatchObject({ role: 'user', content, model: null });
      expect(fake.completions().at(-1)!.messages).toEqual(sameMessages(latest.messages.slice(0, -1)));
    }
    expect(latest.messages.map((m: Msg) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);

    const ended = await alice.api('POST', `/projects/${slug}/chats/${chat.id}/end`, {});
    expect(ended.status).toBe(200);
    const endedChat = (await ended.json()).chat;
    expect(endedChat.ended).toBe(true);
    expect(endedChat.comparisonId).toEqual(expect.any(String));
    expect(endedChat.messages).toEqual(latest.messages);
    const comparisonId = endedChat.comparisonId;

    const researcher = await server.user('researcher');
    const { comparison: view } = await (await researcher.api('GET', `/comparisons/${comparisonId}`)).json();
    expect(view.candidates).toHaveLength(3);
    const original = latest.messages.find((m: { id: string }) => view.candidates.some((c: { id: string }) => c.id === m.id));
    expect(original).toMatchObject({ role: 'assistant' });
    expect(view.candidates.find((c: { id: string }) => c.id === original.id)).toMatchObject({ model: MODEL });
    const cut = latest.messages.indexOf(original);
    expect(view.context).toEqual(sameMessages(latest.messages.slice(0, cut)));
    const alternatives = view.candidates.filter((c: { id: string }) => c.id !== original.id);
    expect(alternatives).toHaveLength(2);
    for (const c of alternatives) expect(c).toMatchObject({ model: MODEL, finishReason: 'stop' });
    expect(new Set(view.candidates.map((c: { content: string }) => c.content)).size).toBe(3);
    const endRequest = fake.completions().at(-1)!;
    expect(endRequest.messages).toEqual(view.context);
    expect(endRequest.stream).toBeFalsy();

    // Another trainer can neither read nor write it.
    expect((await bob.api('GET', `/projects/${slug}/chats/${chat.id}`)).status).toBe(404);
    expect((await bob.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content: 'Me too?' })).status).toBe(404);

    // The chat is closed to further messages.
    expect((await alice.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content: 'One more?' })).status).toBe(409);

    // Its author never ranks it; another trainer does.
    expect((await alice.api('GET', `/projects/${slug}/next?kind=comparison`)).status).toBe(204);
    const next = await bob.api('GET', `/projects/${slug}/next?kind=comparison`);
    expect(next.status).toBe(200);
    const { comparison } = await next.json();
    expect(comparison.id).toBe(comparisonId);
    expect(comparison.context).toEqual(view.context);
    const ids: string[] = comparison.candidates.map((c: { id: string }) => c.id);
    expect((await bob.api('PUT', `/comparisons/${comparisonId}/ranking`, { ranking: ids.map((id) => [id]) })).status).toBe(200);

    const trl = (await (await researcher.api('GET', `/projects/${slug}/export?format=trl`)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(trl).toHaveLength(3);
    const content = new Map(view.candidates.map((c: { id: string; content: string }) => [c.id, c.content]));
    expect(trl[0]).toEqual({
      prompt: view.context,
      chosen: [{ role: 'assistant', content: content.get(ids[0]) }],
      rejected: [{ role: 'assistant', content: content.get(ids[1]) }],
      group_id: comparisonId,
    });
    for (const row of trl) expect(row.group_id).toBe(comparisonId);
  });

  it('regenerating replaces the model’s last reply with a new sample of the same context; the replaced text stays in the audit log', async () => {
    const server = await startServer();
    const fake = await startFakeModel();
    const slug = modelProject(server, fake, { k: 2 });
    const trainer = await server.user('trainer');
    const other = await server.user('trainer');
    const { chat } = await (await trainer.api('POST', `/projects/${slug}/chats`, { system: 'Be brief.' })).json();
    const regenerate = (as = trainer) => as.api('POST', `/projects/${slug}/chats/${chat.id}/regenerate`, {});

    // Nothing to regenerate before the model has answered: refused as plain JSON, not as a stream.
    const early = await regenerate();
    expect(early.status).toBe(409);
    expect((await early.json()).error.code).toBe('chat.nothing_to_regenerate');

    const sent = (await readEvents(await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content: 'Name a comet.' }))).at(-1)!;
    const before: Chat = sent.data.chat;
    const first = before.messages.at(-1)!;

    const events = await readEvents(await regenerate());
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    const after: Chat = done.data.chat;
    expect(after.messages.slice(0, -1)).toEqual(before.messages.slice(0, -1));
    const reply = after.messages.at(-1)!;
    expect(reply).toMatchObject({ role: 'assistant', model: null });
    expect(reply.id).not.toBe(first.id);
    expect(
      events
        .filter((e) => e.event === 'delta')
        .map((e) => e.data.text)
        .join(''),
    ).toBe(reply.content);
    // The model was asked the same context again, without the reply being replaced.
    expect(fake.completions().at(-1)!.messages).toEqual(sameMessages(before.messages.slice(0, -1)));
    expect((await (await trainer.api('GET', `/projects/${slug}/chats/${chat.id}`)).json()).chat).toEqual(after);
    const audited = server.db.sqlite
      .prepare<[string], { details: string }>("SELECT details FROM audit_log WHERE action = 'chat.regenerate' AND subject = ?")
      .all(`chat:${chat.id}`)
      .map((row) => JSON.parse(row.details));
    expect(audited).toEqual([{ replacedMessageId: Number(first.id), messageId: Number(reply.id), replaced: { model: MODEL, content: first.content } }]);

    // A failed regeneration leaves the chat as it was.
    fake.setMode('fail');
    expect((await readEvents(await regenerate())).at(-1)!.event).toBe('error');
    expect((await (await trainer.api('GET', `/projects/${slug}/chats/${chat.id}`)).json()).chat).toEqual(after);
    fake.setMode('normal');

    // Only the chat's trainer, and only while it is open.
    expect((await regenerate(other)).status).toBe(404);
    expect((await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/end`, {})).status).toBe(200);
    const ended = await regenerate();
    expect(ended.status).toBe(409);
    expect((await ended.json()).error.code).toBe('chat.ended');
  });

  it('a chat ends only after the model has answered, and only once', async () => {
    const server = await startServer();
    const fake = await startFakeModel();
    const slug = modelProject(server, fake, { k: 2 });
    const trainer = await server.user('trainer');
    const { chat } = await (await trainer.api('POST', `/projects/${slug}/chats`, {})).json();

    const early = await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/end`, {});
    expect(early.status).toBe(400);
    expect((await early.json()).error.code).toBe('chat.nothing_to_compare');

    const events = await readEvents(await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content: 'Hello there' }));
    expect(events.at(-1)!.event).toBe('done');
    const first = await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/end`, {});
    expect(first.status).toBe(200);
    const { comparisonId } = (await first.json()).chat;
    const again = await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/end`, {});
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('chat.ended');
    expect(server.db.sqlite.prepare<[], { id: number }>('SELECT id FROM comparisons').all()).toEqual([{ id: Number(comparisonId) }]);
  });
});

describe('the CLI’s model settings', () => {
  it('`projects create` stores the endpoint, the key from the named variable and the sampling flags; `projects update --no-model` removes them', async () => {
    const server = await startServer();
    const fake: Pick<FakeModel, 'url'> = { url: 'http://127.0.0.1:9/v1' };
    const key = 'sk-from-env-0042';
    const created = await runCli(
      [
        '--db',
        server.db.file,
        'projects',
        'create',
        'cli-model',
        '--model-base-url',
        fake.url,
        '--model',
        'm',
        '--api-key-env',
        'MY_KEY',
        '--k',
        '3',
        '--temperature',
        '0.7',
      ],
      { env: { MY_KEY: key } },
    );
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout + created.stderr).not.toContain(key);

    const researcher = await server.user('researcher');
    const project = await (await researcher.api('GET', '/projects/cli-model')).json();
    const settings = project.project;
    expect(settings.modelEndpoint).toEqual({ baseUrl: fake.url, model: 'm', apiKeySet: true });
    expect(settings.sampling).toEqual({ temperature: 0.7, topP: 1, maxTokens: 1024, k: 3 });
    expect(server.db.sqlite.prepare<[], { key: string }>("SELECT model_api_key AS key FROM projects WHERE slug = 'cli-model'").get()!.key).toBe(key);

    const missing = await runCli(['--db', server.db.file, 'projects', 'update', 'cli-model', '--api-key-env', 'NOT_SET_ANYWHERE'], {
      env: { NOT_SET_ANYWHERE: undefined },
    });
    expect(missing.status).not.toBe(0);

    const removed = await runCli(['--db', server.db.file, 'projects', 'update', 'cli-model', '--no-model']);
    expect(removed.status, removed.stderr).toBe(0);
    const after = await (await researcher.api('GET', '/projects/cli-model')).json();
    expect(after.project.modelEndpoint).toBeNull();
    expect(after.project.sampling.k).toBe(3);
    expect(server.db.sqlite.prepare<[], { key: string | null }>("SELECT model_api_key AS key FROM projects WHERE slug = 'cli-model'").get()!.key).toBeNull();
  });
});
