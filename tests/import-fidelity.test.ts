import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '#server/db/client.ts';
import { importFile } from '#server/modules/conversations/import.ts';
import { createProject, getProject } from '#server/modules/projects/projects.usecases.ts';
import { conversation, freshDbFile, startServer } from './support/app.ts';
import { runCli, tempDir } from './support/child-server.ts';

// docs/import-format.md, "Stored exactly as written": a line that storing would change is refused
// with its number, never changed without a word; an empty file is refused; and what an import reports
// is what it wrote, whatever else imports into the project at the same time.

const line = (id: string, rest: string) => `{"id":"${id}","messages":[{"role":"user","content":"Hi?"}]${rest}}`;

/**
 * Lines JSON.parse reads without complaint but that storing would change, each with the reason it is
 * refused for. Written as text: a JavaScript object cannot even hold most of them.
 */
const changedByStoring: { kind: string; text: string; reason: string }[] = [
  {
    kind: 'a __proto__ key in metadata',
    text: line('proto-metadata', ',"metadata":{"source":"x","__proto__":{"admin":true}}'),
    reason: 'metadata.__proto__: the key "__proto__" is not allowed: JavaScript takes it for the object\'s prototype and would drop it; rename it',
  },
  {
    kind: 'a __proto__ key in params, written with an escape',
    text: line('proto-params', ',"completions":[{"content":"A.","params":{"\\u005f_proto__":1}},{"content":"B."}]'),
    reason: 'completions.0.params.__proto__: the key "__proto__" is not allowed: JavaScript takes it for the object\'s prototype and would drop it; rename it',
  },
  {
    kind: 'a number beyond a float’s range',
    text: line('huge', ',"metadata":{"score":1e400}'),
    reason: "metadata.score: 1e400 is too large to store: beyond ±1.8e308, a 64-bit float's range, it would become null; write it as a string",
  },
  {
    kind: 'a number too small for a float',
    text: line('tiny', ',"metadata":{"p":[0.5,1e-400]}'),
    reason: 'metadata.p.1: 1e-400 is too small to store (it would become 0); write it as a string',
  },
  {
    kind: 'an integer beyond 2^53',
    text: line('big-int', ',"metadata":{"n":12345678901234567890}'),
    reason:
      'metadata.n: 12345678901234567890 cannot be stored exactly: an integer beyond ±9007199254740991 (2^53 − 1) is rounded to a 64-bit float; write it as a string',
  },
  {
    kind: 'an integer beyond 2^53 in params',
    text: line('big-seed', ',"completions":[{"content":"A.","params":{"seed":-9007199254740993}},{"content":"B."}]'),
    reason:
      'completions.0.params.seed: -9007199254740993 cannot be stored exactly: an integer beyond ±9007199254740991 (2^53 − 1) is rounded to a 64-bit float; write it as a string',
  },
  {
    kind: 'a key twice in metadata',
    text: line('duplicate-metadata', ',"metadata":{"id":1,"tags":["a"],"id":2}'),
    reason: 'duplicate key "id" in the object at metadata: only one of its values could be kept; remove or rename one',
  },
  {
    kind: 'a field twice in the line',
    text: '{"id":"duplicate-field","messages":[{"role":"user","content":"Hi?"}],"messages":[{"role":"user","content":"Bye?"}]}',
    reason: 'duplicate key "messages" in the line\'s top-level object: only one of its values could be kept; remove or rename one',
  },
];

/** Values next to those limits, and keys that only look like those, which storing keeps unchanged: none may be refused. */
const exactMetadata = String.raw`{"max":9007199254740991,"min":-9007199254740991,"small":1.5e-300,"large":1.7e308,"zero":0e-400,"price":0.1,"long":"12345678901234567890","text":"__proto__","constructor":{"prototype":1},"a":{"id":1},"b":{"id":1}}`;
const exactLine = line('exact', `,"metadata":${exactMetadata}`);

/** A good line, a blank one, then every line storing would change: the bad lines are 3, 4, … */
const fidelityFile = () => [JSON.stringify(conversation('good')), '', ...changedByStoring.map((c) => c.text)].join('\n') + '\n';
const fidelityErrors = changedByStoring.map((c, i) => ({ line: i + 3, message: c.reason, problems: [c.reason] }));

