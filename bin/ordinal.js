#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=100
// The `ordinal` command. After `npm run build` (which `npm start` runs) it is the compiled CLI in
// dist/server, as long as that is newer than every source; otherwise the TypeScript runs through tsx.
//
// Node's flags (here and in `npm start`) keep the server's memory flat under load, at the same
// latency (bench/big-project.ts, issue 15): --max-semi-space-size=4 gives the request thread a young
// generation of 3 × 4 MiB, not 3 × 16 (its requests make much short-lived garbage), and
// --heap-growing-percent=100 lets each thread's old generation grow to twice what survived the last
// full collection before the next, where V8 may otherwise let it grow fourfold. At a million
// rankings the server's peak went from 321 to 251 MB (at 100k: 266 to 204 MB); 50 % made
// collections so frequent that trainers' p99 during an export doubled.
import { compiledCli, compiledCliIsFresh } from '../scripts/server-build.js';

if (compiledCliIsFresh()) {
  await import(compiledCli);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/cli/main.ts');
}
