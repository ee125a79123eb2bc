#!/usr/bin/env node
// The `ordinal` command. After `npm run build` (which `npm start` runs) it is the compiled CLI in
// dist/server, as long as that is newer than every source; otherwise the TypeScript runs through tsx.
import { compiledCli, compiledCliIsFresh } from '../scripts/server-build.js';

if (compiledCliIsFresh()) {
  await import(compiledCli);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/cli/main.ts');
}
