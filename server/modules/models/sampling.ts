import type { Db } from '#server/db/client.ts';
import { pathTo } from '#server/modules/conversations/conversations.repository.ts';
import { insertMessage, writerStatements } from '#server/modules/conversations/conversations.writer.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { audit } from '#server/modules/audit/audit.ts';
import type { Sample, SamplingSettings } from '#shared/models.ts';
import { comparedText, type ChatMessage } from '#shared/conversations.ts';
import { endpointOf, nMemory } from './endpoint.ts';
import { sampleCompletions, type Endpoint, type NMemory } from './model-client.ts';

/** Imported prompts still waiting for candidates: user messages that end an imported conversation. */
const WAITING = `
  FROM messages m JOIN conversations v ON v.id = m.conversation_id
  WHERE v.project_id = ? AND v.source = 'import' AND m.role = 'user'
    AND NOT EXISTS (SELECT 1 FROM messages c WHERE c.parent_id = m.id)`;

export const countWaitingPrompts = (db: Db, project: ProjectRow) =>
  db.sqlite.prepare<[number], { n: number }>(`SELECT count(*) AS n ${WAITING}`).get(project.id)!.n;

const waitingPrompts = (db: Db, project: ProjectRow) =>
  db.sqlite
    .prepare<[number], { id: number; conversationId: number }>(`SELECT m.id, m.conversation_id AS conversationId ${WAITING} ORDER BY m.id`)
    .all(project.id);

/** A sample's text and provenance as message columns. */
export const sampleProvenance = (sample: Sample) => ({
  content: sample.content,
  model: sample.model,
  servedModel: sample.servedModel,
  params: JSON.stringify(sample.params),
  finishReason: sample.finishReason,
  usage: sample.usage ? JSON.stringify(sample.usage) : null,
  latencyMs: sample.latencyMs,
});

/** K distinct, non-empty samples, or why there are none: what a trainer may be asked to rank. */
export type DistinctSamples = { samples: Sample[]; reason?: never } | { samples?: never; reason: string };

/**
 * K samples whose texts differ from each other and from `taken` (texts already among the
 * candidates), leading and trailing whitespace aside (`comparedText`), none empty. A deterministic
 * server (temperature 0, or a seed it honours) can give one text K times: repeated and empty
 * samples are drawn again with other seeds, up to K more in all, and if that is not enough the
 * answer says why in plain words instead of storing them.
 */
export async function sampleDistinct(
  endpoint: Endpoint,
  messages: ChatMessage[],
  sampling: SamplingSettings,
  k: number,
  memory: NMemory,
  taken: string[] = [],
): Promise<DistinctSamples> {
  const kept: Sample[] = [];
  const texts = new Set(taken.map(comparedText));
  const times = new Map<string, number>([...texts].map((t) => [t, 1]));
  let empty = 0;
  for (let drawn = 0; kept.length < k && drawn < 2 * k;) {
    const batch = await sampleCompletions(endpoint, messages, sampling, Math.min(k - kept.length, 2 * k - drawn), memory);
    drawn += batch.length;
    for (const sample of batch) {
      const text = comparedText(sample.content);
      if (!text) {
        empty++;
        continue;
      }
      times.set(text, (times.get(text) ?? 0) + 1);
      if (texts.has(text)) continue;
      texts.add(text);
      kept.push(sample);
    }
  }
  if (kept.length === k) return { samples: kept };
  const most = Math.max(0, ...times.values());
  return {
    reason:
      most > 1
        ? `the model gave the same answer ${most} times; raise the temperature (now ${sampling.temperature})`
        : `the model gave ${empty} empty answer${empty === 1 ? '' : 's'}; check the model and its max tokens (now ${sampling.maxTokens})`,
  };
}

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
  return db.sqlite
    .transaction((): number | null => {
      const existing = db.sqlite.prepare<[number], { n: number }>('SELECT count(*) AS n FROM messages WHERE parent_id = ?').get(parentMessageId)!.n;
      if (onlyIfEmpty && existing > 0) return null;
      for (const sample of samples) insertMessage(db, { conversationId, parentId: parentMessageId, role: 'assistant', ...sampleProvenance(sample) });
      db.sqlite.prepare('DELETE FROM unsampled_prompts WHERE message_id = ?').run(parentMessageId);
      const comparison = db.sqlite.prepare<[number], { id: number }>('SELECT id FROM comparisons WHERE parent_message_id = ?').get(parentMessageId);
      if (comparison) return comparison.id;
      return Number(s.comparison.run({ projectId, conversationId, parentMessageId, authorId, now: Date.now() }).lastInsertRowid);
    })
    .immediate();
}

