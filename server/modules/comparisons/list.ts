import type { Db } from '#server/db/client.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import type { ComparisonList, ComparisonListQuery, ComparisonStatus } from '#shared/comparisons.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import { metadataValue, searchPending } from './search-index.ts';

// The researcher's list of a project's comparisons, searched, filtered and sorted, a page at a time.
// However large the project, one request does bounded work: it walks one index in the order asked
// for (by id, by agreement, or the search index's matches), from where the last page ended, and
// stops after LOOK_AT rows even if fewer than a page matched; the page then says where to go on.
// The walk's index is chosen for the filter where one fits (gold, skipped, flagged, open,
// complete; a text or metadata search), so that a page mostly fills at once (docs/decisions/0008).

/** Comparisons looked at per request, at most: some 10 ms of SQLite. */
const LOOK_AT = 5000;

const PREVIEW_CHARS = 160;

/** Which comparisons a status keeps: SQL on `comparisons c`. */
const statusKeeps: Record<ComparisonStatus, string> = {
  all: '1',
  open: 'c.done = 0',
  complete: 'c.done = 1 AND c.gold_ranking IS NULL',
  disputed: 'c.agreement < @disputedBelow',
  gold: 'c.gold_ranking IS NOT NULL',
  skipped: 'c.skip_count > 0',
  flagged: 'c.flag_count > 0',
  ranked: 'c.ranking_count > 0',
};

/** The index a status's walk by id takes, and the condition that puts the walk on it. */
const statusWalks: Record<ComparisonStatus, { index: string; where: string }> = {
  all: { index: 'comparisons_project_order_idx', where: '' },
  open: { index: 'comparisons_queue_idx', where: 'AND c.done = 0' },
  complete: { index: 'comparisons_queue_idx', where: 'AND c.done = 1' },
  // Agreement is in its own index, but in agreement order: by id the walk reads the project's order.
  disputed: { index: 'comparisons_project_order_idx', where: '' },
  gold: { index: 'comparisons_gold_idx', where: 'AND c.gold_ranking IS NOT NULL' },
  skipped: { index: 'comparisons_skipped_idx', where: 'AND c.skip_count > 0' },
  flagged: { index: 'comparisons_flagged_idx', where: 'AND c.flag_count > 0' },
  ranked: { index: 'comparisons_project_order_idx', where: '' },
};

const hasWords = (text: string) => /[\p{L}\p{N}]/u.test(text);

/** Text as an FTS5 phrase: its words, in order, next to each other. */
const phrase = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * What the search index must match: every word of `q` (a word with punctuation inside, such as the
 * id nine-1, as a phrase), and with `metadata`, the metadata key next to its value. The metadata
 * filter's exact comparison comes after: the index only narrows the walk. Null: nothing to match.
 */
function searchMatch(query: ComparisonListQuery, { metadata }: { metadata: boolean }): string | null {
  const words = (query.q ?? '').split(/\s+/).filter(hasWords).map(phrase);
  const pair = [query.metaKey, query.metaValue].filter((x) => x !== undefined).join(' ');
  if (metadata && query.metaKey !== undefined && hasWords(pair)) words.push(`metadata : ${phrase(pair)}`);
  return words.length ? words.join(' AND ') : null;
}

interface Walked {
  id: number;
  agreement: number | null;
  keep: number;
}

