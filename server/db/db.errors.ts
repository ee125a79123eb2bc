import { createErrorFactory } from '#server/http/errors.ts';

export const databaseCorrupt = createErrorFactory({
  status: 500,
  code: 'db.corrupt',
  message: (file: string, detail: string) =>
    `The database ${file} is damaged (${detail}). Stop the server and restore the latest backup with \`ordinal restore <backup> --db ${file}\`.`,
});

export const databaseUnavailable = createErrorFactory({
  status: 503,
  code: 'db.unavailable',
  message: 'The database could not store this change, so nothing was saved. Try again.',
});

/** `what` is "Backup" or "Database": the file a command was given. */
export const backupNotFound = createErrorFactory({
  status: 400,
  code: 'backup.not_found',
  message: (what: string, file: string) => `${what} ${file} does not exist.`,
});

export const backupNotOrdinal = createErrorFactory({
  status: 400,
  code: 'backup.not_ordinal',
  message: (what: string, file: string, table: string) => `${what} ${file} is an SQLite database but not an Ordinal one (it has no ${table} table).`,
});

export const backupCorrupt = createErrorFactory({
  status: 400,
  code: 'backup.corrupt',
  message: (what: string, file: string, problems: string[]) => `${what} ${file} is damaged (${problems.slice(0, 3).join('; ')}).`,
});

export const backupExists = createErrorFactory({
  status: 400,
  code: 'backup.exists',
  message: (target: string) => `${target} exists; choose a new file name.`,
});

export const restoreInUse = createErrorFactory({
  status: 409,
  code: 'restore.in_use',
  message: (file: string) => `${file} is in use (a server or another command has it open); stop the server, then restore.`,
});

export const restoreSameFile = createErrorFactory({
  status: 400,
  code: 'restore.same_file',
  message: 'The backup is the database itself; name another file.',
});