/** Records why the prompt `messageId` was left without candidates (a later success removes it). */
export const markUnsampled = (db: Db, messageId: number, reason: string) =>
  db.sqlite
    .prepare(
      'INSERT INTO unsampled_prompts (message_id, reason, at) VALUES (?, ?, ?) ON CONFLICT (message_id) DO UPDATE SET reason = excluded.reason, at = excluded.at',
    )
    .run(messageId, reason, Date.now());

/** Imported prompts of the project the last runs could not sample, by reason, most recent reason first. */
export const unsampledByReason = (db: Db, project: ProjectRow) =>
  db.sqlite
    .prepare<[number], { reason: string; prompts: number }>(
      `
      SELECT u.reason, count(*) AS prompts FROM unsampled_prompts u
      JOIN messages m ON m.id = u.message_id JOIN conversations v ON v.id = m.conversation_id
      WHERE v.project_id = ? AND v.source = 'import' GROUP BY u.reason ORDER BY max(u.at) DESC`,
    )
    .all(project.id);

export interface SampleProgress {
  total: number;
  done: number;
  failed: number;
  notSampled: number;
  lastError: string | null;
  advice: string | null;
}

/**
 * What to do about a run's failures, in plain words, or null where there were none. A rerun is
 * advised only where one can help: the server was busy, failing or out of reach.
 */
function adviceFor(progress: SampleProgress, slug: string, lastRetryable: boolean): string | null {
  const advice: string[] = [];
  if (progress.failed) {
    advice.push(
      lastRetryable
        ? 'Run sampling again once the model server answers: prompts already sampled are kept and not sampled again.'
        : `Check the project's model settings (npx ordinal projects test-model ${slug}), then run sampling again.`,
    );
  }
  if (progress.notSampled) advice.push('Raise the temperature (Settings, or projects update --temperature), then run sampling again for the prompts left.');
  return advice.length ? advice.join(' ') : null;
}

/**
 * Turns every waiting prompt into a comparison with K distinct sampled candidates. Each prompt is
 * sampled whole and written in its own transaction, so an interrupted run leaves finished prompts
 * done, the rest untouched, and a rerun picks up where it stopped, never sampling a prompt twice.
 * A prompt whose samples keep repeating is left waiting, with the reason stored. Stops early when
 * the endpoint fails several prompts in a row (it is down, not unlucky). The first prompt goes
 * alone while nobody knows whether the endpoint takes `n`, so that the lesson is paid once.
 */
export async function sampleProject(
  db: Db,
  project: ProjectRow,
  options: { k?: number; actorId: number | null; onProgress?: (p: SampleProgress) => void; signal?: AbortSignal; parallel?: number },
): Promise<SampleProgress> {
  const endpoint = endpointOf(project);
  const memory = nMemory(db, endpoint);
  const k = options.k ?? project.sampling.k;
  const prompts = waitingPrompts(db, project);
  const progress: SampleProgress = { total: prompts.length, done: 0, failed: 0, notSampled: 0, lastError: null, advice: null };
  let lastRetryable = true;
  options.onProgress?.({ ...progress });
  let next = 0;
  let failuresInARow = 0;
  const sampleOne = async (prompt: { id: number; conversationId: number }) => {
    try {
      const result = await sampleDistinct(endpoint, pathTo(db, prompt.id), project.sampling, k, memory);
      if (result.samples) {
        storeSamples(db, project.id, prompt.conversationId, prompt.id, result.samples, { onlyIfEmpty: true });
        progress.done++;
      } else {
        markUnsampled(db, prompt.id, result.reason);
        progress.notSampled++;
      }
      failuresInARow = 0;
    } catch (error) {
      progress.failed++;
      failuresInARow++;
      progress.lastError = (error as Error).message;
      lastRetryable = (error as { details?: { retryable?: boolean } }).details?.retryable !== false;
    }
    progress.advice = adviceFor(progress, project.slug, lastRetryable);
    options.onProgress?.({ ...progress });
  };
  const worker = async () => {
    while (next < prompts.length && failuresInARow < 3 && !options.signal?.aborted) await sampleOne(prompts[next++]!);
  };
  if (memory.takesN === null && k > 1 && prompts.length) await sampleOne(prompts[next++]!);
  await Promise.all(Array.from({ length: options.parallel ?? 4 }, worker));
  db.sqlite.transaction(() => audit(db, options.actorId, 'sample', `project:${project.slug}`, { k, ...progress }))();
  return progress;
}
