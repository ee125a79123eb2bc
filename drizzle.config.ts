import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './server/modules/**/*.table.ts',
  out: './migrations',
});
