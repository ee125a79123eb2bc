#!/usr/bin/env node
// The `ordinal` command. The code is TypeScript run through tsx, so there is no server build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
