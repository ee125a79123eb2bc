// Read by the model client when it first talks to an endpoint: a short timeout, so that a hanging
// model server fails within seconds; one retry, as retries must not hide a refused `n`.
process.env.ORDINAL_MODEL_RETRIES = '1';
process.env.ORDINAL_MODEL_TIMEOUT_MS = '3000';

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Chat } from '#shared/chats.ts';
import type { ConnectionTest, SampleView } from '#shared/models.ts';
import { startServer, type TestServer, type TestUser } from './support/app.ts';
import { runCli } from './support/child-server.ts';
import { startFakeModel, type FakeModelKind } from './support/fake-model.ts';

/**
 * Sampling, suggestions, chats and the connection test against model servers as they really answer
 * (tests/fixtures/model-servers): llama.cpp refuses `n` with HTTP 500 (or 400, in other versions
 * and words), Ollama ignores it and answers one choice, vLLM takes it.
 */

const MODEL = 'served-model';
const MODEL_DOWN = 'The model is not reachable right now; your work is kept. Tell your researcher.';
const refusingN: FakeModelKind[] = ['llama-cpp', 'llama-cpp-400', 'llama-cpp-illegal-param'];
const everyKind: FakeModelKind[] = [...refusingN, 'ollama', 'vllm'];

const prompt = (id: string) => ({ id, messages: [{ role: 'user', content: `Prompt ${id}, please answer.` }] });

async function setUp(kind: FakeModelKind, mode = 'normal', sampling: Partial<{ temperature: number; k: number }> = {}) {
  const [server, fake] = await Promise.all([startServer(), startFakeModel({ kind, mode, models: [MODEL] })]);
  const slug = server.project({
    overlap: 1,
    modelEndpoint: { baseUrl: fake.url, model: MODEL },
    sampling: { temperature: 0.8, topP: 1, maxTokens: 64, k: 4, ...sampling },
  });
  const [researcher, trainer] = await Promise.all([server.user('researcher'), server.user('trainer')]);
  return { server, fake, slug, researcher, trainer };
}

async function sampleAndWait(researcher: TestUser, slug: string): Promise<SampleView> {
  const started = await researcher.api('POST', `/projects/${slug}/sample`, {});
  expect(started.status, await started.clone().text()).toBe(202);
  await expect.poll(async () => ((await (await researcher.api('GET', `/projects/${slug}/sample`)).json()) as SampleView).job.state).not.toBe('running');
  return (await (await researcher.api('GET', `/projects/${slug}/sample`)).json()) as SampleView;
}

type Candidate = { parentId: number; content: string; params: string; latencyMs: number; servedModel: string | null };
const candidatesOf = (server: TestServer, slug: string) =>
  server.db.sqlite
    .prepare<[string], Candidate>(
      `
      SELECT m.parent_id AS parentId, m.content, m.params, m.latency_ms AS latencyMs, m.served_model AS servedModel
      FROM messages m JOIN conversations v ON v.id = m.conversation_id JOIN projects p ON p.id = v.project_id
      WHERE p.slug = ? AND m.role = 'assistant' ORDER BY m.id`,
    )
    .all(slug);

function byPrompt(candidates: Candidate[]) {
  const groups = new Map<number, Candidate[]>();
  for (const c of candidates) groups.set(c.parentId, [...(groups.get(c.parentId) ?? []), c]);
  return [...groups.values()];
}

async function readEvents(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  return (await response.text())
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) }));
}

const comparisonsOf = (server: TestServer) => server.db.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM comparisons').get()!.n;

