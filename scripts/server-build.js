// The compiled CLI: `npm run build` bundles the server's TypeScript into dist/server/cli.mjs, so that
// `ordinal` starts without compiling TypeScript and without tsx's loader thread (about 25 MB).
// Plain JavaScript, because bin/ordinal.js asks it which CLI to run before TypeScript can load.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newest } from './newest.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const compiledCli = path.join(root, 'dist/server/cli.mjs');
/** The worker threads' entry (server/workers/worker.ts), which the compiled CLI's pool loads from beside it. */
const compiledWorker = path.join(root, 'dist/server/worker.mjs');
/** The newest source time the compiled CLI was built from (read before building, so an edit saved meanwhile counts as newer). */
const stamp = path.join(root, 'dist/server/cli.sources-time');
/** What the compiled CLI is made of, and how: it is stale once any of these is newer. */
const sources = ['server', 'shared', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/server-build.js'];

const sourcesTime = () => Math.max(...sources.map((p) => newest(path.join(root, p))));

/** Whether dist/server/cli.mjs (and its worker) was built from the sources as they are now. */
export function compiledCliIsFresh() {
  if (![compiledCli, compiledWorker, stamp].every((file) => fs.existsSync(file))) return false;
  return Number(fs.readFileSync(stamp, 'utf8')) >= sourcesTime();
}

/** Bundles server/cli/main.ts and the worker with esbuild (dependencies stay in node_modules), unless they are fresh. */
export async function buildServer({ force = false } = {}) {
  if (!force && compiledCliIsFresh()) return false;
  const builtFrom = sourcesTime();
  const { build } = await import('esbuild');
  const { outputFiles } = await build({
    entryPoints: [
      { in: path.join(root, 'server/cli/main.ts'), out: path.basename(compiledCli, '.mjs') },
      { in: path.join(root, 'server/workers/worker.ts'), out: path.basename(compiledWorker, '.mjs') },
    ],
    outdir: path.dirname(compiledCli),
    outExtension: { '.js': '.mjs' },
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
  for (const [file, contents] of [...outputFiles.map((f) => [f.path, f.contents]), [stamp, String(builtFrom)]]) {
    fs.writeFileSync(`${file}.tmp`, contents);
    fs.renameSync(`${file}.tmp`, file);
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer({ force: true });
