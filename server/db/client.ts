import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { databaseCorrupt } from './db.errors.ts';
import { packageRoot } from '#server/paths.ts';
import { createGroupCommit, type GroupCommit } from './group-commit.ts';

const migrationsFolder = path.join(packageRoot, 'migrations');

export type Sqlite = Database.Database;
export type Orm = ReturnType<typeof drizzle>;
/** The handle every use case receives: the query builder, and the raw driver for hot prepared statements. */
export interface Db {
  orm: Orm;
  sqlite: Sqlite;
  file: string;
  /** Runs a hot write in the next group transaction (see group-commit.ts). */
  grouped: GroupCommit;
}

export const DEFAULT_DB_FILE = './data/ordinal.db';

/**
 * How long the server's connection waits, blocking its thread, for another connection's write
 * lock (a CLI import's batch): briefly. The group commit then waits on without blocking
 * (group-commit.ts); other writes answer 503 db.busy. A CLI command waits as long as it must.
 */
export const SERVER_BUSY_TIMEOUT_MS = 250;
const CLI_BUSY_TIMEOUT_MS = 15_000;

function applyPragmas(sqlite: Sqlite, busyTimeoutMs: number) {
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode loses no committed transaction on a process crash (only, at worst, on power loss).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // A WAL that grew large (a long read held checkpoints back) is cut back to this when it restarts.
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
}

const corrupt = databaseCorrupt;

const isCorruption = (error: unknown) => error instanceof Database.SqliteError && /^SQLITE_(CORRUPT|NOTADB)/.test(error.code);

/**
 * `PRAGMA quick_check` (integrity_check without the index-to-table cross-check): a damaged file is
 * refused at start rather than found half-way through a request. It reads every page, about 0.3 s
 * per 100 MB from the page cache.
 */
function assertIntact(sqlite: Sqlite, file: string) {
  const problems = sqlite
    .prepare<[], string>('PRAGMA quick_check(3)')
    .pluck()
    .all()
    .flatMap((line) => line.split('\n'))
    .filter((line) => line !== 'ok' && !line.startsWith('***'));
  if (problems.length > 0) throw corrupt(file, problems.join('; '));
}

export interface OpenOptions {
  /**
   * Run `PRAGMA quick_check` before anything else: `serve` does, so a damaged file is refused at
   * start. Other commands do not (it reads every page: about 1 s per 150 MB from the page cache,
   * 13 s from a cold disk); damage they meet is reported as it is found.
   */
  check?: boolean;
  /** The connection serves requests: it waits for others' locks only briefly (SERVER_BUSY_TIMEOUT_MS). */
  serving?: boolean;
}

/**
 * Opens (creating if needed) the database file, refuses it if damaged, and brings its schema up to
 * date.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  try {
    applyPragmas(sqlite, options.serving ? SERVER_BUSY_TIMEOUT_MS : CLI_BUSY_TIMEOUT_MS);
    if (file !== ':memory:' && options.check) assertIntact(sqlite, file);
    const orm = drizzle(sqlite);
    migrate(orm, { migrationsFolder });
    return { orm, sqlite, file, grouped: createGroupCommit(sqlite) };
  } catch (error) {
    sqlite.close();
    if (isCorruption(error)) throw corrupt(file, (error as Error).message);
    throw error;
  }
}

/**
 * Gives a connection that goes through a project once (an export, a worker thread's task) a small
 * page cache: what it reads is seldom read again, the operating system caches the file anyway, and
 * the default (16 MB, as better-sqlite3 is built) is memory held for the connection's whole life.
 */
function useSmallPageCache(sqlite: Sqlite): void {
  sqlite.pragma('cache_size = -2000');
}

/** Runs a worker thread's task on a write connection of its own, opened for it and closed after it. */
export async function withTaskConnection<T>(file: string, task: (db: Db) => T | Promise<T>): Promise<T> {
  const db = openDatabase(file);
  useSmallPageCache(db.sqlite);
  try {
    return await task(db);
  } finally {
    db.sqlite.close();
  }
}

/**
 * A second, read-only connection for long reads (exports): better-sqlite3 allows nothing else on a
 * connection while a statement iterates, and a read transaction here sees one consistent snapshot.
 */
export function openReadConnection(file: string): Sqlite {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 15000');
  useSmallPageCache(sqlite);
  return sqlite;
}

/**
 * Runs `work` as one atomic change: on its own, an IMMEDIATE transaction; inside a transaction
 * already open (the group commit's savepoint for this change), as part of it, since that already
 * rolls back alone and a savepoint of our own would only cost two more statements per request.
 */
export function atomically<T>(db: Db, work: () => T): T {
  return db.sqlite.inTransaction ? work() : db.sqlite.transaction(work).immediate();
}

/** A feature's prepared statements, prepared once per database handle and reused on every call. */
export function statementsFor<T>(prepare: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let statements = cache.get(db);
    if (!statements) cache.set(db, (statements = prepare(db)));
    return statements;
  };
}
