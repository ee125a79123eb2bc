import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { notJsonLines } from '#server/modules/conversations/conversations.errors.ts';
import type { ImportError } from '#shared/conversations.ts';
import { MAX_PROBLEMS_LISTED } from '#shared/imports.ts';
import { freshDbFile, startServer, type TestServer, type TestUser } from './support/app.ts';
import { repoRoot, runCli, tempDir } from './support/child-server.ts';

// docs/import-format.md, "Errors": a bad line's problems in plain words, each saying what to write
// instead, every one of them, the same from the API, the import page and the CLI; a file that is
// one JSON value (an array, pretty-printed JSON) named once instead of a parser error per line.

const templateFile = path.join(repoRoot, 'client/src/features/import/import-template.jsonl');

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });
const good = (id: string) => ({ id, messages: [user(`Question ${id}?`)], completions: [{ content: `Yes, ${id}.` }, { content: `No, ${id}.` }] });
const jsonl = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

let server: TestServer;
let researcher: TestUser;
let slug: string;

beforeAll(async () => {
  server = await startServer();
  researcher = await server.user('researcher');
  slug = server.project();
});

async function check(body: string, route = 'import') {
  const res = await fetch(`${server.url}/api/v1/projects/${slug}/${route}?dryRun=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${researcher.token}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  return { status: res.status, body: await res.json() };
}

/** `ordinal import <file> --dry-run` on a file holding `body`, into a new database's project. */
async function checkWithCli(body: string, name = 'lines.jsonl') {
  const db = freshDbFile();
  expect((await runCli(['--db', db, 'projects', 'create', 'cli'])).status).toBe(0);
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, body);
  return { file, ...(await runCli(['--db', db, 'import', file, '--project', 'cli', '--dry-run'])) };
}

const problemsOf = (errors: ImportError[]) => Object.fromEntries(errors.map((e) => [e.line, e.problems]));

describe('the problems of a bad line', () => {
  it('completions written as plain strings are told to be objects like {"content": "…"}, each of them', async () => {
    const { status, body } = await check(jsonl([good('fine'), { id: 'plain', messages: [user('Capital of France?')], completions: ['Paris.', 'Lyon.'] }]));
    expect(status).toBe(400);
    expect(problemsOf(body.errors)).toEqual({
      2: [
        'completions.0 is a string: completions must be objects like {"content": "…"}',
        'completions.1 is a string: completions must be objects like {"content": "…"}',
      ],
    });
  });

  it('lists every problem of the line: a wrong completion hides neither the order of the turns nor an unknown field', async () => {
    const line = {
      id: 'many',
      messages: [user('Hi?'), assistant('Hello.')],
      completions: ['Fine.', { content: 'Good.' }, { text: 'Well.' }],
      meta: { week: 3 },
    };
    const { body } = await check(jsonl([line]));
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors as ImportError[];
    expect(error!.problems).toEqual([
      'messages: must end with the user turn to be answered',
      'completions.0 is a string: completions must be objects like {"content": "…"}',
      'completions.2.content is missing: content must be a string like "content": "…"',
      'completions.2: unknown field "text": use "content"; a completion has only "content", "model", "params" and "finish_reason"',
      'unknown field "meta": use "metadata"; a line has only "id", "messages", "completions" and "metadata"',
    ]);
    expect(error!.message).toBe(error!.problems.join('; '));
  });

  it('says what to write instead for the names other formats use, and for a wrong count of completions', async () => {
    const { body } = await check(
      jsonl([
        { id: 'sharegpt', messages: [{ role: 'human', content: 'Hi?' }] },
        { id: 'singular', messages: [user('Hi?')], completion: [{ content: 'A.' }] },
        { id: 'numbered', messages: [user('Hi?')], completions: [{ content: 'Only one.' }] },
        { id: 17, messages: 'Hi?' },
      ]),
    );
    expect(problemsOf(body.errors)).toEqual({
      1: ['messages.0.role is "human": write "user"; role must be "system", "user" or "assistant"'],
      2: ['unknown field "completion": use "completions"; a line has only "id", "messages", "completions" and "metadata"'],
      3: ['completions: has 1 completion: a comparison needs 2–9 (or none for a prompt)'],
      4: [
        'id is a number: id must be a string like "id": "ticket-1"',
        'messages is a string: messages must be an array like [{"role": "user", "content": "…"}]',
      ],
    });
  });

  it(`lists at most ${MAX_PROBLEMS_LISTED} problems of one line, then how many more`, async () => {
    const messages = Array.from({ length: MAX_PROBLEMS_LISTED + 5 }, (_, i) => ({ role: 'bot', content: `Turn ${i}` }));
    const { body } = await check(jsonl([{ id: 'noisy', messages }]));
    const [error] = body.errors as ImportError[];
    expect(error!.problems).toHaveLength(MAX_PROBLEMS_LISTED + 1);
    expect(error!.problems[0]).toBe('messages.0.role is "bot": write "assistant"; role must be "system", "user" or "assistant"');
    expect(error!.problems.at(-1)).toBe('… and 5 more problems on this line');
  });

  it('the CLI prints the same words after each bad line number', async () => {
    const body = jsonl([good('ok'), { id: 'plain', messages: [user('Hi?'), assistant('Hello.')], completions: ['A.', 'B.'] }, '', '[1, 2]']);
    const api = await check(body);
    const cli = await checkWithCli(body);
    expect(cli.status).toBe(1);
    const expected = (api.body.errors as ImportError[]).map((e) => `${cli.file}:${e.line}: ${e.message}`);
    expect(cli.stderr.split('\n').filter((l) => l.startsWith(`${cli.file}:`))).toEqual(expected);
    expect(expected).toEqual([
      `${cli.file}:2: messages: must end with the user turn to be answered; completions.0 is a string: completions must be objects like {"content": "…"}; completions.1 is a string: completions must be objects like {"content": "…"}`,
      `${cli.file}:4: the line is an array: each line must be one JSON object like {"id": "…", "messages": […]}`,
    ]);
  });
});

describe('a file that is one JSON value instead of one per line', () => {
  const lines = [good('first'), good('second'), good('third')];
  const shapes = [
    {
      kind: 'a pretty-printed JSON array',
      body: JSON.stringify(lines, null, 2),
      found: 'array' as const,
      says: /^This file is a JSON array; Ordinal reads JSON Lines: one object per line.*jq -c '\.\[\]'/,
    },
    { kind: 'a JSON array on one line', body: `${JSON.stringify(lines)}\n`, found: 'array' as const, says: /JSON array/ },
    {
      kind: 'an array opened on a line of its own',
      body: `[\n${lines.map((l) => JSON.stringify(l)).join(',\n')}\n]\n`,
      found: 'array' as const,
      says: /JSON array/,
    },
    {
      kind: 'a pretty-printed object',
      body: JSON.stringify(lines[0], null, 2),
      found: 'pretty-printed' as const,
      says: /^This file is pretty-printed JSON.*jq -c \./,
    },
    {
      kind: 'pretty-printed objects one after another',
      body: lines.map((l) => JSON.stringify(l, null, 4)).join('\n'),
      found: 'pretty-printed' as const,
      says: /pretty-printed/,
    },
  ];

  it.each(shapes)('$kind is named once, by the API and its jobs', async ({ body, found, says }) => {
    const now = await check(body);
    expect(now.status).toBe(400);
    expect(now.body).toEqual({ error: { code: notJsonLines.code, message: notJsonLines(found).message } });
    expect(now.body.error.message).toMatch(says);

    const started = await check(body, 'imports');
    expect(started.status).toBe(202);
    let job = started.body;
    while (job.state !== 'done' && job.state !== 'failed') job = await (await researcher.api('GET', `/projects/${slug}/imports/${job.id}`)).json();
    expect(job).toMatchObject({ state: 'failed', result: null, error: { status: 400, code: notJsonLines.code, message: notJsonLines(found).message } });
  });

  it('is named once by the CLI, which exits 1', async () => {
    const cli = await checkWithCli(shapes[0]!.body, 'lines.json');
    expect(cli.status).toBe(1);
    expect(cli.stderr.trim().split('\n')).toEqual([`error: ${notJsonLines('array').message}`]);
  });

  it('but JSON Lines with a broken first line, or an array among its objects, are bad lines as ever', async () => {
    const broken = await check(jsonl(['{"id": "cut", "messages": [', good('after'), '[{"id": "in-array"}]']));
    expect(broken.status).toBe(400);
    expect(broken.body.errors.map((e: ImportError) => e.line)).toEqual([1, 3]);
    expect(broken.body.errors[0].message).toMatch(/^not valid JSON/);
    expect(broken.body.errors[1].message).toBe('the line is an array: each line must be one JSON object like {"id": "…", "messages": […]}');
  });
});

describe('the template of the import page', () => {
  const template = fs.readFileSync(templateFile, 'utf8');
  const lines = template
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { messages: { role: string }[]; completions?: unknown[]; metadata?: unknown });

  it('shows a system prompt, a multi-turn context, 2–9 completions and metadata', () => {
    const [first] = lines;
    expect(first!.messages[0]!.role).toBe('system');
    expect(first!.messages.filter((m) => m.role === 'user').length).toBeGreaterThanOrEqual(2);
    expect(first!.messages.some((m) => m.role === 'assistant')).toBe(true);
    expect(first!.completions!.length).toBeGreaterThanOrEqual(2);
    expect(first!.completions!.length).toBeLessThanOrEqual(9);
    expect(first!.metadata).toBeTypeOf('object');
    // A prompt too: a line without completions.
    expect(lines.some((l) => l.completions === undefined)).toBe(true);
  });

  it('imports cleanly through the real importer, every line of it', async () => {
    const into = server.project();
    const res = await fetch(`${server.url}/api/v1/projects/${into}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${researcher.token}`, 'content-type': 'application/x-ndjson' },
      body: template,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: true, lines: lines.length, conversations: lines.length, comparisons: 2, prompts: 1, errors: [] });
  });
});
