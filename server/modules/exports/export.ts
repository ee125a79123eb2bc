import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { openReadConnection, type Db } from '#server/db/client.ts';
import { createGroupCommit } from '#server/db/group-commit.ts';
import { candidateOf } from '#server/modules/comparisons/comparisons.usecases.ts';
import { groupBy, pathsTo, provenanceOfPath } from '#server/modules/conversations/conversations.repository.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { rankedPairs } from '#shared/consensus.ts';
import type { ChatMessage } from '#shared/conversations.ts';
import type { ExportOptions } from '#shared/exports.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import { comparisonAgreement } from '#shared/quality.ts';
import { rankedComparisonRecordCount, rankedComparisonRecords, sftRecord, type ExportedComparison, type RankedComparison } from './exporters.ts';

/**
 * Comparisons per page. Small enough that a page's rows die young: at 500, a page outlived two
 * young-generation collections and was promoted, growing the old generation by ~2 MB a collection.
 */
const BATCH = 100;

/**
 * A prompt's split, from a hash of its text: the context messages the answers answer, system
 * prompt included, each as role and content (Unicode NFC, line ends as \n, outer white space
 * trimmed). The same prompt text is on one side in every format, however often and under whatever
 * ids it was imported, and a re-import into another database splits the same way.
 */
export function splitOf(prompt: ChatMessage[], testShare: number): 'train' | 'test' {
  const normalized = prompt.map((m) => [m.role, m.content.normalize('NFC').replace(/\r\n?/g, '\n').trim()]);
  const bucket = crypto.createHash('sha256').update(JSON.stringify(normalized)).digest().readUInt32BE(0) / 2 ** 32;
  return bucket < testShare ? 'test' : 'train';
}

/**
 * The prompt as the format writes it, which is what its split hashes: `hh` without its system
 * prompt writes the same text for contexts that differ only there, and splitting them apart would
 * put that text on both sides of one export.
 */
const promptAsWritten = (context: ChatMessage[], options: ExportOptions) =>
  options.format === 'hh' && options.hhSystem === 'drop' ? context.filter((m) => m.role !== 'system') : context;

/** What an export left out on purpose, to tell the researcher (the CLI prints it, export/count answers it). */
export interface ExportReport {
  /** openai-dpo with singleTurn: rows whose input held an assistant turn. */
  multiTurnRows: number;
  /** hh: rows whose system prompt was dropped (hhSystem=drop). */
  droppedSystemPrompts: number;
}
export const emptyReport = (): ExportReport => ({ multiTurnRows: 0, droppedSystemPrompts: 0 });

interface ExportedRanking {
  id: number;
  comparisonId: number;
  username: string;
  ranking: string;
  ratings: string;
  flags: string;
  note: string;
  shownOrder: string;
  durationMs: number | null;
  suggestionVisible: number;
  updatedAt: number;
}

/** A candidate as the export reads it; model, params and finishReason only for the native format. */
interface ExportedCandidate {
  parentId: number;
  id: number;
  content: string;
  model?: string | null;
  params?: string | null;
  finishReason?: string | null;
}

/**
 * What an export reads: everything its records hold, or, to count them, no text at all (how many
 * records a ranking gives depends only on the ranking and the candidates' ids).
 */
type Reading = 'records' | 'count';

