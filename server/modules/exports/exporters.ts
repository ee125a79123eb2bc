import type { ChatMessage } from '#shared/conversations.ts';
import { rankingPairs } from '#shared/ranking-rules.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import type { ExportOptions } from '#shared/exports.ts';

/**
 * What every ranking of one comparison shares, built once per comparison. Rankings point to it
 * rather than copying its fields: `{ ...shared, ...ranking }` per ranking made V8 promote ~3 MB
 * per young-generation collection, and the old generation grew by tens of MB between collections.
 */
export interface ExportedComparison {
  comparisonId: string;
  project: string;
  context: ChatMessage[];
  /** Who or what wrote each context message (same order as context). */
  contextProvenance: ContextProvenance[];
  candidates: Array<{ id: string; content: string; model: string | null; params: Record<string, unknown> | null; finish_reason: string | null }>;
}

/** One ranking of one comparison with everything any export format needs. */
export interface RankedComparison {
  comparison: ExportedComparison;
  ranking: RankingGroups;
  /** A username, or "consensus" for the consensus row. */
  annotator: string;
  /** Usernames behind a consensus row; the annotator alone otherwise. */
  annotators: string[];
  ratings: Record<string, Record<string, number>>;
  flags: Record<string, string[]>;
  note: string;
  shownOrder: string[] | null;
  durationMs: number | null;
  suggestionVisible: boolean;
  createdAt: string;
}

export interface ContextProvenance {
  author: string | null;
  model: string | null;
  from_suggestion: boolean;
  suggestion_model: string | null;
  edit_distance: number | null;
}

const assistant = (content: string) => [{ role: 'assistant', content }];

/** Anthropic HH text: "\n\nHuman: …\n\nAssistant: …"; a system prompt stands before the first turn. */
export function hhDialogue(messages: ChatMessage[]): string {
  return messages
    .map((m) => (m.role === 'system' ? m.content : `\n\n${m.role === 'user' ? 'Human' : 'Assistant'}: ${m.content}`))
    .join('');
}

/**
 * The JSONL records (without newlines) for one ranked comparison in a pair or ranking format.
 * Pure: field order is fixed here, so the same data gives the same bytes.
 */
export function rankedComparisonRecords(item: RankedComparison, options: ExportOptions): string[] {
  const { comparison } = item;
  if (options.format === 'rankings') {
    return [
      JSON.stringify({
        comparison_id: comparison.comparisonId,
        project: comparison.project,
        context: comparison.context,
        context_provenance: comparison.contextProvenance,
        candidates: comparison.candidates,
        ranking: item.ranking,
        annotator: item.annotator,
        annotators: item.annotators,
        ratings: item.ratings,
        flags: item.flags,
        note: item.note,
        shown_order: item.shownOrder,
        duration_ms: item.durationMs,
        created_at: item.createdAt,
        ...(options.withFeatures
          ? {
              features: {
                lengths: Object.fromEntries(comparison.candidates.map((c) => [c.id, c.content.length])),
                shown_positions: item.shownOrder && Object.fromEntries(item.shownOrder.map((id, i) => [id, i + 1])),
                duration_ms: item.durationMs,
                suggestion_visible: item.suggestionVisible,
              },
            }
          : {}),
      }),
    ];
  }
  const pieces = piecesOf(comparison);
  const shownPosition = (id: string) => (item.shownOrder ? item.shownOrder.indexOf(id) + 1 : null);
  const features = (p: { chosen: string; rejected: string }) => {
    const [chosen, rejected] = [pieces.content.get(p.chosen)!, pieces.content.get(p.rejected)!];
    return JSON.stringify({
      length_diff: chosen.length - rejected.length,
      chosen_length: chosen.length,
      rejected_length: rejected.length,
      chosen_shown_position: shownPosition(p.chosen),
      rejected_shown_position: shownPosition(p.rejected),
      duration_ms: item.durationMs,
      suggestion_visible: item.suggestionVisible,
    });
  };
  const pairs = rankingPairs(item.ranking);
  const group = JSON.stringify(comparison.comparisonId);
  // Records are assembled from pieces serialized once per comparison: byte for byte what
  // JSON.stringify of the whole object gives, without serializing the prompt again for every pair.
  switch (options.format) {
    case 'trl':
      return pairs.map(
        (p) =>
          `{"prompt":${pieces.prompt},"chosen":${pieces.reply(p.chosen)},"rejected":${pieces.reply(p.rejected)},"group_id":${group}` +
          (options.margin === 'rank' ? `,"margin":${p.distance}` : '') +
          (options.withFeatures ? `,"features":${features(p)}` : '') +
          '}',
      );
    case 'openai-dpo':
      return pairs.map(
        (p) => `{"input":{"messages":${pieces.prompt}},"preferred_output":${pieces.reply(p.chosen)},"non_preferred_output":${pieces.reply(p.rejected)},"group_id":${group}}`,
      );
    case 'hh':
      return pairs.map((p) => JSON.stringify({ chosen: pieces.hhPrefix + pieces.content.get(p.chosen)!, rejected: pieces.hhPrefix + pieces.content.get(p.rejected)!, group_id: comparison.comparisonId }));
    case 'sft': {
      const top = item.ranking[0];
      if (top?.length !== 1) return [];
      return [JSON.stringify({ messages: [...comparison.context, { role: 'assistant', content: pieces.content.get(top[0]!)! }] })];
    }
  }
}

/** How many records rankedComparisonRecords gives for this ranking, without building them (for export counts). */
export function rankedComparisonRecordCount(item: RankedComparison, options: ExportOptions): number {
  switch (options.format) {
    case 'rankings':
      return 1;
    case 'sft':
      return item.ranking[0]?.length === 1 ? 1 : 0;
    default:
      return rankingPairs(item.ranking).length;
  }
}

interface Pieces {
  content: Map<string, string>;
  prompt: string;
  reply: (candidateId: string) => string;
  hhPrefix: string;
}
/**
 * The pieces of the last comparison: its rankings come one after another, so one entry is enough.
 * (A WeakMap keyed by comparison kept every comparison's pieces alive through young-generation
 * collections, which promoted megabytes a second to the old generation.)
 */
let last: { comparison: ExportedComparison; pieces: Pieces } | null = null;

function piecesOf(comparison: ExportedComparison): Pieces {
  if (last?.comparison === comparison) return last.pieces;
  const content = new Map(comparison.candidates.map((c) => [c.id, c.content]));
  const replies = new Map<string, string>();
  const pieces: Pieces = {
    content,
    prompt: JSON.stringify(comparison.context),
    reply: (id) => {
      let reply = replies.get(id);
      if (reply === undefined) replies.set(id, (reply = JSON.stringify(assistant(content.get(id)!))));
      return reply;
    },
    hhPrefix: `${hhDialogue(comparison.context)}\n\nAssistant: `,
  };
  last = { comparison, pieces };
  return pieces;
}

/** An sft record; with provenance, a `provenance` array beside `messages` (opt-in: strict trainers may refuse extra keys). */
export const sftRecord = (messages: ChatMessage[], provenance?: ContextProvenance[]) => JSON.stringify(provenance ? { messages, provenance } : { messages });
