#!/usr/bin/env -S node --max-semi-space-size=4
// The `ordinal` command. After `npm run build` (which `npm start` runs) it is the compiled CLI in
// dist/server, as long as that is newer than every source; otherwise the TypeScript runs through tsx.
//
// --max-semi-space-size=4 (here and in `npm start`): the server's request thread makes much
// short-lived garbage, and with V8's default young generation (3 × 16 MiB) it held some 45 MB more
// under trainers' load than with 3 × 4 MiB, at the same latency (bench/big-project.ts, issue 15).
// The worker threads get the same 12 MiB through their resource limits (server/workers/pool.ts).
import { compiledCli, compiledCliIsFresh } from '../scripts/server-build.js';

if (compiledCliIsFresh()) {
  await import(compiledCli);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/cli/main.ts');
}
