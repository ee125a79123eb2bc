import { statementsFor, type Db } from '#server/db/client.ts';
import type { AuthUser } from '#server/http/auth.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import type { MyRankings, MyRankingsQuery } from '#shared/history.ts';
import type { RankingGroups } from '#shared/rankings.ts';

// A trainer's own rankings in one project, newest first, a page at a time. However many rankings
// the trainer has, one request does bounded work: it walks their rankings on rankings_user_id_idx
// (user, then id: newest first without sorting) from where the last page ended, and stops after
// LOOK_AT even if fewer than a page were in this project; the page then says where to go on.

/** The asker's rankings looked at per request, at most (those in other projects are walked past). */
const LOOK_AT = 2000;

const PROMPT_CHARS = 120;

interface Walked {
  id: number;
  keep: number;
}

interface HistoryRow {
  id: number;
  comparisonId: number;
  prompt: string;
  ranking: string;
  shownOrder: string;
  revision: number;
  createdAt: number;
  updatedAt: number;
}

const historyStatements = statementsFor(({ sqlite }) => ({
  walk: sqlite.prepare<{ userId: number; projectId: number; before: number }, Walked>(`
    SELECT r.id, c.project_id = @projectId AS keep
    FROM rankings r INDEXED BY rankings_user_id_idx JOIN comparisons c ON c.id = r.comparison_id
    WHERE r.user_id = @userId AND r.id < @before
    ORDER BY r.id DESC LIMIT ${LOOK_AT}`),
  // Enough of the prompt for its first line, blank lines before it left out.
  rows: sqlite.prepare<[string], HistoryRow>(`
    SELECT r.id, r.comparison_id AS comparisonId, substr(ltrim(p.content, char(32, 9, 10, 13)), 1, ${PROMPT_CHARS * 4}) AS prompt, r.ranking,
           r.shown_order AS shownOrder, r.revision, r.created_at AS createdAt, r.updated_at AS updatedAt
    FROM rankings r JOIN comparisons c ON c.id = r.comparison_id JOIN messages p ON p.id = c.parent_message_id
    WHERE r.id IN (SELECT value FROM json_each(?))
    ORDER BY r.id DESC`),
}));

function firstLine(text: string) {
  const line = text.trimStart().split('\n', 1)[0]!.trim();
  return line.length > PROMPT_CHARS ? `${line.slice(0, PROMPT_CHARS)}…` : line;
}

/** A page of the asker's own rankings in a project, newest first (by first submission). */
export function myRankings(db: Db, project: ProjectRow, user: AuthUser, query: MyRankingsQuery): MyRankings {
  const q = historyStatements(db);
  const kept: number[] = [];
  let looked = 0;
  let last: number | undefined;
  for (const row of q.walk.iterate({ userId: user.id, projectId: project.id, before: query.before ?? Number.MAX_SAFE_INTEGER })) {
    looked++;
    last = row.id;
    if (row.keep && kept.push(row.id) > query.limit) break;
  }
  const page = kept.slice(0, query.limit);
  const next = kept.length > query.limit ? page.at(-1)! : looked === LOOK_AT ? last! : null;
  return {
    rankings: q.rows.all(JSON.stringify(page)).map((r) => ({
      comparisonId: String(r.comparisonId),
      prompt: firstLine(r.prompt),
      ranking: JSON.parse(r.ranking) as RankingGroups,
      shownOrder: JSON.parse(r.shownOrder) as string[],
      revision: r.revision,
      createdAt: new Date(r.createdAt).toISOString(),
      updatedAt: new Date(r.updatedAt).toISOString(),
    })),
    nextBefore: next,
  };
}
