import { statementsFor, type Db } from '#server/db/client.ts';

const insert = statementsFor(({ sqlite }) =>
  sqlite.prepare<[number | null, string, string | null, string | null, number]>(
    'INSERT INTO audit_log (user_id, action, subject, details, created_at) VALUES (?, ?, ?, ?, ?)',
  ),
);

/** Records who did what. Call inside the transaction of the change it describes. */
export function audit(db: Db, userId: number | null, action: string, subject: string | null, details?: Record<string, unknown>) {
  insert(db).run(userId, action, subject, details === undefined ? null : JSON.stringify(details), Date.now());
}
