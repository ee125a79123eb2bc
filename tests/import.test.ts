import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { conversation, freshDbFile, startServer, type TestServer, type TestUser } from './support/app.ts';

// docs/import-format.md: one conversation per line; any bad line imports nothing and is reported with its number.

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

type Line = string | Buffer | Record<string, unknown>;

const toBuffer = (line: Line) => (Buffer.isBuffer(line) ? line : Buffer.from(typeof line === 'string' ? line : JSON.stringify(line)));

/** The bytes of a JSONL file: every line followed by `eol` unless `finalEol` is false. */
function jsonl(lines: Line[], { eol = '\n', bom = false, finalEol = true } = {}): Buffer {
  const parts: Buffer[] = bom ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
  lines.forEach((line, i) => {
    parts.push(toBuffer(line));
    if (finalEol || i < lines.length - 1) parts.push(Buffer.from(eol));
  });
  return Buffer.concat(parts);
}

function tempFile(bytes: Buffer, name = 'import.jsonl'): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ordinal-import-test-')), name);
  fs.writeFileSync(file, bytes);
  return file;
}

const prompt = (id: string, content = `Prompt ${id}?`) => ({ id, messages: [{ role: 'user', content }] });

// ---------------------------------------------------------------------------------------------
// Running the CLI and looking into its database

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(dbFile: string, ...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  delete env.ORDINAL_DB;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/ordinal.js', '--db', dbFile, ...args],
      { cwd: repoRoot, env, maxBuffer: 64 << 20, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** A fresh database with one project, made through the CLI itself. */
async function cliProject(slug = 'imports'): Promise<string> {
  const dbFile = freshDbFile();
  const created = await cli(dbFile, 'projects', 'create', slug);
  expect(created.code, created.stderr).toBe(0);
  return dbFile;
}

interface Snapshot {
  conversations: number;
  messages: number;
  comparisons: number;
  externalIds: string[];
}

function snapshotOf(sqlite: Database.Database): Snapshot {
  const count = (table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    conversations: count('conversations'),
    messages: count('messages'),
    comparisons: count('comparisons'),
    externalIds: (sqlite.prepare('SELECT external_id AS id FROM conversations ORDER BY id').all() as { id: string }[]).map((r) => r.id),
  };
}

function withDbFile<T>(dbFile: string, read: (sqlite: Database.Database) => T): T {
  const sqlite = new Database(dbFile, { readonly: true });
  try {
    return read(sqlite);
  } finally {
    sqlite.close();
  }
}

/** stderr lines of the form `<file>:<line>: <reason>`, as [line, reason]. */
function locatedErrors(stderr: string, file: string): [number, string][] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith(`${file}:`))
    .map((l) => {
      const match = /^(\d+): (.*)$/.exec(l.slice(file.length + 1));
      expect(match, `"${l}" is not <file>:<line>: <reason>`).not.toBeNull();
      return [Number(match![1]), match![2]!] as [number, string];
    });
}

// ---------------------------------------------------------------------------------------------
// Talking to the API