describe('the fake model server answers as the captured servers did', () => {
  it('llama-cpp refuses n = 2 with the captured status, headers and body, byte for byte', async () => {
    const fake = await startFakeModel({ kind: 'llama-cpp' });
    const dir = path.join(import.meta.dirname, 'fixtures/model-servers/llama.cpp-b4748');
    for (const name of ['b_nonstream_n2', 'c_stream_n2']) {
      const captured = fs.readFileSync(path.join(dir, `${name}.http`), 'utf8');
      const [head, body] = captured.split(/\r?\n\r?\n/);
      const response = await fetch(`${fake.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: fs.readFileSync(path.join(dir, `${name}.request.json`)),
      });
      expect(`${response.status}`, name).toBe(head!.split(' ')[1]);
      expect(await response.text(), name).toBe(body);
      for (const header of ['keep-alive', 'content-type', 'server']) {
        expect(response.headers.get(header), `${name} ${header}`).toBe(new RegExp(`^${header}: (.*)$`, 'im').exec(head!)![1]!.trim());
      }
    }
  });

  it('llama-cpp streams as captured: no role chunk, and the last chunk carries finish_reason and usage together', async () => {
    const fake = await startFakeModel({ kind: 'llama-cpp' });
    const chunksOf = (text: string) =>
      text
        .split('\n\n')
        .filter((b) => b.startsWith('data: {'))
        .map((b) => JSON.parse(b.slice(6)) as { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown });
    const captured = chunksOf(
      fs
        .readFileSync(path.join(import.meta.dirname, 'fixtures/model-servers/llama.cpp-b4748/e_stream_n1_include_usage.http'), 'utf8')
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join('\n\n'),
    );
    const response = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'Say hello' }], stream: true }),
    });
    const text = await response.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const ours = chunksOf(text);
    for (const chunks of [captured, ours]) {
      expect(chunks.every((c) => !('role' in c.choices[0]!.delta))).toBe(true);
      expect(chunks.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null && c.usage === undefined)).toBe(true);
      expect(Object.keys(chunks.at(-1)!).sort()).toEqual(Object.keys(captured.at(-1)!).sort());
      expect(chunks.at(-1)!.choices[0]!.delta).toEqual({});
    }
  });
});

describe('sampling against llama.cpp, Ollama and vLLM', () => {
  it.each(everyKind)('%s: every prompt becomes a comparison of K distinct candidates on the first run, and a refused n is paid for once', async (kind) => {
    const { server, fake, slug, researcher } = await setUp(kind);
    expect((await server.importLines(slug, [prompt('a'), prompt('b'), prompt('c')])).status).toBe(200);
    const view = await sampleAndWait(researcher, slug);
    expect(view.job).toMatchObject({ state: 'done', total: 3, done: 3, failed: 0, notSampled: 0, lastError: null, advice: null });
    expect(view.waitingPrompts).toBe(0);

    const groups = byPrompt(candidatesOf(server, slug));
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(group).toHaveLength(4);
      expect(new Set(group.map((c) => c.content)).size).toBe(4);
      for (const c of group) expect(JSON.parse(c.params)).toMatchObject({ temperature: 0.8, top_p: 1, max_tokens: 64, seed: expect.any(Number) });
    }
    const withN = fake.completions().filter((r) => r.n !== undefined);
    if (kind === 'vllm') {
      // One request of n = 4 per prompt; its samples share the request's seed.
      expect(withN.map((r) => r.n)).toEqual([4, 4, 4]);
      expect(fake.completions()).toHaveLength(3);
    } else {
      // One probe for the whole run; then single requests, four distinct seeds per prompt.
      expect(withN).toHaveLength(1);
      for (const group of groups) expect(new Set(group.map((c) => JSON.parse(c.params).seed)).size).toBe(4);
      // Ollama's one choice to the probe is kept: 11 single requests; llama.cpp's refusal gave none: 12.
      expect(fake.completions().length - 1).toBe(kind === 'ollama' ? 11 : 12);
    }

    // A later run (another process: the CLI) remembers what was learned and sends no n.
    expect((await server.importLines(slug, [prompt('d')])).status).toBe(200);
    const before = fake.completions().length;
    const run = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
    expect(run.status, run.stderr).toBe(0);
    const later = fake.completions().slice(before);
    expect(later.every((r) => (kind === 'vllm' ? r.n === 4 : r.n === undefined))).toBe(true);
    expect(later).toHaveLength(kind === 'vllm' ? 1 : 4);
  });

  it('keeps no idle connection to the model server, which a small server needs for other requests', async () => {
    const { server, fake, slug, researcher } = await setUp('llama-cpp');
    await server.importLines(slug, [prompt('a'), prompt('b')]);
    await sampleAndWait(researcher, slug);
    expect(fake.completions().length).toBeGreaterThan(4);
    // llama.cpp offers each connection for 5 s more (Keep-Alive: timeout=5); a pooling client would hold it that long.
    await expect.poll(() => fake.openConnections(), { timeout: 2000 }).toBe(0);
  });

  it('stores the model’s own latency: from sending the request to its last byte, without the time spent queueing', async () => {
    const previous = process.env.ORDINAL_MODEL_CONCURRENCY;
    process.env.ORDINAL_MODEL_CONCURRENCY = '1';
    try {
      const { server, fake, slug, researcher } = await setUp('llama-cpp');
      fake.setDelay(400);
      await server.importLines(slug, [prompt('slow')]);
      const started = Date.now();
      await sampleAndWait(researcher, slug);
      // Five requests one at a time (the probe and four samples): the last sample waited for four others.
      expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 400);
      const latencies = candidatesOf(server, slug).map((c) => c.latencyMs);
      expect(latencies).toHaveLength(4);
      for (const ms of latencies) expect(ms).toBeGreaterThanOrEqual(400);
      expect(Math.max(...latencies)).toBeLessThan(2 * 400 + 400);
    } finally {
      if (previous === undefined) delete process.env.ORDINAL_MODEL_CONCURRENCY;
      else process.env.ORDINAL_MODEL_CONCURRENCY = previous;
    }
  });

  it('records the model the server said answered where it differs from the one asked for', async () => {
    // vLLM serving one model under several names answers with the first, whatever name was asked.
    const [server, fake] = await Promise.all([startServer(), startFakeModel({ kind: 'vllm' })]);
    const slug = server.project({
      overlap: 1,
      modelEndpoint: { baseUrl: fake.url, model: 'alias-of-it' },
      sampling: { temperature: 1, topP: 1, maxTokens: 64, k: 2 },
    });
    await server.importLines(slug, [prompt('named')]);
    await sampleAndWait(await server.user('researcher'), slug);
    expect(candidatesOf(server, slug).map((c) => c.servedModel)).toEqual(['fake-model', 'fake-model']);

    // llama.cpp echoes the name asked for: nothing differs, nothing is recorded.
    const llama = await setUp('llama-cpp');
    await llama.server.importLines(llama.slug, [prompt('echoed')]);
    await sampleAndWait(llama.researcher, llama.slug);
    expect(candidatesOf(llama.server, llama.slug).map((c) => c.servedModel)).toEqual([null, null, null, null]);
  });
});

describe('identical candidates never reach a trainer', () => {
  it.each(['llama-cpp', 'vllm'] as const)(
    '%s giving one answer every time: the prompts stay waiting, with the reason said by the job, the CLI and the view',
    async (kind) => {
      const { server, slug, researcher, trainer, fake } = await setUp(kind, 'same-answer', { temperature: 0 });
      await server.importLines(slug, [prompt('x'), prompt('y')]);
      const view = await sampleAndWait(researcher, slug);
      expect(view.job).toMatchObject({ state: 'done', done: 0, failed: 0, notSampled: 2 });
      expect(view.job.advice).toMatch(/raise the temperature/i);
      expect(view.waitingPrompts).toBe(2);
      // K = 4 and up to K more: eight requests of one choice each (no n at temperature 0), all the same text.
      expect(view.unsampled).toEqual([{ reason: 'the model gave the same answer 8 times; raise the temperature (now 0)', prompts: 2 }]);
      expect(fake.completions().map((r) => r.n)).toEqual(Array(16).fill(undefined));
      expect(comparisonsOf(server)).toBe(0);
      expect(candidatesOf(server, slug)).toEqual([]);
      expect((await trainer.api('GET', `/projects/${slug}/next?kind=comparison`)).status).toBe(204);

      const run = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('Sampled 0 of 2 prompts; 2 not sampled.');
      expect(run.stderr).toContain('Not sampled (2 prompts): the model gave the same answer 8 times; raise the temperature (now 0).');
      expect(run.stderr).not.toContain('Run the command again to resume');
    },
  );

  it('answers that differ only in leading or trailing whitespace are the same answer: the prompt stays waiting', async () => {
    const { server, slug, researcher } = await setUp('vllm', 'same-answer-padded');
    await server.importLines(slug, [prompt('padded')]);
    const view = await sampleAndWait(researcher, slug);
    expect(view.job).toMatchObject({ state: 'done', done: 0, notSampled: 1 });
    expect(view.unsampled).toEqual([{ reason: expect.stringMatching(/^the model gave the same answer \d+ times/), prompts: 1 }]);
    expect(candidatesOf(server, slug)).toEqual([]);
  });

  it('a chat whose alternatives repeat its answer ends without a comparison, and says why', async () => {
    const { slug, trainer, server } = await setUp('ollama', 'same-answer');
    const { chat } = (await (await trainer.api('POST', `/projects/${slug}/chats`, {})).json()) as { chat: Chat };
    await readEvents(await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content: 'Hello there' }));
    const ended = await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/end`, {});
    expect(ended.status).toBe(200);
    const body = (await ended.json()) as { chat: Chat };
    // The chat's own answer, then K − 1 = 3 alternatives and up to 3 more, all the same text.
    expect(body.chat).toMatchObject({
      ended: true,
      comparisonId: null,
      notComparedReason: 'the model gave the same answer 7 times; raise the temperature (now 0.8)',
    });
    expect(comparisonsOf(server)).toBe(0);
  });
});

describe('chats and suggestions against each server', () => {
  it.each(everyKind)('%s: a chat with K = 4 ends into a comparison of 4 distinct candidates that another trainer ranks', async (kind) => {
    const { server, slug, trainer, researcher } = await setUp(kind);
    const ranker = await server.user('trainer');
    const { chat } = (await (await trainer.api('POST', `/projects/${slug}/chats`, {})).json()) as { chat: Chat };
    const turn = await readEvents(await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content: 'What is a comet?' }));
    expect(turn.at(-1)!.event).toBe('done');
    const ended = await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/end`, {});
    expect(ended.status, await ended.clone().text()).toBe(200);
    const { chat: after } = (await ended.json()) as { chat: Chat };
    expect(after.ended).toBe(true);

    const next = await ranker.api('GET', `/projects/${slug}/next?kind=comparison`);
    expect(next.status).toBe(200);
    const { comparison } = (await next.json()) as { comparison: { id: string; candidates: { id: string; content: string }[] } };
    expect(comparison.id).toBe(after.comparisonId);
    expect(comparison.candidates).toHaveLength(4);
    expect(new Set(comparison.candidates.map((c) => c.content)).size).toBe(4);
    const put = await ranker.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: comparison.candidates.map((c) => [c.id]) });
    expect(put.status).toBe(200);
    const trl = await (await researcher.api('GET', `/projects/${slug}/export?format=trl`)).text();
    expect(trl.trim().split('\n')).toHaveLength(6);
  });

  it.each(everyKind)('%s: a suggestion streams in pieces that add up to the done event’s text', async (kind) => {
    const { slug, trainer, fake } = await setUp(kind, 'slow-stream:5');
    const events = await readEvents(
      await trainer.api('POST', `/projects/${slug}/suggestions`, { messages: [{ role: 'user', content: 'Tell me about tides, please.' }], role: 'assistant' }),
    );
    const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data.text as string);
    expect(deltas.length).toBeGreaterThan(3);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(deltas.join('')).toBe(done.data.content);
    expect(done.data).not.toHaveProperty('model');
    expect(fake.completions().at(-1)).toMatchObject({ stream: true });
  });
});

describe('what trainers and researchers are told when the model fails', () => {
  it('a wrong model name: the trainer reads a plain message with no name or address; the researcher reads both', async () => {
    const { slug, trainer, researcher, fake, server } = await setUp('vllm');
    server.db.sqlite.prepare('UPDATE projects SET model_name = ? WHERE slug = ?').run('secret-model-name', slug);
    const asTrainer = await readEvents(
      await trainer.api('POST', `/projects/${slug}/suggestions`, { messages: [{ role: 'user', content: 'Hi' }], role: 'assistant' }),
    );
    expect(asTrainer.at(-1)).toEqual({ event: 'error', data: { error: { code: 'model.error', message: MODEL_DOWN } } });
    const { chat } = (await (await trainer.api('POST', `/projects/${slug}/chats`, {})).json()) as { chat: Chat };
    const turn = await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content: 'Hi' });
    const turnText = await turn.text();
    for (const secret of ['secret-model-name', fake.url, '127.0.0.1', '404']) expect(turnText).not.toContain(secret);
    expect(turnText).toContain(MODEL_DOWN);

    const asResearcher = await readEvents(
      await researcher.api('POST', `/projects/${slug}/suggestions`, { messages: [{ role: 'user', content: 'Hi' }], role: 'assistant' }),
    );
    const message = asResearcher.at(-1)!.data.error.message as string;
    expect(message).toBe(
      `The model server at ${fake.url} answered HTTP 404: The model \`secret-model-name\` does not exist. Check the model name "secret-model-name" and the base URL.`,
    );
  });

  it('a server failing every request: the job says so once, in plain words, and advises a rerun since one can help', async () => {
    const { server, slug, researcher, fake } = await setUp('llama-cpp', 'fail');
    await server.importLines(slug, [prompt('f1'), prompt('f2'), prompt('f3'), prompt('f4')]);
    const view = await sampleAndWait(researcher, slug);
    expect(view.job).toMatchObject({ state: 'failed', done: 0, failed: 4 });
    expect(view.job.lastError).toBe(`The model server at ${fake.url} answered HTTP 500: The fake model server is failing on purpose.`);
    expect(view.job.advice).toMatch(/^Run sampling again once the model server answers/);
    const run = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Run sampling again once the model server answers');
  });

  it('a refusal a rerun cannot mend (a wrong model name) advises checking the settings, not a rerun', async () => {
    const { server, slug } = await setUp('ollama');
    server.db.sqlite.prepare('UPDATE projects SET model_name = ? WHERE slug = ?').run('no-such-model', slug);
    await server.importLines(slug, [prompt('w1')]);
    const run = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("answered HTTP 404: model 'no-such-model' not found.");
    expect(run.stderr).toContain(`Check the project's model settings (npx ordinal projects test-model ${slug})`);
    expect(run.stderr).not.toContain('once the model server answers');
  });
});

