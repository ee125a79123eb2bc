import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx', 'shared/**/*.test.ts', 'server/**/*.test.ts', 'client/**/*.test.tsx'],
    globalSetup: ['tests/support/global-setup.ts'],
    env: { LOG_LEVEL: 'silent' },
    testTimeout: 30_000,
    // expect.poll waits as long as a Playwright action (tests/browser/support.ts): 1 s is lost under load.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one file at a time; two kept every test passing with the
    // machine busy and took the suite from 774 s to about 700 s there.
    maxWorkers: 2,
  },
});
