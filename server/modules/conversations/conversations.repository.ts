import { statementsFor, type Db } from '#server/db/client.ts';
import type { ChatMessage, Role } from '#shared/conversations.ts';

export interface CandidateRow {
  id: number;
  content: string;
  model: string | null;
  servedModel: string | null;
  params: string | null;
  finishReason: string | null;
  authorId: number | null;
}

/** Who or what wrote a message, and whether it began as a model suggestion. */
export interface MessageProvenance {
  author: string | null;
  model: string | null;
  fromSuggestion: number;
  suggestionModel: string | null;
  suggestionEditDistance: number | null;
}

const stmts = statementsFor(({ sqlite }) => {
  /** A message's assistant children (a comparison's candidates), oldest first, with the columns asked for. */
  const children = (columns: string) => `SELECT ${columns} FROM messages WHERE parent_id = ? AND role = 'assistant' ORDER BY id`;
  return {
    path: sqlite.prepare<[number], { role: Role; content: string }>(`
      WITH RECURSIVE path(id, parent_id, role, content, depth) AS (
        SELECT id, parent_id, role, content, 0 FROM messages WHERE id = ?
        UNION ALL
        SELECT m.id, m.parent_id, m.role, m.content, path.depth + 1 FROM messages m JOIN path ON m.id = path.parent_id
      )
      SELECT role, content FROM path ORDER BY depth DESC`),
    provenance: sqlite.prepare<[number], MessageProvenance>(`
      WITH RECURSIVE path(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM messages WHERE id = ?
        UNION ALL
        SELECT m.id, m.parent_id, path.depth + 1 FROM messages m JOIN path ON m.id = path.parent_id
      )
      SELECT u.username AS author, m.model, m.from_suggestion AS fromSuggestion, m.suggestion_model AS suggestionModel,
             m.suggestion_edit_distance AS suggestionEditDistance
      FROM path JOIN messages m ON m.id = path.id LEFT JOIN users u ON u.id = m.author_id
      ORDER BY path.depth DESC`),
    paths: sqlite.prepare<[string], { start: number; role: Role; content: string }>(`
      WITH RECURSIVE path(start, id, parent_id, depth) AS (
        SELECT id, id, parent_id, 0 FROM messages WHERE id IN (SELECT value FROM json_each(?))
        UNION ALL
        SELECT path.start, m.id, m.parent_id, path.depth + 1 FROM messages m JOIN path ON m.id = path.parent_id
      )
      SELECT path.start, m.role, m.content FROM path JOIN messages m ON m.id = path.id ORDER BY path.start, path.depth DESC`),
    candidateTexts: sqlite.prepare<[number], { id: number; content: string }>(children('id, content')),
    candidateIds: sqlite.prepare<[number], number>(children('id')).pluck(),
    candidates: sqlite.prepare<[number], CandidateRow>(
      children('id, content, model, served_model AS servedModel, params, finish_reason AS finishReason, author_id AS authorId'),
    ),
  };
});

/** The messages from the root of the tree down to `messageId`, inclusive. */
export const pathTo = (db: Db, messageId: number): ChatMessage[] => stmts(db).path.all(messageId);

/** The assistant children of a message: a comparison's candidates, oldest first. */
export const candidatesOf = (db: Db, parentMessageId: number): CandidateRow[] => stmts(db).candidates.all(parentMessageId);

/** A comparison's candidates as trainers see them: the text alone. */
export const candidateTextsOf = (db: Db, parentMessageId: number) => stmts(db).candidateTexts.all(parentMessageId);

/** The ids of a comparison's candidates, as the API spells them, oldest first. */
export const candidateIdsOf = (db: Db, parentMessageId: number): string[] => stmts(db).candidateIds.all(parentMessageId).map(String);

/** Provenance of each message on the path from the root to `messageId`, in the same order as pathTo. */
export const provenanceOfPath = (db: Db, messageId: number) =>
  stmts(db)
    .provenance.all(messageId)
    .map((p) => ({
      author: p.author,
      model: p.model,
      from_suggestion: p.fromSuggestion === 1,
      suggestion_model: p.suggestionModel,
      edit_distance: p.suggestionEditDistance,
    }));

/** Rows grouped by a key, each group in the rows' order. */
export function groupBy<T extends object, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(row);
  }
  return groups;
}

/** pathTo for many messages in one query (exports read a page of comparisons at a time). */
export function pathsTo(db: Db, messageIds: number[]): Map<number, ChatMessage[]> {
  const rows = groupBy(stmts(db).paths.all(JSON.stringify(messageIds)), (r) => r.start);
  return new Map(messageIds.map((id) => [id, (rows.get(id) ?? []).map(({ role, content }) => ({ role, content }))]));
}