function* rankedComparisons(db: Db, project: ProjectRow, options: ExportOptions, reading: Reading): Generator<RankedComparison> {
  // The (project_id, id) index gives one project's comparisons in id order from `after`: each is read
  // once, and no page sorts the project again (the queue's index, with `done` between, could not).
  const page = db.sqlite.prepare<
    [number, number, number],
    { id: number; parentMessageId: number; sourceId: string; metadata: string | null; goldRanking: string | null }
  >(`
    SELECT c.id, c.parent_message_id AS parentMessageId, v.external_id AS sourceId, v.metadata, c.gold_ranking AS goldRanking
    FROM comparisons c JOIN conversations v ON v.id = c.conversation_id
    WHERE c.project_id = ? AND c.id > ? AND c.ranking_count > 0
    ORDER BY c.id LIMIT ?`);
  const rankingsOf = db.sqlite.prepare<[string], ExportedRanking>(`
    SELECT r.id, r.comparison_id AS comparisonId, u.username, r.ranking, r.ratings, r.flags, r.note,
           r.shown_order AS shownOrder, r.duration_ms AS durationMs, r.suggestion_visible AS suggestionVisible, r.updated_at AS updatedAt
    FROM rankings r JOIN users u ON u.id = r.user_id
    WHERE r.comparison_id IN (SELECT value FROM json_each(?))
    ORDER BY r.comparison_id, r.id`);
  // Only the native format writes a candidate's model, sampling params and finish reason. The other
  // formats read just the text: this is the export's largest query, and three columns fewer halve it.
  const native = options.format === 'rankings';
  const columns = reading === 'count' ? "'' AS content" : native ? 'content, model, params, finish_reason AS finishReason' : 'content';
  const candidatesOf = db.sqlite.prepare<[string], ExportedCandidate>(`
    SELECT parent_id AS parentId, id, ${columns}
    FROM messages WHERE parent_id IN (SELECT value FROM json_each(?)) AND role = 'assistant' ORDER BY parent_id, id`);

  // Earlier versions of a ranking, oldest first: its current version is the ranking itself.
  const revisionsOf = db.sqlite.prepare<
    [string],
    { rankingId: number; revision: number; ranking: string; ratings: string; flags: string; note: string; durationMs: number | null; submittedAt: number }
  >(`
    SELECT v.ranking_id AS rankingId, v.revision, v.ranking, v.ratings, v.flags, v.note, v.duration_ms AS durationMs, v.submitted_at AS submittedAt
    FROM ranking_revisions v JOIN rankings r ON r.id = v.ranking_id
    WHERE v.ranking_id IN (SELECT value FROM json_each(?)) AND v.revision < r.revision ORDER BY v.ranking_id, v.revision`);
  for (let after = 0; ;) {
    const comparisons = page.all(project.id, after, BATCH);
    if (!comparisons.length) return;
    after = comparisons.at(-1)!.id;
    // The split hashes each prompt's text, so a split export reads the contexts even to count.
    const contexts =
      reading === 'records' || options.split
        ? pathsTo(
            db,
            comparisons.map((c) => c.parentMessageId),
          )
        : new Map<number, ChatMessage[]>();
    const wanted = comparisons.filter(
      (c) => !options.split || splitOf(promptAsWritten(contexts.get(c.parentMessageId) ?? [], options), options.testShare) === options.split,
    );
    const byComparison = groupBy(rankingsOf.all(JSON.stringify(wanted.map((c) => c.id))), (r) => r.comparisonId);
    const history =
      native && options.history && reading === 'records'
        ? groupBy(revisionsOf.all(JSON.stringify([...byComparison.values()].flat().map((r) => r.id))), (v) => v.rankingId)
        : null;
    const candidatesByParent = groupBy(candidatesOf.all(JSON.stringify(wanted.map((c) => c.parentMessageId))), (m) => m.parentId);
    for (const c of wanted) {
      const rows = byComparison.get(c.id) ?? [];
      if (!rows.length) continue;
      // Comparisons ranked once have no agreement and are left out, as are those with no untied shared pair.
      if (options.minAgreement !== undefined && !((comparisonAgreement(rows.map((r) => JSON.parse(r.ranking) as RankingGroups)) ?? -1) >= options.minAgreement))
        continue;
      const comparison: ExportedComparison = {
        comparisonId: String(c.id),
        sourceId: c.sourceId,
        metadata: native && c.metadata ? (JSON.parse(c.metadata) as Record<string, unknown>) : null,
        goldRanking: native && c.goldRanking ? (JSON.parse(c.goldRanking) as RankingGroups) : null,
        project: project.slug,
        context: contexts.get(c.parentMessageId) ?? [],
        contextProvenance: native && reading === 'records' ? provenanceOfPath(db, c.parentMessageId) : [],
        candidates: (candidatesByParent.get(c.parentMessageId) ?? []).map((m) => {
          const { finishReason, ...candidate } = candidateOf(m);
          return { ...candidate, finish_reason: finishReason };
        }),
      };
      if (options.rows === 'consensus') {
        const consensus = rankedPairs(
          comparison.candidates.map((m) => m.id),
          rows.map((r) => JSON.parse(r.ranking) as RankingGroups),
        );
        yield {
          comparison,
          ranking: consensus.ranking,
          consensusPairs: consensus.pairs,
          annotator: 'consensus',
          annotators: rows.map((r) => r.username),
          ratings: {},
          flags: {},
          note: '',
          shownOrder: null,
          durationMs: null,
          suggestionVisible: false,
          createdAt: new Date(Math.max(...rows.map((r) => r.updatedAt))).toISOString(),
        };
        continue;
      }
      for (const r of rows) {
        yield {
          comparison,
          ranking: JSON.parse(r.ranking),
          annotator: r.username,
          annotators: [r.username],
          // Only the native format carries ratings and flags: other formats skip parsing them.
          ratings: options.format === 'rankings' ? JSON.parse(r.ratings) : {},
          flags: options.format === 'rankings' ? JSON.parse(r.flags) : {},
          note: r.note,
          shownOrder: options.format === 'rankings' || options.withFeatures ? JSON.parse(r.shownOrder) : null,
          durationMs: r.durationMs,
          suggestionVisible: r.suggestionVisible === 1,
          createdAt: new Date(r.updatedAt).toISOString(),
          ...(history && {
            history: (history.get(r.id) ?? []).map((v) => ({
              revision: v.revision,
              ranking: JSON.parse(v.ranking) as RankingGroups,
              ratings: JSON.parse(v.ratings) as Record<string, Record<string, number>>,
              flags: JSON.parse(v.flags) as Record<string, string[]>,
              note: v.note,
              duration_ms: v.durationMs,
              created_at: new Date(v.submittedAt).toISOString(),
            })),
          }),
        };
      }
    }
  }
}

