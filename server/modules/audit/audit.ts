import type { Db } from '#server/db/client.ts';
import { auditLog } from './audit.table.ts';

/** Records who did what. Call inside the transaction of the change it describes. */
export function audit(db: Db, userId: number | null, action: string, subject: string | null, details?: Record<string, unknown>) {
  db.orm.insert(auditLog).values({ userId, action, subject, details }).run();
}