describe('servers that fail, hang or stream slowly', () => {
  it('a failing server: ending a chat is refused in plain words and the chat stays open, to be ended later', async () => {
    const { slug, trainer, fake, server } = await setUp('llama-cpp');
    const { chat } = (await (await trainer.api('POST', `/projects/${slug}/chats`, {})).json()) as { chat: Chat };
    await readEvents(await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/messages`, { content: 'Hello there' }));
    fake.setMode('fail');
    const refused = await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/end`, {});
    expect(refused.status).toBe(502);
    expect(await refused.json()).toEqual({ error: { code: 'model.error', message: MODEL_DOWN } });
    expect(comparisonsOf(server)).toBe(0);
    fake.setMode('normal');
    const ended = await trainer.api('POST', `/projects/${slug}/chats/${chat.id}/end`, {});
    expect(ended.status).toBe(200);
    expect(((await ended.json()) as { chat: Chat }).chat.comparisonId).not.toBeNull();
  });

  it('a hanging server: the sampling job fails with a timeout named for the researcher, and nothing is stored', async () => {
    const { server, slug, researcher, fake } = await setUp('ollama', 'hang');
    await server.importLines(slug, [prompt('h')]);
    const started = await researcher.api('POST', `/projects/${slug}/sample`, {});
    expect(started.status).toBe(202);
    await expect
      .poll(async () => ((await (await researcher.api('GET', `/projects/${slug}/sample`)).json()) as SampleView).job.state, { timeout: 30_000 })
      .toBe('failed');
    const view = (await (await researcher.api('GET', `/projects/${slug}/sample`)).json()) as SampleView;
    expect(view.job.lastError).toBe(`The model server at ${fake.url} did not answer within 3 s.`);
    expect(view.job.advice).toMatch(/^Run sampling again once the model server answers/);
    expect(candidatesOf(server, slug)).toEqual([]);
  });
});

