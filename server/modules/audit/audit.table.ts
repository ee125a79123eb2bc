import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, id, json } from '#server/db/columns.ts';
import { users } from '#server/modules/users/users.table.ts';

/** Who did what: logins, imports, exports, project and user changes, rankings. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: id(),
    /** Null for the system or a command run without a user. */
    userId: integer('user_id').references(() => users.id),
    action: text('action').notNull(),
    /** What was acted on, e.g. "project:demo" or "comparison:42". */
    subject: text('subject'),
    details: json<Record<string, unknown>>('details'),
    at: createdAt(),
  },
  (t) => [index('audit_log_user_id_idx').on(t.userId), index('audit_log_at_idx').on(t.at)],
);