async function postImport(server: Awaited<ReturnType<typeof startServer>>, slug: string, body: string, query = '') {
  const { token } = await server.user('researcher');
  const res = await fetch(`${server.url}/api/v1/projects/${slug}/import${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  return { status: res.status, body: await res.json() };
}

const conversationsIn = (sqlite: Database.Database) => (sqlite.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number }).n;

function countsIn(dbFile: string) {
  const sqlite = new Database(dbFile, { readonly: true });
  try {
    return {
      conversations: conversationsIn(sqlite),
      audits: (sqlite.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'import'").get() as { n: number }).n,
    };
  } finally {
    sqlite.close();
  }
}

function writeFile(text: string): string {
  const file = path.join(tempDir(), 'import.jsonl');
  fs.writeFileSync(file, text);
  return file;
}

/** A fresh database file with one project, for the CLI. */
function databaseWithProject(slug: string): string {
  const db = freshDbFile();
  const handle = openDatabase(db);
  createProject(handle, { name: slug, slug }, null);
  handle.sqlite.close();
  return db;
}

describe('lines that storing would change', () => {
  it('are refused with their line numbers by the dry run and the import alike, and nothing is written', async () => {
    const server = await startServer();
    const slug = server.project();
    for (const query of ['?dryRun=true', '']) {
      const { status, body } = await postImport(server, slug, fidelityFile(), query);
      expect(status, query).toBe(400);
      expect(body.errors, query).toEqual(fidelityErrors);
      expect(body.imported).toBe(false);
    }
    expect(conversationsIn(server.db.sqlite)).toBe(0);
  });

  it('the CLI refuses them as <file>:<line>: <reason> and writes nothing', async () => {
    const db = databaseWithProject('fidelity');
    const file = writeFile(fidelityFile());
    for (const dryRun of [['--dry-run'], []]) {
      const run = await runCli(['--db', db, 'import', file, '--project', 'fidelity', ...dryRun]);
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain(fidelityErrors.map((e) => `${file}:${e.line}: ${e.message}`).join('\n'));
    }
    expect(countsIn(db).conversations).toBe(0);
  });

  it('a line nested too deep is still refused before it is parsed, even with such a number before the nesting', async () => {
    const server = await startServer();
    const slug = server.project();
    const deep = line('deep', `,"metadata":{"score":1e400,"deep":${'['.repeat(100)}${']'.repeat(100)}}`);
    const { status, body } = await postImport(server, slug, `${deep}\n`, '?dryRun=true');
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ line: 1, message: 'nested more than 64 levels deep', problems: ['nested more than 64 levels deep'] }]);
  });

  it('values close to those, which are stored exactly, import and are kept as written', async () => {
    const server = await startServer();
    const slug = server.project();
    const { status, body } = await postImport(server, slug, `${exactLine}\n`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ imported: true, conversations: 1 });
    const stored = server.db.sqlite.prepare("SELECT metadata FROM conversations WHERE external_id = 'exact'").get() as { metadata: string };
    // The same values, written back as JSON.stringify writes them (1.7e308 as 1.7e+308, 0e-400 as 0).
    expect(JSON.parse(stored.metadata)).toEqual(JSON.parse(exactMetadata));
    expect(stored.metadata).toContain('"max":9007199254740991,"min":-9007199254740991');
  });
});

describe('an empty file', () => {
  it('is refused with 400 import.empty, by the dry run and the import, whether 0 bytes or only blank lines', async () => {
    const server = await startServer();
    const slug = server.project();
    for (const file of ['', '\n\n  \n\r\n']) {
      for (const query of ['?dryRun=true', '']) {
        const { status, body } = await postImport(server, slug, file, query);
        expect(status, `${JSON.stringify(file)} ${query}`).toBe(400);
        expect(body.error).toMatchObject({ code: 'import.empty', message: 'The file is empty: no lines to import (it has no lines, or only blank ones).' });
      }
    }
    expect(conversationsIn(server.db.sqlite)).toBe(0);
  });

  it('makes the CLI exit 1 saying so, with --dry-run or without', async () => {
    const db = databaseWithProject('empty');
    const file = writeFile('\n\n');
    for (const dryRun of [['--dry-run'], []]) {
      const run = await runCli(['--db', db, 'import', file, '--project', 'empty', ...dryRun]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('The file is empty: no lines to import');
    }
  });
});

describe('imports into one project at the same time', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify(conversation(`c${i}`, 2))).join('\n') + '\n';

  it('report what they wrote: an import that finds its lines written by another since its check says so', async () => {
    const server = await startServer();
    const slug = server.project();
    const file = writeFile(lines(50));
    // A second connection to the same file, as the CLI or a second server has.
    const other = openDatabase(server.db.file);
    let second: ReturnType<typeof importFile> | undefined;
    let checkingReports = 0;
    const first = await importFile(server.db, getProject(server.db, slug), file, {
      actorId: null,
      // A file this small is read in one chunk: the first report comes with its first line, the second
      // once every line is checked. The other import runs in between the check and the writing.
      onProgress: (_read, _total, phase) => {
        if (phase === 'checking' && ++checkingReports === 2) second = importFile(other, getProject(other, slug), file, { actorId: null });
      },
    });
    expect(await second).toMatchObject({ imported: true, conversations: 50, skippedExisting: 0 });
    other.sqlite.close();
    expect(first).toMatchObject({ imported: false, conversations: 0, comparisons: 0, skippedExisting: 50 });
    expect(countsIn(server.db.file)).toEqual({ conversations: 50, audits: 1 });
  });

  it('two `ordinal import`s of one file at once, both checked before either writes, store it once and only one reports it imported', async () => {
    const db = databaseWithProject('race');
    const n = 2000;
    const file = writeFile(lines(n));
    // Someone else holds the write lock while both imports check the file; then they write one after the other.
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    const runs = [runCli(['--db', db, 'import', file, '--project', 'race']), runCli(['--db', db, 'import', file, '--project', 'race'])];
    await new Promise((resolve) => setTimeout(resolve, 3000));
    holder.exec('ROLLBACK');
    holder.close();
    const reports = (await Promise.all(runs)).map((run) => {
      expect(run.status, run.stderr).toBe(0);
      const [, imported, skipped] = /^Imported (\d+) conversations .*, (\d+) already imported/.exec(run.stdout)!;
      return [Number(imported), Number(skipped)];
    });
    expect(reports.sort()).toEqual([
      [0, n],
      [n, 0],
    ]);
    expect(countsIn(db)).toEqual({ conversations: n, audits: 1 });
  });
});
