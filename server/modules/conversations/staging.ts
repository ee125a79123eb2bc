import crypto from 'node:crypto';
import type { Db } from '#server/db/client.ts';
import { writeInBatches } from '#server/db/batches.ts';
import { deleteUnrankedComparisonsOf, moveComparisons } from '#server/modules/comparisons/comparisons.usecases.ts';
import { deleteEmptyProject, insertHiddenProject, markDataChanged } from '#server/modules/projects/projects.repository.ts';
import { STAGING_SLUG_PREFIX, type ProjectRow } from '#server/modules/projects/projects.table.ts';

/**
 * An import writes its rows in batches, releasing the write lock between them, under a hidden
 * staging project: no route can name it (its slug is one slugSchema never makes) and no list shows
 * it. One last transaction moves them into the import's project, so readers see all of an import
 * or none of it. The staging slug carries the importing process's id: rows staged by a process that
 * is gone (killed mid-import) are swept at the next start.
 */
export interface Staging {
  id: number;
  slug: string;
}

export function createStaging(db: Db, target: ProjectRow): Staging {
  const slug = `${STAGING_SLUG_PREFIX}${process.pid}-${crypto.randomUUID()}`;
  return { id: insertHiddenProject(db, slug, `Import into ${target.slug}, not yet finished`), slug };
}

/** What publishing moved into the project. */
export interface Published {
  conversations: number;
  comparisons: number;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === 'SQLITE_CONSTRAINT_UNIQUE';

/**
 * Moves the staged rows into `target` and removes the staging project. Call inside a transaction.
 * Lines another import published into the project since they were staged (their ids are taken)
 * are dropped from the staging first, so the result counts only what this import added.
 * Messages belong to their conversation, not the project, so they stay where they are.
 */
export function publishStaged(db: Db, staging: Staging, targetId: number): Published {
  const move = db.sqlite.prepare<[number, number]>('UPDATE conversations SET project_id = ? WHERE project_id = ?');
  let conversations: number;
  try {
    conversations = move.run(targetId, staging.id).changes;
  } catch (error) {
    // The statement is undone alone; rare enough (two imports of the same ids at once) to look for the cause only now.
    if (!isUniqueViolation(error)) throw error;
    dropStaged(
      db,
      `SELECT s.id FROM conversations s WHERE s.project_id = ${staging.id}
      AND EXISTS (SELECT 1 FROM conversations t WHERE t.project_id = ${targetId} AND t.external_id = s.external_id)`,
    );
    conversations = move.run(targetId, staging.id).changes;
  }
  const comparisons = moveComparisons(db, staging.id, targetId);
  markDataChanged(db, targetId);
  deleteEmptyProject(db, staging.id);
  return { conversations, comparisons };
}

/** Deletes the staged conversations `ids` (a query on conversations' ids) with their messages and comparisons. */
function dropStaged(db: Db, ids: string) {
  deleteUnrankedComparisonsOf(db, ids);
  db.sqlite.exec(`
    DELETE FROM messages WHERE conversation_id IN (${ids});
    DELETE FROM conversations WHERE id IN (${ids});`);
}

/** Conversations dropped per statement while discarding: small enough that a batch ends on time. */
const DISCARD_CHUNK = 500;

/** Removes a staging project and everything under it, in batches that release the write lock between them. */
export async function discardStaging(db: Db, stagingId: number): Promise<void> {
  await writeInBatches(db, (inTime) => {
    while (inTime()) {
      const left = db.sqlite.prepare<[number], { one: number }>('SELECT 1 AS one FROM conversations WHERE project_id = ? LIMIT 1').get(stagingId);
      if (!left) {
        deleteEmptyProject(db, stagingId);
        return false;
      }
      dropStaged(db, `SELECT id FROM conversations WHERE project_id = ${stagingId} ORDER BY id LIMIT ${DISCARD_CHUNK}`);
    }
    return true;
  });
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The staging projects whose import is gone: the process that made them no longer runs. */
export function abandonedStagings(db: Db): Staging[] {
  const rows = db.sqlite.prepare<[string], Staging>('SELECT id, slug FROM projects WHERE slug LIKE ?').all(`${STAGING_SLUG_PREFIX}%`);
  return rows.filter((row) => {
    const pid = Number(row.slug.slice(STAGING_SLUG_PREFIX.length).split('-')[0]);
    return pid !== process.pid && !isRunning(pid);
  });
}

/** Removes what imports that were killed mid-way staged, in batches. */
export async function sweepAbandonedStagings(db: Db): Promise<number> {
  const abandoned = abandonedStagings(db);
  for (const staging of abandoned) await discardStaging(db, staging.id);
  return abandoned.length;
}