describe('testing the connection before it is needed', () => {
  it.each([
    ['vllm', true, 'It works, and it takes n'],
    ['llama-cpp', false, 'It works. It refuses n'],
    ['llama-cpp-400', false, 'It works. It refuses n'],
    ['ollama', false, 'It works. It ignores n'],
  ] as const)('%s: one tiny request says it works, which model answered, and whether it takes n', async (kind, takesN, said) => {
    const { slug, researcher, fake, server } = await setUp(kind);
    const response = await researcher.api('POST', `/projects/${slug}/model/test`);
    expect(response.status).toBe(200);
    const result = (await response.json()) as ConnectionTest;
    expect(result).toMatchObject({ ok: true, takesN, servedModel: MODEL, listedModels: [MODEL], latencyMs: expect.any(Number) });
    expect(result.message.startsWith(said)).toBe(true);
    for (const r of fake.completions()) expect(r.max_tokens).toBe(1);

    // What it learned spares the first sampling run its probe.
    await server.importLines(slug, [prompt('after-test')]);
    const before = fake.completions().length;
    const run = await runCli(['--db', server.db.file, 'sample', '--project', slug]);
    expect(run.status, run.stderr).toBe(0);
    expect(
      fake
        .completions()
        .slice(before)
        .some((r) => r.n !== undefined),
    ).toBe(takesN);

    const cli = await runCli(['--db', server.db.file, 'projects', 'test-model', slug]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(said);
  });

  it('a server that fails says so, naming the server, and the CLI exits non-zero', async () => {
    const { slug, researcher, fake, server } = await setUp('vllm', 'fail');
    const result = (await (await researcher.api('POST', `/projects/${slug}/model/test`)).json()) as ConnectionTest;
    expect(result).toMatchObject({ ok: false, takesN: null, latencyMs: null });
    expect(result.message).toContain(fake.url);
    const cli = await runCli(['--db', server.db.file, 'projects', 'test-model', slug]);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('answered HTTP 500');
  });
});
