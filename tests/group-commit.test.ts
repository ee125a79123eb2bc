import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase, openReadConnection, SERVER_BUSY_TIMEOUT_MS, type Db } from '#server/db/client.ts';
import { AppError } from '#server/http/errors.ts';
import { freshDbFile, startServer } from './support/app.ts';

let db: Db;
afterEach(() => db?.sqlite.close());

const note = (db: Db, subject: string) =>
  db.sqlite.prepare("INSERT INTO audit_log (user_id, action, subject, details, created_at) VALUES (NULL, 'test', ?, NULL, 0)").run(subject);
const storedSubjects = (file: string) => {
  const reader = openReadConnection(file);
  try {
    return reader.prepare("SELECT subject FROM audit_log WHERE action = 'test' ORDER BY id").pluck().all() as string[];
  } finally {
    reader.close();
  }
};

describe('group commit of the hot writes', () => {
  it('commits changes asked for together in one transaction, and answers each caller only once it is durable', async () => {
    db = openDatabase(freshDbFile());
    const answers = ['a', 'b', 'c'].map((subject) => db.grouped(() => (note(db, subject), subject.toUpperCase())));
    // Nothing has run yet, and no transaction is left open for other code to stumble into.
    expect(db.sqlite.inTransaction).toBe(false);
    expect(storedSubjects(db.file)).toEqual([]);
    expect(await Promise.all(answers)).toEqual(['A', 'B', 'C']);
    expect(storedSubjects(db.file)).toEqual(['a', 'b', 'c']);
  });

  it('rolls back a change that fails on its own: its caller gets the error, the others are stored', async () => {
    db = openDatabase(freshDbFile());
    const refused = new AppError(409, 'test.refused', 'No.');
    const results = await Promise.allSettled([
      db.grouped(() => note(db, 'first')),
      db.grouped(() => {
        note(db, 'half-written');
        throw refused;
      }),
      db.grouped(() => note(db, 'last')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(refused);
    expect(storedSubjects(db.file)).toEqual(['first', 'last']);
  });

  it('tells every caller that nothing was stored when the transaction cannot commit, and the next batch works', async () => {
    db = openDatabase(freshDbFile());
    const results = await Promise.allSettled([
      db.grouped(() => note(db, 'innocent')),
      db.grouped(() => {
        // A foreign key checked only at COMMIT: the whole transaction fails there.
        db.sqlite.pragma('defer_foreign_keys = ON');
        db.sqlite.prepare("INSERT INTO assignments (comparison_id, user_id, shown_order, leased_at, expires_at) VALUES (999999, 999999, '[]', 0, 0)").run();
      }),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as AppError;
      expect([error.status, error.code]).toEqual([503, 'db.unavailable']);
      expect(error.message).toMatch(/nothing was saved/);
    }
    expect(storedSubjects(db.file)).toEqual([]);
    expect(db.sqlite.inTransaction).toBe(false);

    await db.grouped(() => note(db, 'later'));
    expect(storedSubjects(db.file)).toEqual(['later']);
  });

  it('waits for another connection holding the write lock without blocking the event loop, then stores every change that arrived meanwhile', async () => {
    db = openDatabase(freshDbFile(), { serving: true });
    // Another process's import batch, holding the write lock.
    const other = new Database(db.file);
    other.exec('BEGIN IMMEDIATE');
    const first = db.grouped(() => note(db, 'before the lock was free'));
    // The event loop turns while the batch waits: timers fire, and later changes join the batch.
    let turns = 0;
    const counting = setInterval(() => turns++, 5);
    await expect.poll(() => turns).toBeGreaterThan(20);
    const second = db.grouped(() => note(db, 'also waiting'));
    expect(storedSubjects(db.file)).toEqual([]);
    other.exec('COMMIT');
    other.close();
    await Promise.all([first, second]);
    clearInterval(counting);
    expect(storedSubjects(db.file)).toEqual(['before the lock was free', 'also waiting']);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(SERVER_BUSY_TIMEOUT_MS);
  });

  it('answers another write 503 db.busy, not 500, when another connection holds the lock past the short wait', async () => {
    const server = await startServer();
    const slug = server.project();
    const researcher = await server.user('researcher');
    const other = new Database(server.db.file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const refused = await researcher.api('PATCH', `/projects/${slug}`, { name: 'renamed' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('db.busy');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await researcher.api('PATCH', `/projects/${slug}`, { name: 'renamed' })).status).toBe(200);
  });
});
