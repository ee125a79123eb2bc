import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
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

function applyPragmas(sqlite: Sqlite) {
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode loses no committed transaction on a process crash (only, at worst, on power loss).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 15000');
}

/** Opens (creating if needed) the database file and brings its schema up to date. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  applyPragmas(sqlite);
  const orm = drizzle(sqlite);
  migrate(orm, { migrationsFolder });
  return { orm, sqlite, file, grouped: createGroupCommit(sqlite) };
}

/**
 * A second, read-only connection for long reads (exports): better-sqlite3 allows nothing else on a
 * connection while a statement iterates, and a read transaction here sees one consistent snapshot.
 */
export function openReadConnection(file: string): Sqlite {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 15000');
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