async function postImport(user: TestUser, server: TestServer, slug: string, body: Buffer | string, query = '') {
  const res = await fetch(`${server.url}/api/v1/projects/${slug}/import${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/x-ndjson' },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Row counts, ids and two exports: what an import must leave as it was when it fails. */
async function apiSnapshot(server: TestServer, researcher: TestUser, slug: string) {
  const rankings = await researcher.api('GET', `/projects/${slug}/export?format=rankings`);
  expect(rankings.status).toBe(200);
  const trl = await researcher.api('GET', `/projects/${slug}/export/count?format=trl`);
  expect(trl.status).toBe(200);
  return { db: snapshotOf(server.db.sqlite), rankings: await rankings.text(), trlRows: await trl.json() };
}

function comparisonIdOf(sqlite: Database.Database, externalId: string): string | undefined {
  const row = sqlite
    .prepare('SELECT c.id AS id FROM comparisons c JOIN conversations v ON v.id = c.conversation_id WHERE v.external_id = ?')
    .get(externalId) as { id: number } | undefined;
  return row === undefined ? undefined : String(row.id);
}

// ---------------------------------------------------------------------------------------------
// A file mixing every kind of bad line with good and blank ones

interface BadKind {
  kind: string;
  line: Line;
  /** Each must match the reason given: together they name the problem. */
  reasons: RegExp[];
}

const user = (content: string) => ({ role: 'user', content });
const completions = (n: number) => Array.from({ length: n }, (_, i) => ({ content: `Candidate ${i}` }));

function badKinds(firstGoodId: string, firstGoodLine: number): BadKind[] {
  const ok = { messages: [user('Fine?')] };
  return [
    { kind: 'invalid JSON', line: '{"id": "broken", "messages": [', reasons: [/JSON/i] },
    { kind: 'a JSON array', line: '[{"id": "in-array"}]', reasons: [/array/i] },
    { kind: 'JSON null', line: 'null', reasons: [/null/i] },
    { kind: 'a JSON string', line: '"just text"', reasons: [/string/i] },
    { kind: 'missing id', line: { ...ok }, reasons: [/\bid\b/, /required|missing/i] },
    { kind: 'empty id', line: { id: '', ...ok }, reasons: [/\bid\b/, /empty/i] },
    { kind: 'blank id', line: { id: '   ', ...ok }, reasons: [/\bid\b/, /empty|blank/i] },
    { kind: 'id not a string', line: { id: 17, ...ok }, reasons: [/\bid\b/, /string/i] },
    { kind: 'missing messages', line: { id: 'no-messages' }, reasons: [/messages/, /required|missing/i] },
    { kind: 'empty messages', line: { id: 'empty-messages', messages: [] }, reasons: [/messages/, /empty/i] },
    { kind: 'messages not an array', line: { id: 'messages-string', messages: 'Hello?' }, reasons: [/messages/, /array/i] },
    { kind: 'bad role', line: { id: 'bad-role', messages: [{ role: 'bot', content: 'Hi?' }] }, reasons: [/role/, /user/] },
    { kind: 'content not a string', line: { id: 'numeric-content', messages: [{ role: 'user', content: 42 }] }, reasons: [/content/, /string/i] },
    { kind: 'empty content', line: { id: 'empty-content', messages: [user('')] }, reasons: [/content/, /empty/i] },
    { kind: 'missing content', line: { id: 'no-content', messages: [{ role: 'user' }] }, reasons: [/content/, /required|missing/i] },
    {
      kind: 'last message not a user turn',
      line: { id: 'ends-assistant', messages: [user('Hi?'), { role: 'assistant', content: 'Hello.' }] },
      reasons: [/user/, /end|last/i],
    },
    { kind: 'no user message', line: { id: 'only-assistant', messages: [{ role: 'assistant', content: 'Hello.' }] }, reasons: [/user/] },
    {
      kind: 'system message not first',
      line: { id: 'late-system', messages: [user('Hi?'), { role: 'system', content: 'Be nice.' }, user('Well?')] },
      reasons: [/system/, /first/i],
    },
    { kind: 'exactly 1 completion', line: { id: 'one', ...ok, completions: completions(1) }, reasons: [/completions/, /\b1\b/] },
    { kind: '10 completions', line: { id: 'ten', ...ok, completions: completions(10) }, reasons: [/completions/, /\b10\b/] },
    {
      kind: 'duplicate completions',
      line: { id: 'twins', ...ok, completions: [{ content: 'Same.' }, { content: 'Other.' }, { content: 'Same.' }] },
      reasons: [/completions/, /identical|duplicate|same/i],
    },
    { kind: 'completions not an array', line: { id: 'completions-object', ...ok, completions: { content: 'x' } }, reasons: [/completions/, /array/i] },
    {
      kind: 'empty completion',
      line: { id: 'empty-completion', ...ok, completions: [{ content: '' }, { content: 'Fine.' }] },
      reasons: [/completions/, /content/, /empty/i],
    },
    {
      kind: 'unknown field in a completion',
      line: { id: 'completion-field', ...ok, completions: [{ content: 'A.', score: 1 }, { content: 'B.' }] },
      reasons: [/unknown|unrecognized/i, /score/],
    },
    {
      kind: 'temperature out of range',
      line: { id: 'hot', ...ok, completions: [{ content: 'A.', params: { temperature: -1 } }, { content: 'B.' }] },
      reasons: [/temperature/],
    },
    { kind: 'metadata not an object', line: { id: 'meta-array', ...ok, metadata: ['a'] }, reasons: [/metadata/] },
    { kind: 'unknown top-level field', line: { id: 'extra-field', ...ok, prompt: 'Hi?' }, reasons: [/unknown|unrecognized/i, /prompt/] },
    {
      kind: 'duplicate id within the file',
      line: conversation(firstGoodId, 2),
      reasons: [new RegExp(`"${firstGoodId}"`), new RegExp(`line ${firstGoodLine}\\b`)],
    },
    {
      kind: 'invalid UTF-8 bytes',
      line: Buffer.concat([Buffer.from('{"id": "latin1", "messages": [{"role": "user", "content": "caf'), Buffer.from([0xe9]), Buffer.from('?"}]}')]),
      reasons: [/UTF-8/i],
    },
  ];
}

interface MixedFile {
  bytes: Buffer;
  bad: { line: number; kind: string; reasons: RegExp[] }[];
  goodIds: string[];
  nonBlankLines: number;
}

/** Every bad kind once, with good lines and blank (empty and whitespace-only) lines between them. */
function mixedFile(prefix: string): MixedFile {
  const lines: Line[] = [];
  const bad: MixedFile['bad'] = [];
  const goodIds: string[] = [];
  const good = (id: string, k: number) => {
    lines.push(k ? conversation(id, k) : prompt(id));
    goodIds.push(id);
    return lines.length;
  };
  lines.push('');
  const firstGoodId = `${prefix}-good-first`;
  const firstGoodLine = good(firstGoodId, 2);
  badKinds(firstGoodId, firstGoodLine).forEach((kind, i) => {
    if (i % 3 === 0) lines.push('');
    if (i % 4 === 1) lines.push('   \t');
    if (i % 5 === 2) good(`${prefix}-good-${i}`, i % 2 ? 3 : 0);
    lines.push(kind.line);
    bad.push({ line: lines.length, kind: kind.kind, reasons: kind.reasons });
  });
  lines.push('');
  good(`${prefix}-good-last`, 4);
  return { bytes: jsonl(lines), bad, goodIds, nonBlankLines: bad.length + goodIds.length };
}

function expectReasons(reported: { line: number; message: string }[], bad: MixedFile['bad']) {
  expect(reported.map((e) => e.line)).toEqual(bad.map((b) => b.line));
  reported.forEach((e, i) => {
    for (const reason of bad[i]!.reasons) expect(e.message, `line ${e.line} (${bad[i]!.kind})`).toMatch(reason);
  });
}

/** `count` good lines of mixed shapes, with non-ASCII text so that chunk boundaries fall inside characters. */
function bigLines(count: number, prefix = 'big') {
  const lines: Record<string, unknown>[] = [];
  const expectedMessages: string[] = [];
  let comparisons = 0;
  let prompts = 0;
  for (let i = 0; i < count; i++) {
    const question = `Question ${i}: ${'ünïcødé 日本語 ✓ '.repeat(1 + (i % 5))}`;
    const k = i % 10 === 0 ? 0 : 2 + (i % 3);
    const answers = Array.from({ length: k }, (_, j) => `Answer ${j} to ${i} — ${'é'.repeat(1 + j + (i % 7))}`);
    lines.push({ id: `${prefix}-${i}`, messages: [user(question)], ...(k ? { completions: answers.map((content) => ({ content, model: 'm' })) } : {}) });
    expectedMessages.push(question, ...answers);
    if (k) comparisons++;
    else prompts++;
  }
  return { lines, expectedMessages, comparisons, prompts };
}

// ---------------------------------------------------------------------------------------------

describe('importing through the API', () => {
  it('lists every bad line with its number and reason, and imports none of the good lines', async () => {
    const server = await startServer();
    const slug = server.project({ overlap: 1 });
    const researcher = await server.user('researcher');
    const trainer = await server.user('trainer');
    expect((await server.importLines(slug, [conversation('before-1', 2), conversation('before-2', 3), prompt('before-3')])).status).toBe(200);
    const { comparison } = await (await trainer.api('GET', `/projects/${slug}/next?kind=comparison`)).json();
    const ids = comparison.candidates.map((c: { id: string }) => c.id);
    expect((await trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: [[ids[1]], [ids[0]]] })).status).toBe(200);
    const before = await apiSnapshot(server, researcher, slug);
    expect(before.rankings.trim().split('\n')).toHaveLength(1);

    const file = mixedFile('api');
    expect(file.bad.length).toBeGreaterThanOrEqual(12);
    const { status, body } = await postImport(researcher, server, slug, file.bytes);

    expect(status).toBe(400);
    expect(body.error.code).toBe('import.invalid_lines');
    expect(body.imported).toBe(false);
    expect(body.lines).toBe(file.nonBlankLines);
    expect(body.moreErrors).toBe(0);
    expectReasons(body.errors, file.bad);
    expect(body.error.details).toEqual(body.errors);
    expect(await apiSnapshot(server, researcher, slug)).toEqual(before);
  });

  it('counts blank lines in line numbers, and accepts a UTF-8 BOM and CRLF line endings', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    const layout = (sixth: Line) => [prompt('bom-first'), '', conversation('crlf-2', 2), '', '   ', sixth, conversation('crlf-3', 3)];

    const bad = await postImport(researcher, server, slug, jsonl(layout({ id: 'crlf-bad', messages: [] }), { eol: '\r\n', bom: true }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { line: number }) => e.line)).toEqual([6]);
    expect(bad.body.errors[0].message).toMatch(/messages/);
    expect(snapshotOf(server.db.sqlite).conversations).toBe(0);

    const good = await postImport(researcher, server, slug, jsonl(layout(''), { eol: '\r\n', bom: true, finalEol: false }));
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ imported: true, lines: 3, conversations: 3, comparisons: 2, prompts: 1, errors: [] });
    // The BOM is not part of the first id, and no \r is left on any line.
    expect(snapshotOf(server.db.sqlite).externalIds).toEqual(['bom-first', 'crlf-2', 'crlf-3']);
    expect(server.db.sqlite.prepare("SELECT count(*) AS n FROM messages WHERE content LIKE '%' || char(13) || '%'").get()).toEqual({ n: 0 });
  });

  it('skips ids the project already has, so importing the same file twice duplicates nothing', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    const first = jsonl([conversation('r-1', 2), conversation('r-2', 3), prompt('r-3')]);

    const once = await postImport(researcher, server, slug, first);
    expect(once.status).toBe(200);
    expect(once.body).toMatchObject({ imported: true, conversations: 3, comparisons: 2, prompts: 1, skippedExisting: 0 });
    const afterOnce = snapshotOf(server.db.sqlite);
    expect(afterOnce).toMatchObject({ conversations: 3, comparisons: 2, messages: 1 + 2 + 1 + 3 + 1 });

    const twice = await postImport(researcher, server, slug, first);
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({ conversations: 0, comparisons: 0, prompts: 0, skippedExisting: 3, errors: [] });
    expect(snapshotOf(server.db.sqlite)).toEqual(afterOnce);

    // Old ids are left exactly as they were, even when the new file says something else about them.
    const changedR2 = { ...conversation('r-2', 4), messages: [user('A different question?')] };
    const mixed = await postImport(researcher, server, slug, jsonl([changedR2, conversation('r-4', 2), conversation('r-1', 2), prompt('r-5')]));
    expect(mixed.status).toBe(200);
    expect(mixed.body).toMatchObject({ imported: true, conversations: 2, comparisons: 1, prompts: 1, skippedExisting: 2 });
    const after = snapshotOf(server.db.sqlite);
    expect(after.externalIds).toEqual(['r-1', 'r-2', 'r-3', 'r-4', 'r-5']);
    expect(after).toMatchObject({ comparisons: 3, messages: afterOnce.messages + 1 + 2 + 1 });
    const r2 = server.db.sqlite
      .prepare("SELECT m.content FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.external_id = 'r-2' ORDER BY m.id")
      .all() as { content: string }[];
    expect(r2.map((m) => m.content)).toEqual([conversation('r-2', 3).messages[0]!.content, ...conversation('r-2', 3).completions.map((c) => c.content)]);
  });

  it('with ?dryRun=true validates and reports the counts but writes nothing', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    expect((await postImport(researcher, server, slug, jsonl([conversation('d-0', 2)]))).status).toBe(200);
    const before = await apiSnapshot(server, researcher, slug);
    const file = jsonl([conversation('d-0', 2), '', conversation('d-1', 2), conversation('d-2', 9), prompt('d-3')]);
    const expected = { dryRun: true, imported: false, lines: 4, conversations: 3, comparisons: 2, prompts: 1, skippedExisting: 1, errors: [], moreErrors: 0 };

    for (const query of ['?dryRun=true', '?dryRun=1']) {
      const dry = await postImport(researcher, server, slug, file, query);
      expect(dry.status).toBe(200);
      expect(dry.body).toEqual(expected);
      expect(await apiSnapshot(server, researcher, slug)).toEqual(before);
    }

    const dryBad = await postImport(
      researcher,
      server,
      slug,
      jsonl([conversation('d-4', 2), { id: 'd-5', messages: [user('Hi?')], completions: completions(1) }]),
      '?dryRun=true',
    );
    expect(dryBad.status).toBe(400);
    expect(dryBad.body.errors.map((e: { line: number }) => e.line)).toEqual([2]);
    expect(await apiSnapshot(server, researcher, slug)).toEqual(before);

    const real = await postImport(researcher, server, slug, file);
    expect(real.status).toBe(200);
    expect(real.body).toEqual({ ...expected, dryRun: false, imported: true });
    expect(snapshotOf(server.db.sqlite).conversations).toBe(before.db.conversations + 3);
  });

  it('makes a prompt of a line without completions and a comparison of exactly the 2–9 completions given, with their provenance', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    const system = { role: 'system', content: 'You are terse.' };
    const pair = {
      id: 'pair',
      messages: [system, user('Capital of France?')],
      completions: [
        { content: 'Paris.', model: 'm-7b', params: { temperature: 0.7, top_p: 0.9, seed: 3, max_tokens: 64 }, finish_reason: 'stop' },
        { content: 'It is Paris, the capital of France since…', model: 'm-70b', finish_reason: 'length' },
      ],
      metadata: { source: 'geo', difficulty: 1 },
    };
    const nine = {
      id: 'nine',
      messages: [user('Count to one.'), { role: 'assistant', content: 'One.' }, user('Now in other words?')],
      completions: Array.from({ length: 9 }, (_, i) => ({
        content: `Version ${i}: ${'uno '.repeat(i + 1)}`,
        ...(i % 3 === 0 ? {} : { model: `model-${i % 2}` }),
        ...(i % 2 ? { params: { temperature: i / 10, seed: i, custom_knob: 'x' } } : {}),
      })),
    };
    const lines = [
      { id: 'prompt-only', messages: [system, user('Write a haiku.')] },
      { id: 'prompt-empty', messages: [user('Hi?')], completions: [] },
      pair,
      nine,
    ];
    const res = await postImport(researcher, server, slug, jsonl(lines));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ conversations: 4, comparisons: 2, prompts: 2 });

    const sqlite = server.db.sqlite;
    for (const [id, contextLength] of [
      ['prompt-only', 2],
      ['prompt-empty', 1],
    ] as const) {
      expect(comparisonIdOf(sqlite, id), id).toBeUndefined();
      const messages = sqlite.prepare('SELECT m.role FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.external_id = ?').all(id) as {
        role: string;
      }[];
      expect(messages, id).toHaveLength(contextLength);
    }
    expect(JSON.parse((sqlite.prepare("SELECT metadata FROM conversations WHERE external_id = 'pair'").get() as { metadata: string }).metadata)).toEqual(
      pair.metadata,
    );

    for (const line of [pair, nine]) {
      const id = comparisonIdOf(sqlite, line.id);
      expect(id, line.id).toBeDefined();
      const got = await researcher.api('GET', `/comparisons/${id}`);
      expect(got.status).toBe(200);
      const { comparison } = await got.json();
      expect(comparison.project).toBe(slug);
      expect(comparison.context).toEqual(line.messages);
      expect(comparison.candidates).toHaveLength(line.completions.length);
      expect(new Set(comparison.candidates.map((c: { id: string }) => c.id)).size).toBe(line.completions.length);
      const byContent = new Map(comparison.candidates.map((c: { content: string }) => [c.content, c]));
      expect([...byContent.keys()].sort()).toEqual(line.completions.map((c) => c.content).sort());
      for (const c of line.completions as { content: string; model?: string; params?: object; finish_reason?: string }[]) {
        expect(byContent.get(c.content), c.content).toMatchObject({ model: c.model ?? null, params: c.params ?? null, finishReason: c.finish_reason ?? null });
      }
    }
  });

  it('reads the raw body whatever content type the client declares', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    const types = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];
    for (const [i, type] of types.entries()) {
      const res = await fetch(`${server.url}/api/v1/projects/${slug}/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${researcher.token}`, 'content-type': type },
        body: jsonl([conversation(`typed-${i}`, 2), prompt(`typed-prompt-${i}`)]).toString('utf8'),
      });
      expect(res.status, type).toBe(200);
      expect(await res.json(), type).toMatchObject({ imported: true, conversations: 2 });
    }
    expect(snapshotOf(server.db.sqlite).conversations).toBe(2 * types.length);
  });

  it('refuses imports into a project that does not exist, and from trainers', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    const trainer = await server.user('trainer');
    const missing = await postImport(researcher, server, 'no-such-project', jsonl([conversation('x', 2)]));
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/no-such-project/);
    const forbidden = await postImport(trainer, server, slug, jsonl([conversation('x', 2)]));
    expect(forbidden.status).toBe(403);
    expect(snapshotOf(server.db.sqlite).conversations).toBe(0);
  });

  it('imports nothing when the only bad line is the last of a 20,000-line file', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    expect((await server.importLines(slug, [conversation('pre', 2)])).status).toBe(200);
    const before = await apiSnapshot(server, researcher, slug);
    const { lines } = bigLines(20_000);
    // The last line repeats the first line's id, thousands of lines and several read chunks later.
    const bytes = jsonl([...lines, '', lines[0]!], { finalEol: false });
    expect(bytes.length).toBeGreaterThan(3 << 20);

    const { status, body } = await postImport(researcher, server, slug, bytes);
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].line).toBe(20_002);
    expect(body.errors[0].message).toMatch(/"big-0".*line 1\b/);
    expect(await apiSnapshot(server, researcher, slug)).toEqual(before);
  });
});

describe('importing with the CLI', () => {
  it('exits non-zero with every bad line on stderr as <file>:<line>: <reason>, importing nothing', async () => {
    const dbFile = await cliProject();
    const file = mixedFile('cli');
    const input = tempFile(file.bytes);

    const run = await cli(dbFile, 'import', input, '--project', 'imports');
    expect(run.code).not.toBe(0);
    const located = locatedErrors(run.stderr, input);
    expectReasons(
      located.map(([line, message]) => ({ line, message })),
      file.bad,
    );
    expect(run.stdout).not.toMatch(/^Imported/m);
    expect(withDbFile(dbFile, snapshotOf)).toEqual({ conversations: 0, messages: 0, comparisons: 0, externalIds: [] });

    const dry = await cli(dbFile, 'import', input, '--project', 'imports', '--dry-run');
    expect(dry.code).not.toBe(0);
    expect(locatedErrors(dry.stderr, input).map(([line]) => line)).toEqual(file.bad.map((b) => b.line));
  });

  it('counts blank lines in line numbers, and accepts a UTF-8 BOM and CRLF line endings', async () => {
    const dbFile = await cliProject();
    const layout = (fifth: Line) => [conversation('bom-first', 2), '', '', '  ', fifth, prompt('crlf-6')];
    const badPath = tempFile(jsonl(layout({ id: 'x', messages: [user('Hi?')], completions: completions(10) }), { eol: '\r\n', bom: true }));

    const bad = await cli(dbFile, 'import', badPath, '--project', 'imports');
    expect(bad.code).not.toBe(0);
    const located = locatedErrors(bad.stderr, badPath);
    expect(located.map(([line]) => line)).toEqual([5]);
    expect(located[0]![1]).toMatch(/10/);

    const goodPath = tempFile(jsonl(layout(conversation('crlf-5', 3)), { eol: '\r\n', bom: true }));
    const good = await cli(dbFile, 'import', goodPath, '--project', 'imports');
    expect(good.code, good.stderr).toBe(0);
    expect(withDbFile(dbFile, snapshotOf)).toMatchObject({ conversations: 3, comparisons: 2, externalIds: ['bom-first', 'crlf-5', 'crlf-6'] });
  });

  it('imports the same file twice without duplicating, and only the new ids of a mixed file', async () => {
    const dbFile = await cliProject();
    const first = tempFile(jsonl([conversation('r-1', 2), conversation('r-2', 3), prompt('r-3')]));

    const once = await cli(dbFile, 'import', first, '--project', 'imports');
    expect(once.code, once.stderr).toBe(0);
    const afterOnce = withDbFile(dbFile, snapshotOf);
    expect(afterOnce).toMatchObject({ conversations: 3, comparisons: 2 });

    const twice = await cli(dbFile, 'import', first, '--project', 'imports');
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stdout).toMatch(/\b3 already/);
    expect(withDbFile(dbFile, snapshotOf)).toEqual(afterOnce);

    const mixed = tempFile(jsonl([conversation('r-1', 2), conversation('r-4', 2), conversation('r-3', 2), prompt('r-5')]));
    const third = await cli(dbFile, 'import', mixed, '--project', 'imports');
    expect(third.code, third.stderr).toBe(0);
    expect(withDbFile(dbFile, snapshotOf)).toMatchObject({ conversations: 5, comparisons: 3, externalIds: ['r-1', 'r-2', 'r-3', 'r-4', 'r-5'] });
  });

  it('with --dry-run reports conversations, comparisons and prompts, writes nothing and exits 0', async () => {
    const dbFile = await cliProject();
    const input = tempFile(jsonl([conversation('d-1', 2), conversation('d-2', 9), '', prompt('d-3')]));

    const dry = await cli(dbFile, 'import', input, '--project', 'imports', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/\b3 conversations/);
    expect(dry.stdout).toMatch(/\b2 comparisons/);
    expect(dry.stdout).toMatch(/\b1 prompts?\b/);
    expect(withDbFile(dbFile, snapshotOf).conversations).toBe(0);

    const real = await cli(dbFile, 'import', input, '--project', 'imports');
    expect(real.code, real.stderr).toBe(0);
    expect(withDbFile(dbFile, snapshotOf)).toMatchObject({ conversations: 3, comparisons: 2 });
  });

  it('gives a clear error and a non-zero exit for a project or a file that does not exist', async () => {
    const dbFile = await cliProject();
    const input = tempFile(jsonl([conversation('x', 2)]));

    const noProject = await cli(dbFile, 'import', input, '--project', 'no-such-project');
    expect(noProject.code).not.toBe(0);
    expect(noProject.stderr).toMatch(/no-such-project/);
    expect(noProject.stderr).toMatch(/not found|does not exist|no such project/i);

    const noFile = await cli(dbFile, 'import', `${input}.missing`, '--project', 'imports');
    expect(noFile.code).not.toBe(0);
    expect(noFile.stderr).toContain(`${input}.missing`);
    expect(withDbFile(dbFile, snapshotOf).conversations).toBe(0);
  });

  it('imports a 20,000-line file completely, every message intact', async () => {
    const dbFile = await cliProject();
    const { lines, expectedMessages, comparisons, prompts } = bigLines(20_000);
    const input = tempFile(jsonl(lines));

    const started = Date.now();
    const run = await cli(dbFile, 'import', input, '--project', 'imports');
    expect(run.code, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stdout).toMatch(/\b20,?000 conversations/);
    // Progress is drawn only on a terminal: piped, standard error stays empty.
    expect(run.stderr).toBe('');

    withDbFile(dbFile, (sqlite) => {
      expect(snapshotOf(sqlite)).toMatchObject({ conversations: 20_000, comparisons, messages: expectedMessages.length });
      expect(comparisons + prompts).toBe(20_000);
      const stored = (sqlite.prepare('SELECT content FROM messages ORDER BY id').all() as { content: string }[]).map((m) => m.content);
      expect(stored).toEqual(expectedMessages);
    });
  });

  it('imports nothing when the only bad line is the last of a 20,000-line file', async () => {
    const dbFile = await cliProject();
    const { lines } = bigLines(20_000);
    // A file cut off mid-line, the way an interrupted download ends.
    const input = tempFile(jsonl([...lines, '{"id": "big-cut", "messages": [{"role": "us'], { finalEol: false }));

    const run = await cli(dbFile, 'import', input, '--project', 'imports');
    expect(run.code).not.toBe(0);
    const located = locatedErrors(run.stderr, input);
    expect(located.map(([line]) => line)).toEqual([20_001]);
    expect(located[0]![1]).toMatch(/JSON/i);
    expect(withDbFile(dbFile, snapshotOf)).toEqual({ conversations: 0, messages: 0, comparisons: 0, externalIds: [] });
  });
});

// ---------------------------------------------------------------------------------------------
// Only what chat templates and trainers can take

const assistant = (content: string) => ({ role: 'assistant', content });
const system = (content: string) => ({ role: 'system', content });
const lone = 'half of a character is not text';

/**
 * Lines a strict chat template raises on, or that give a trainer nothing to choose between, each
 * with the one reason it is refused for. Lone surrogates are written as the JSON escapes a file
 * holds (String.raw keeps `\ud83d` as six characters).
 */
const untakeable: { kind: string; line: Line; reason: string }[] = [
  {
    kind: 'two user turns in a row',
    line: { id: 'user-user', messages: [user('Hi?'), user('Anyone?')] },
    reason: 'messages.1: must be an assistant turn after a user turn',
  },
  {
    kind: 'an assistant first',
    line: { id: 'assistant-first', messages: [assistant('Hello.'), user('Hi?')] },
    reason: 'messages.0: must be a user turn: a conversation begins with the user, after an optional system message',
  },
  {
    kind: 'an assistant right after the system message',
    line: { id: 'system-assistant', messages: [system('Be terse.'), assistant('Hello.'), user('Hi?')] },
    reason: 'messages.1: must be a user turn: a conversation begins with the user, after an optional system message',
  },
  {
    kind: 'two assistant turns in a row',
    line: { id: 'assistant-assistant', messages: [user('Hi?'), assistant('Hello.'), assistant('Still there?'), user('Yes?')] },
    reason: 'messages.2: must be a user turn after an assistant turn',
  },
  {
    kind: 'a system message not first',
    line: { id: 'late-system', messages: [user('Hi?'), assistant('Hello.'), system('Be terse.'), user('Well?')] },
    reason: 'messages.2: a system message may only come first',
  },
  {
    kind: 'a context ending with the assistant',
    line: { id: 'ends-assistant', messages: [user('Hi?'), assistant('Hello.')] },
    reason: 'messages: must end with the user turn to be answered',
  },
  {
    kind: 'an empty completion',
    line: { id: 'empty', messages: [user('Hi?')], completions: [{ content: '' }, { content: 'Fine.' }] },
    reason: 'completions.0.content: content is empty',
  },
  {
    kind: 'a completion of only whitespace',
    line: { id: 'blank', messages: [user('Hi?')], completions: [{ content: 'Fine.' }, { content: ' \n\t ' }] },
    reason: 'completions.1.content: content is only whitespace',
  },
  {
    kind: 'completions identical once trimmed',
    line: { id: 'padded', messages: [user('Capital of France?')], completions: [{ content: 'Paris.' }, { content: 'Lyon.' }, { content: '  Paris.\n' }] },
    reason: 'completions.2: is identical to completions[0] but for leading or trailing whitespace',
  },
  {
    kind: 'a lone surrogate in a message',
    line: String.raw`{"id": "lone-in-message", "messages": [{"role": "user", "content": "Half a face: \ud83d?"}]}`,
    reason: String.raw`messages.0.content: has a lone UTF-16 surrogate (\ud83d): ` + lone,
  },
  {
    kind: 'a lone surrogate in a completion',
    line: String.raw`{"id": "lone-in-completion", "messages": [{"role": "user", "content": "A face?"}], "completions": [{"content": "\ud83d\ude00"}, {"content": "Other half: \ude00"}]}`,
    reason: String.raw`completions.1.content: has a lone UTF-16 surrogate (\ude00): ` + lone,
  },
  {
    kind: 'a lone surrogate in the id',
    line: String.raw`{"id": "lone-\udc00", "messages": [{"role": "user", "content": "Hi?"}]}`,
    reason: String.raw`id: has a lone UTF-16 surrogate (\udc00): ` + lone,
  },
  {
    kind: 'a lone surrogate in a model name',
    line: String.raw`{"id": "lone-in-model", "messages": [{"role": "user", "content": "Hi?"}], "completions": [{"content": "A.", "model": "m\ud800"}, {"content": "B."}]}`,
    reason: String.raw`completions.0.model: has a lone UTF-16 surrogate (\ud800): ` + lone,
  },
];

/**
 * A valid multi-turn line: a system prompt, turns that alternate, a surrogate pair written as two
 * escapes (😀), and metadata holding a lone surrogate, which is stored as JSON text and so kept as written.
 */
const multiTurn = String.raw`{"id": "multi-turn", "messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "A face?"}], "completions": [{"content": "\ud83d\ude00"}, {"content": " Here: \ud83d\ude42"}], "metadata": {"raw": "\ud800"}}`;

/** The valid line, a blank line, then every untakeable line: the bad lines are 3, 4, … */
const untakeableFile = () => jsonl([multiTurn, '', ...untakeable.map((u) => u.line)]);
const untakeableErrors = untakeable.map((u, i) => ({ line: i + 3, message: u.reason, problems: [u.reason] }));

describe('importing only what chat templates and trainers can take', () => {
  it('refuses, naming the line and the field, contexts that do not alternate, blank or repeated candidates and text with lone surrogates, and imports nothing', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    const { status, body } = await postImport(researcher, server, slug, untakeableFile());
    expect(status).toBe(400);
    expect(body.errors).toEqual(untakeableErrors);
    expect(snapshotOf(server.db.sqlite).conversations).toBe(0);
  });

  it('the CLI gives the same reasons as <file>:<line>: <reason>, and imports nothing', async () => {
    const dbFile = await cliProject();
    const input = tempFile(untakeableFile());
    const run = await cli(dbFile, 'import', input, '--project', 'imports');
    expect(run.code).not.toBe(0);
    expect(locatedErrors(run.stderr, input)).toEqual(untakeableErrors.map((e) => [e.line, e.message]));
    expect(withDbFile(dbFile, snapshotOf)).toEqual({ conversations: 0, messages: 0, comparisons: 0, externalIds: [] });
  });

  it('imports a multi-turn context after a system prompt, with surrogate pairs intact and lone surrogates in metadata kept as written', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    const res = await postImport(researcher, server, slug, jsonl([multiTurn]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: true, conversations: 1, comparisons: 1 });

    const { comparison } = await (await researcher.api('GET', `/comparisons/${comparisonIdOf(server.db.sqlite, 'multi-turn')}`)).json();
    expect(comparison.context).toEqual([system('Be terse.'), user('Hi?'), assistant('Hello.'), user('A face?')]);
    expect(comparison.candidates.map((c: { content: string }) => c.content).sort()).toEqual([' Here: 🙂', '😀']);
    const { metadata } = server.db.sqlite.prepare("SELECT metadata FROM conversations WHERE external_id = 'multi-turn'").get() as { metadata: string };
    expect(metadata).toBe(String.raw`{"raw":"\ud800"}`);
    expect(JSON.parse(metadata)).toEqual({ raw: '\ud800' });
  });
});

describe('lines nested too deep to store', () => {
  it('a line nested 5,000 levels deep is refused with its line number by the dry run and the import alike, never a 500', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const good = JSON.stringify({ id: 'fine', messages: [{ role: 'user', content: 'Hi' }] });
    const file = [good, `{"id":"deep","messages":[{"role":"user","content":"Hi"}],"metadata":${deep}}`, good.replace('fine', 'fine-2')].join('\n') + '\n';
    for (const query of ['?dryRun=true', '']) {
      const { status, body } = await postImport(researcher, server, slug, file, query);
      expect(status, query).toBe(400);
      expect(body.errors, query).toEqual([{ line: 2, message: 'nested more than 64 levels deep', problems: ['nested more than 64 levels deep'] }]);
    }
    // A line 63 levels deep still imports: the limit is far beyond real data.
    const nested = `${'{"a":'.repeat(62)}1${'}'.repeat(62)}`;
    const ok = await postImport(researcher, server, slug, `{"id":"ok","messages":[{"role":"user","content":"Hi"}],"metadata":${nested}}\n`);
    expect(ok.status).toBe(200);
    expect(snapshotOf(server.db.sqlite).conversations).toBe(1);
  });
});
