import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's folder (the one with package.json), found by walking up from this module: the
 * same answer from the TypeScript sources and from the compiled CLI in dist/server.
 */
export const packageRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
})();

/**
 * Where the server keeps HTTP import uploads while it checks and imports them: beside the database
 * (`data/ordinal.db-uploads`, named like SQLite's own `-wal`), not in the system's temporary folder, so
 * that what a killed server leaves behind sits in one known place and is swept at the next start.
 */
export function uploadsDir(dbFile: string): string {
  if (dbFile === ':memory:' || dbFile === '') return path.join(os.tmpdir(), `ordinal-uploads-${process.pid}`);
  return `${path.resolve(dbFile)}-uploads`;
}

/**
 * A temporary name beside `target` (same folder, so renaming it onto `target` is atomic), hidden
 * and marked `.partial`, for a file written in full before it takes its real name.
 */
export function partialFileFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`);
}
