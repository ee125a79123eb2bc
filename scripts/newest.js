// Shared by the client and server builds (plain JavaScript: bin/ordinal.js reads it before TypeScript can load).
import fs from 'node:fs';
import path from 'node:path';

/** The newest modification time of a file, or of anything below a folder. */
export function newest(target) {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((max, name) => Math.max(max, newest(path.join(target, name))), 0);
}