/**
 * Demonstrations as their last message and their dialogue, in the split of their prompt: the
 * messages before the final assistant turn, as for a comparison, so that the same prompt text is
 * on the same side in sft and in the pair formats.
 */
function* demonstrations(db: Db, project: ProjectRow, options: ExportOptions): Generator<{ leaf: number; messages: ChatMessage[] }> {
  const page = db.sqlite.prepare<[number, number, number], { id: number; leafMessageId: number }>(`
    SELECT d.id, d.leaf_message_id AS leafMessageId FROM demonstrations d WHERE d.project_id = ? AND d.id > ? ORDER BY d.id LIMIT ?`);
  for (let after = 0; ;) {
    const rows = page.all(project.id, after, BATCH);
    if (!rows.length) return;
    after = rows.at(-1)!.id;
    const dialogues = pathsTo(
      db,
      rows.map((d) => d.leafMessageId),
    );
    for (const d of rows) {
      const messages = dialogues.get(d.leafMessageId)!;
      if (options.split && splitOf(messages.slice(0, -1), options.testShare) !== options.split) continue;
      yield { leaf: d.leafMessageId, messages };
    }
  }
}

/**
 * A read-only connection of its own inside one read transaction: one consistent snapshot, however
 * long the read takes. `end` commits the transaction and closes the connection.
 */
function openSnapshot(dbFile: string): { db: Db; end: () => void } {
  const sqlite = openReadConnection(dbFile);
  sqlite.exec('BEGIN');
  return {
    // The handle the repositories take; its group commit is never used (and so never prepared): an export writes nothing.
    db: { sqlite, orm: drizzle(sqlite), file: dbFile, grouped: createGroupCommit(sqlite) },
    end: () => {
      sqlite.exec('COMMIT');
      sqlite.close();
    },
  };
}

/** The options for sft's ranked part: with includeTopRanked, each comparison's consensus winner after the demonstrations; else none. */
const sftComparisons = (options: ExportOptions): ExportOptions | null => (options.includeTopRanked ? { ...options, rows: 'consensus' } : null);

/**
 * Every record of an export, one JSON line each, read in pages from one snapshot: memory flat
 * whatever the size, and the same bytes for the same data. The CLI and the API both write exactly these lines.
 */
export function* exportRecords(dbFile: string, project: ProjectRow, options: ExportOptions, report: ExportReport = emptyReport()): Generator<string> {
  const { db, end } = openSnapshot(dbFile);
  try {
    let ranked: ExportOptions | null = options;
    if (options.format === 'sft') {
      for (const { leaf, messages } of demonstrations(db, project, options)) {
        yield `${sftRecord(messages, options.provenance ? provenanceOfPath(db, leaf) : undefined)}\n`;
      }
      ranked = sftComparisons(options);
    }
    if (!ranked) return;
    for (const item of rankedComparisons(db, project, ranked, 'records')) {
      for (const record of rankedComparisonRecords(item, ranked, report)) yield `${record}\n`;
    }
  } finally {
    end();
  }
}

