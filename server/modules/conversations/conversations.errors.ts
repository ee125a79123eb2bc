import type { ImportResult } from '#shared/conversations.ts';
import { createErrorFactory } from '#server/http/errors.ts';

export const importEmpty = createErrorFactory({
  status: 400,
  code: 'import.empty',
  message: 'The file is empty: no lines to import (it has no lines, or only blank ones).',
});

/** How a file that is one JSON value, not one per line, is made into JSON Lines. */
const conversions = {
  array:
    "This file is a JSON array; Ordinal reads JSON Lines: one object per line, without the [ ] around them or commas between them. Convert it with: jq -c '.[]' file.json > file.jsonl",
  'pretty-printed':
    'This file is pretty-printed JSON: an object spread over many lines; Ordinal reads JSON Lines: one object per line, each whole on its line. Convert it with: jq -c . file.json > file.jsonl',
};

/** Named once for the whole file, rather than a parser error for each of its lines. */
export const notJsonLines = createErrorFactory({
  status: 400,
  code: 'import.not_json_lines',
  message: (found: keyof typeof conversions) => conversions[found],
});

/** A file with bad lines is the client's mistake: every bad line is in the answer. */
export const invalidLines = createErrorFactory({
  status: 400,
  code: 'import.invalid_lines',
  message: (result: ImportResult) => `${result.errors.length + result.moreErrors} bad line(s); nothing was imported.`,
  details: (result: ImportResult) => result.errors,
});

export const noImportFile = createErrorFactory({ status: 400, code: 'import.no_file', message: (file: string) => `No such file: ${file}` });

export const importNotFound = createErrorFactory({
  status: 404,
  code: 'import.not_found',
  message: (id: string, slug: string) => `No import ${id} in project "${slug}" (finished imports are kept for an hour, and forgotten at a restart).`,
});

export const fileChanged = createErrorFactory({
  status: 409,
  code: 'import.file_changed',
  message: (line: number, problem: string) => `Line ${line} changed while importing: ${problem}`,
});

export const uploadStalled = createErrorFactory({
  status: 408,
  code: 'import.upload_stalled',
  message: (idleMs: number) => `No part of the file arrived for ${idleMs} ms; the upload was closed.`,
});

export const uploadTooLarge = createErrorFactory({
  status: 413,
  code: 'import.too_large',
  message: (limit: number) => `The file is larger than ${limit} bytes.`,
});
