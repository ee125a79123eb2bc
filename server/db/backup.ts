import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '#server/http/errors.ts';
import { backupCorrupt, backupExists, backupNotFound, backupNotOrdinal, restoreInUse, restoreSameFile } from './db.errors.ts';
import type { Db } from './client.ts';

/** The table drizzle's migrator keeps; a file without it is not an Ordinal database. */
const MIGRATIONS_TABLE = '__drizzle_migrations';

const isBusy = (error: unknown) => error instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(error.code);

/**
 * Where a copy is written before it gets its final name: beside the target, so the rename stays on
 * one file system, and named after this process, so a killed attempt's leftover blocks nothing.
 */
function tempNameFor(target: string) {
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
}

/** Removes what earlier, killed attempts at `target` left behind (their process is gone). */
function removeLeftovers(target: string) {
  const prefix = `.${path.basename(target)}.partial-`;
  for (const name of fs.readdirSync(path.dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && processIsAlive(pid)) continue;
    fs.rmSync(path.join(path.dirname(target), name), { force: true });
  }
}

function processIsAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fsyncFile(file: string) {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename in `dir` survive power loss; some platforms cannot open a directory, and then there is nothing to do. */
function fsyncDir(dir: string) {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    /* not supported for directories here */
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Throws unless `file` is a sound Ordinal database: `PRAGMA integrity_check` says ok and it has the
 * migrations table. Opened read-only, so checking a backup never changes it.
 */
export function assertSoundOrdinalDatabase(file: string, what: string) {
  if (!fs.existsSync(file)) throw backupNotFound(what, file);
  let sqlite: Database.Database | undefined;
  let problems: string[];
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
    problems = sqlite
      .prepare<[], string>('PRAGMA integrity_check(3)')
      .pluck()
      .all()
      .flatMap((line) => line.split('\n'))
      .filter((line) => line !== 'ok' && !line.startsWith('***'));
    if (problems.length === 0) {
      const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MIGRATIONS_TABLE);
      if (!table) throw backupNotOrdinal(what, file, MIGRATIONS_TABLE);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    problems = [(error as Error).message];
  } finally {
    sqlite?.close();
  }
  if (problems.length > 0) throw backupCorrupt(what, file, problems);
}

/**
 * Copies the database to `target`, which must not exist, in a way that finishes however busy the
 * server is. SQLite's online backup API starts over whenever another connection commits, so under
 * steady load it never ends; `VACUUM INTO` reads one snapshot (WAL readers do not block writers,
 * nor writers them), writes a compact copy to a temp file beside the target, and is then checked
 * (`integrity_check`), synced and given its final name with a hard link, which fails rather than
 * overwrite a file that appeared meanwhile.
 */
export function backupDatabase(db: Db, target: string) {
  if (fs.existsSync(target)) throw backupExists(target);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  removeLeftovers(target);
  const temp = tempNameFor(target);
  fs.rmSync(temp, { force: true });
  try {
    db.sqlite.prepare('VACUUM INTO ?').run(temp);
    assertSoundOrdinalDatabase(temp, 'The new backup');
    fsyncFile(temp);
    publish(temp, target);
  } finally {
    fs.rmSync(temp, { force: true });
  }
  fsyncDir(path.dirname(path.resolve(target)));
}

/** Gives `temp` the name `target` unless `target` exists by now. */
function publish(temp: string, target: string) {
  try {
    fs.linkSync(temp, target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw backupExists(target);
    // A file system without hard links: check, then rename (not atomic against a racing writer of the same name).
    if (fs.existsSync(target)) throw backupExists(target);
    fs.renameSync(temp, target);
  }
}

/**
 * Refuses unless no other connection has `file` open. A connection to a WAL database holds a shared
 * lock on the file for as long as it is open, even idle, so taking an exclusive lock (what
 * `locking_mode = EXCLUSIVE` does on the first read) fails exactly while a server or command uses it.
 * A plain `BEGIN EXCLUSIVE` would not do: in WAL mode it only excludes other writers, and an idle
 * server holds no write lock. When the lock is ours, closing this connection checkpoints a stale WAL
 * left by a killed server into the old file and deletes it, as any last connection does.
 */
function assertNotInUse(file: string) {
  if (!fs.existsSync(file)) return;
  const sqlite = new Database(file, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 200');
    sqlite.pragma('locking_mode = EXCLUSIVE');
    try {
      sqlite.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (error) {
      if (isBusy(error)) {
        throw restoreInUse(file);
      }
      // Anything else (a damaged file) came after the lock was taken: nobody else has it open.
    }
  } finally {
    sqlite.close();
  }
}

/**
 * Replaces the database `file` with the backup `source`: refuses while the file is in use, checks
 * that the backup is a sound Ordinal database, removes the stale -wal and -shm a killed server left
 * (SQLite would otherwise replay that WAL onto the restored file), and swaps the copy in atomically:
 * written to a temp file in the same folder, synced, renamed over.
 */
export async function restoreDatabase(file: string, source: string, onProgress?: (done: number, total: number) => void) {
  if (path.resolve(file) === path.resolve(source)) throw restoreSameFile();
  assertSoundOrdinalDatabase(source, 'The backup');
  assertNotInUse(file);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  removeLeftovers(file);
  const temp = tempNameFor(file);
  fs.rmSync(temp, { force: true });
  try {
    // The online backup copies page for page and reads through any WAL beside the backup; nobody
    // writes to the backup, so it does not restart.
    const reader = new Database(source, { readonly: true, fileMustExist: true });
    try {
      await reader.backup(temp, {
        progress: ({ totalPages, remainingPages }) => {
          onProgress?.(totalPages - remainingPages, totalPages);
          return 1000;
        },
      });
    } finally {
      reader.close();
    }
    fsyncFile(temp);
    assertNotInUse(file);
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
    fs.renameSync(temp, file);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${temp}${suffix}`, { force: true });
  }
  fsyncDir(path.dirname(path.resolve(file)));
}