/** The walk's SQL: its rows in the order asked for, each with whether the filters keep it. */
function walk(query: ComparisonListQuery): { sql: string; match: string | null } {
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const beyond = query.order === 'asc' ? '>' : '<';
  const keeps = [statusKeeps[query.status]];
  if (query.metaKey !== undefined) {
    keeps.push(`EXISTS (SELECT 1 FROM conversations v, json_each(v.metadata) j WHERE v.id = c.conversation_id AND j.key = @metaKey
      ${query.metaValue === undefined ? '' : `AND ${metadataValue} = @metaValue`})`);
  }
  if (query.sort === 'agreement') {
    // The search index is asked about each comparison walked, for the words alone: the metadata is compared as it is.
    const match = searchMatch(query, { metadata: false });
    if (match) keeps.push('EXISTS (SELECT 1 FROM comparison_search WHERE comparison_search MATCH @match AND rowid = c.id)');
    const from = query.afterAgreement === undefined ? '' : `AND (c.agreement, c.id) ${beyond} (@afterAgreement, @after)`;
    // Disputed ones are a range of this index: the walk ends where agreement reaches the threshold.
    const disputed = query.status === 'disputed' ? 'AND c.agreement < @disputedBelow' : '';
    const sql = `
      SELECT c.id, c.agreement, ${keeps.join(' AND ')} AS keep
      FROM comparisons c INDEXED BY comparisons_agreement_idx
      WHERE c.project_id = @projectId AND c.agreement IS NOT NULL ${disputed} ${from}
      ORDER BY c.agreement ${direction}, c.id ${direction} LIMIT ${LOOK_AT}`;
    return { sql, match };
  }
  const from = query.after > 0 || query.order === 'asc' ? `${beyond} @after` : null;
  const match = searchMatch(query, { metadata: true });
  if (match) {
    // The search index spans every project: another project's matches are walked past, and counted.
    const sql = `
      SELECT c.id, c.agreement, c.project_id = @projectId AND ${keeps.join(' AND ')} AS keep
      FROM comparison_search s CROSS JOIN comparisons c ON c.id = s.rowid
      WHERE comparison_search MATCH @match ${from ? `AND s.rowid ${from}` : ''}
      ORDER BY s.rowid ${direction} LIMIT ${LOOK_AT}`;
    return { sql, match };
  }
  const path = statusWalks[query.status];
  const sql = `
    SELECT c.id, c.agreement, ${keeps.join(' AND ')} AS keep
    FROM comparisons c INDEXED BY ${path.index}
    WHERE c.project_id = @projectId ${path.where} ${from ? `AND c.id ${from}` : ''}
    ORDER BY c.id ${direction} LIMIT ${LOOK_AT}`;
  return { sql, match: null };
}

interface ListRow {
  id: number;
  conversationId: number;
  sourceId: string;
  metadata: string | null;
  prompt: string;
  candidates: number;
  rankingCount: number;
  extraOverlap: number;
  done: number;
  gold: number;
  agreement: number | null;
  consensus: string | null;
  skips: number;
  flagged: number;
  createdAt: number;
}

/** A page of a project's comparisons for researchers to browse: searched, filtered and sorted as asked. */
export function listComparisons(db: Db, project: ProjectRow, query: ComparisonListQuery): ComparisonList {
  const { sql, match } = walk(query);
  const params = {
    projectId: project.id,
    after: query.after,
    afterAgreement: query.afterAgreement,
    disputedBelow: query.disputedBelow,
    metaKey: query.metaKey,
    metaValue: query.metaValue,
    match,
  };

  const kept: Walked[] = [];
  let looked = 0;
  let last: Walked | undefined;
  for (const row of db.sqlite.prepare<[Record<string, unknown>], Walked>(sql).iterate(params)) {
    looked++;
    last = row;
    if (row.keep && kept.push(row) > query.limit) break;
  }
  const page = kept.slice(0, query.limit);
  const next = kept.length > query.limit ? page.at(-1)! : looked === LOOK_AT ? last! : null;

  const rows = new Map(
    db.sqlite
      .prepare<[string], ListRow>(
        `
        SELECT c.id, c.conversation_id AS conversationId, v.external_id AS sourceId, v.metadata,
               substr(p.content, 1, ${PREVIEW_CHARS + 1}) AS prompt,
               (SELECT count(*) FROM messages m WHERE m.parent_id = c.parent_message_id AND m.role = 'assistant') AS candidates,
               c.ranking_count AS rankingCount, c.extra_overlap AS extraOverlap, c.done, c.gold_ranking IS NOT NULL AS gold,
               c.agreement, c.consensus, c.skip_count AS skips, c.flag_count AS flagged, c.created_at AS createdAt
        FROM comparisons c JOIN conversations v ON v.id = c.conversation_id JOIN messages p ON p.id = c.parent_message_id
        WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(page.map((r) => r.id)))
      .map((r) => [r.id, r]),
  );
  return {
    comparisons: page.map(({ id }) => {
      const r = rows.get(id)!;
      return {
        id: String(r.id),
        conversationId: String(r.conversationId),
        sourceId: r.sourceId,
        metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as Record<string, unknown>),
        prompt: r.prompt.length > PREVIEW_CHARS ? `${r.prompt.slice(0, PREVIEW_CHARS)}…` : r.prompt,
        candidates: r.candidates,
        rankingCount: r.rankingCount,
        extraOverlap: r.extraOverlap,
        done: r.done === 1,
        gold: r.gold === 1,
        agreement: r.agreement,
        consensus: r.consensus === null ? null : (JSON.parse(r.consensus) as RankingGroups),
        skips: r.skips,
        flagged: r.flagged,
        createdAt: new Date(r.createdAt).toISOString(),
      };
    }),
    nextAfter: next?.id ?? null,
    nextAfterAgreement: query.sort === 'agreement' && next ? next.agreement : null,
    searchPending: searchPending(db),
  };
}
