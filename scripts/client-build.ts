import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newest } from './newest.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the web app into dist/client with Vite, unless (without `force`) the build is newer
 * than every client and shared source, the Vite config and the installed dependencies.
 */
export function buildClient({ force = false } = {}): boolean {
  const index = path.join(root, 'dist/client/index.html');
  const sources = Math.max(...['client', 'shared', 'vite.config.ts', 'package-lock.json'].map((p) => newest(path.join(root, p))));
  if (!force && fs.existsSync(index) && fs.statSync(index).mtimeMs > sources) return false;
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  return true;
}
