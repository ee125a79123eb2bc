import type { Db } from '#server/db/client.ts';
import { pathTo } from '#server/modules/conversations/conversations.repository.ts';
import { insertMessage, writerStatements } from '#server/modules/conversations/conversations.writer.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { audit } from '#server/modules/audit/audit.ts';
import type { Sample } from '#shared/models.ts';
import { endpointOf } from './endpoint.ts';
import { sampleCompletions } from './model-client.ts';

/** Imported prompts still waiting for candidates: user messages that end an imported conversation. */
const WAITING = `
  FROM messages m JOIN conversations v ON v.id = m.conversation_id
  WHERE v.project_id = ? AND v.source = 'import' AND m.role = 'user'
    AND NOT EXISTS (SELECT 1 FROM messages c WHERE c.parent_id = m.id)`;

export const countWaitingPrompts = (db: Db, project: ProjectRow) =>
  db.sqlite.prepare<[number], { n: number }>(`SELECT count(*) AS n ${WAITING}`).get(project.id)!.n;

const waitingPrompts = (db: Db, project: ProjectRow) =>
  db.sqlite.prepare<[number], { id: number; conversationId: number }>(`SELECT m.id, m.conversation_id AS conversationId ${WAITING} ORDER BY m.id`).all(project.id);

/** A sample's text and provenance as message columns. */
export const sampleProvenance = (sample: Sample) => ({
  content: sample.content,
  model: sample.model,
  params: JSON.stringify(sample.params),
  finishReason: sample.finishReason,
  usage: sample.usage ? JSON.stringify(sample.usage) : null,
  latencyMs: sample.latencyMs,
});

/**
 * Stores model samples as assistant children of `parentMessageId` and makes (or keeps) the
 * comparison that ranks them, in one transaction. Returns null, writing nothing, when `onlyIfEmpty`
 * and the parent already has answers (another run got there first).
 */
export function storeSamples(
  db: Db,
  projectId: number,
  conversationId: number,
  parentMessageId: number,
  samples: Sample[],
  { authorId = null, onlyIfEmpty = false }: { authorId?: number | null; onlyIfEmpty?: boolean } = {},
): number | null {
  const s = writerStatements(db);
  return db.sqlite.transaction((): number | null => {
    const existing = db.sqlite.prepare<[number], { n: number }>('SELECT count(*) AS n FROM messages WHERE parent_id = ?').get(parentMessageId)!.n;
    if (onlyIfEmpty && existing > 0) return null;
    for (const sample of samples) insertMessage(db, { conversationId, parentId: parentMessageId, role: 'assistant', ...sampleProvenance(sample) });
    const comparison = db.sqlite.prepare<[number], { id: number }>('SELECT id FROM comparisons WHERE parent_message_id = ?').get(parentMessageId);
    if (comparison) return comparison.id;
    return Number(s.comparison.run({ projectId, conversationId, parentMessageId, authorId, now: Date.now() }).lastInsertRowid);
  }).immediate();
}

export interface SampleProgress {
  total: number;
  done: number;
  failed: number;
  lastError: string | null;
}

/**
 * Turns every waiting prompt into a comparison with K sampled candidates. Each prompt is sampled
 * whole and written in its own transaction, so an interrupted run leaves finished prompts done,
 * the rest untouched, and a rerun picks up where it stopped, never sampling a prompt twice.
 * Stops early when the endpoint fails several prompts in a row (it is down, not unlucky).
 */
export async function sampleProject(
  db: Db,
  project: ProjectRow,
  options: { k?: number; actorId: number | null; onProgress?: (p: SampleProgress) => void; signal?: AbortSignal; parallel?: number },
): Promise<SampleProgress> {
  const endpoint = endpointOf(project);
  const k = options.k ?? project.sampling.k;
  const prompts = waitingPrompts(db, project);
  const progress: SampleProgress = { total: prompts.length, done: 0, failed: 0, lastError: null };
  options.onProgress?.({ ...progress });
  let next = 0;
  let failuresInARow = 0;
  const worker = async () => {
    while (next < prompts.length && failuresInARow < 3 && !options.signal?.aborted) {
      const prompt = prompts[next++]!;
      try {
        const samples = await sampleCompletions(endpoint, pathTo(db, prompt.id), project.sampling, k);
        storeSamples(db, project.id, prompt.conversationId, prompt.id, samples, { onlyIfEmpty: true });
        progress.done++;
        failuresInARow = 0;
      } catch (error) {
        progress.failed++;
        failuresInARow++;
        progress.lastError = (error as Error).message;
      }
      options.onProgress?.({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 4 }, worker));
  db.sqlite.transaction(() => audit(db, options.actorId, 'sample', `project:${project.slug}`, { k, ...progress }))();
  return progress;
}
