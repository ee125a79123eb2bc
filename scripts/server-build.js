// The compiled CLI: `npm run build` bundles the server's TypeScript into dist/server/cli.mjs, so that
// `ordinal` starts without compiling TypeScript and without tsx's loader thread (about 25 MB).
// Plain JavaScript, because bin/ordinal.js asks it which CLI to run before TypeScript can load.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const compiledCli = path.join(root, 'dist/server/cli.mjs');
/** What the compiled CLI is made of: it is stale once any of these is newer. */
const sources = ['server', 'shared', 'package.json', 'package-lock.json'];

/** The newest modification time of a file, or of anything below a folder. */
export function newest(target) {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((max, name) => Math.max(max, newest(path.join(target, name))), 0);
}

const sourcesTime = () => Math.max(...sources.map((p) => newest(path.join(root, p))));

/** Whether dist/server/cli.mjs exists and is newer than every server and shared source. */
export function compiledCliIsFresh() {
  return fs.existsSync(compiledCli) && fs.statSync(compiledCli).mtimeMs > sourcesTime();
}

/** Bundles server/cli/main.ts with esbuild (dependencies stay in node_modules), unless it is fresh. */
export async function buildServer({ force = false } = {}) {
  if (!force && compiledCliIsFresh()) return false;
  const { build } = await import('esbuild');
  const { outputFiles } = await build({
    entryPoints: [path.join(root, 'server/cli/main.ts')],
    outfile: compiledCli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  });
  // Written beside, then renamed: a CLI starting meanwhile runs the old file or the new, never half of one.
  fs.mkdirSync(path.dirname(compiledCli), { recursive: true });
  for (const file of outputFiles) {
    fs.writeFileSync(`${file.path}.tmp`, file.contents);
    fs.renameSync(`${file.path}.tmp`, file.path);
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer({ force: true });