/**
 * exportRecords as a worker task (server/workers/worker.ts), for a download: the records are built
 * in the worker thread and handed over `port` a chunk at a time, so that the request thread only
 * writes them to the socket (server/workers/pool.ts, streamFromWorker). Returns how many it wrote.
 */
export async function exportToPortTask(dbFile: string, { project, options, port }: { project: ProjectRow; options: ExportOptions; port: MessagePort }) {
  try {
    return await writeLines(exportRecords(dbFile, project, options), toPort(port));
  } finally {
    port.close();
  }
}

/** A stream that posts each chunk over `port`, and hears it written once the other end says so (one message back per chunk). */
function toPort(port: MessagePort): Writable {
  const written: Array<() => void> = [];
  port.on('message', () => written.shift()?.());
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(done);
      port.postMessage(chunk);
    },
  });
}

/**
 * How many lines exportRecords writes with these options, and what it leaves out, counted without
 * building any record (and, unless a split or a filter on the text needs it, without reading any text).
 */
/** exportCount as a worker task (server/workers/worker.ts): it reads every record the export would write. */
export const exportCountTask = (dbFile: string, { project, options }: { project: ProjectRow; options: ExportOptions }) => exportCount(dbFile, project, options);

export function exportCount(dbFile: string, project: ProjectRow, options: ExportOptions): { rows: number } & ExportReport {
  const { db, end } = openSnapshot(dbFile);
  try {
    const report = emptyReport();
    let rows = 0;
    let ranked: ExportOptions | null = options;
    if (options.format === 'sft') {
      for (const _ of demonstrations(db, project, options)) rows++;
      ranked = sftComparisons(options);
    }
    const reading: Reading = ranked && (ranked.singleTurn || ranked.format === 'hh') ? 'records' : 'count';
    if (ranked) for (const item of rankedComparisons(db, project, ranked, reading)) rows += rankedComparisonRecordCount(item, ranked, report);
    return { rows, ...report };
  } finally {
    end();
  }
}

/**
 * Bytes per write: few writes, and little memory. Written chunks are garbage until the next
 * young-generation collection, and at 1 MiB they held 8-10 MiB more than at 256 KiB.
 */
const CHUNK = 256 << 10;

/**
 * Writes lines to a stream, each encoded straight into a chunk buffer (no chunk string is built
 * first). One chunk is written while the next fills, and the next is written only once the stream
 * has called back for the last: building and writing overlap, and memory stays at two chunks
 * however slow the reader. Every chunk is a fresh buffer, as a stream may keep what it was given
 * after calling back (a Transform queues it for its reader).
 */
export async function writeLines(lines: Iterable<string>, out: Writable, onLine?: () => void): Promise<number> {
  let chunk = Buffer.allocUnsafeSlow(CHUNK);
  let used = 0;
  let writing: Promise<void> = Promise.resolve();
  // One write in flight at a time; a destroyed stream (a client gone) may never call back.
  const send = async (data: Buffer | string) => {
    await writing;
    // A fast reader calls back at once (on the next tick): yield to the event loop anyway, so
    // trainers' requests are answered between chunks of even the fastest export.
    await new Promise((resolve) => setImmediate(resolve));
    if (out.destroyed) return false;
    writing = new Promise<void>((resolve) => {
      out.once('close', resolve);
      out.write(data, () => {
        out.off('close', resolve);
        resolve();
      });
    });
    return true;
  };
  let count = 0;
  for (const line of lines) {
    // A JavaScript string takes at most 3 UTF-8 bytes per UTF-16 unit.
    const most = line.length * 3;
    if (used && used + most > CHUNK) {
      if (!(await send(chunk.subarray(0, used)))) return count;
      chunk = Buffer.allocUnsafeSlow(CHUNK);
      used = 0;
    }
    // A line longer than a chunk goes alone, after what was written before it.
    if (most > CHUNK) {
      if (!(await send(line))) return count;
    } else used += chunk.write(line, used);
    count++;
    onLine?.();
  }
  if (used) await send(chunk.subarray(0, used));
  await writing;
  return count;
}
