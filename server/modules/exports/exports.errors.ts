import { createErrorFactory } from '#server/http/errors.ts';

/** `export --out <file>` could not write its file. */
export const exportWriteFailed = createErrorFactory({
  status: 500,
  code: 'export.write_failed',
  message: (file: string, reason: string) => `Could not write ${file}: ${reason}`,
});
