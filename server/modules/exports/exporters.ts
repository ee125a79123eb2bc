import type { ChatMessage } from '#shared/conversations.ts';
import { rankingPairs, type RankingGroups } from '#shared/rankings.ts';
import type { ExportOptions } from '#shared/exports.ts';

/** One ranking of one comparison with everything any export format needs. */
export interface RankedComparison {
  comparisonId: string;
  project: string;
  context: ChatMessage[];
  /** Who or what wrote each context message (same order as context). */
  contextProvenance: ContextProvenance[];
  candidates: Array<{ id: string; content: string; model: string | null; params: Record<string, unknown> | null; finish_reason: string | null }>;
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
  if (options.format === 'rankings') {
    return [
      JSON.stringify({
        comparison_id: item.comparisonId,
        project: item.project,
        context: item.context,
        context_provenance: item.contextProvenance,
        candidates: item.candidates,
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
                lengths: Object.fromEntries(item.candidates.map((c) => [c.id, c.content.length])),
                shown_positions: item.shownOrder && Object.fromEntries(item.shownOrder.map((id, i) => [id, i + 1])),
                duration_ms: item.durationMs,
                suggestion_visible: item.suggestionVisible,
              },
            }
          : {}),
      }),
    ];
  }
  const content = new Map(item.candidates.map((c) => [c.id, c.content]));
  const shownPosition = (id: string) => (item.shownOrder ? item.shownOrder.indexOf(id) + 1 : null);
  const pairs = rankingPairs(item.ranking).map((p) => ({
    ...p,
    chosen: content.get(p.chosen)!,
    rejected: content.get(p.rejected)!,
    features: {
      length_diff: content.get(p.chosen)!.length - content.get(p.rejected)!.length,
      chosen_length: content.get(p.chosen)!.length,
      rejected_length: content.get(p.rejected)!.length,
      chosen_shown_position: shownPosition(p.chosen),
      rejected_shown_position: shownPosition(p.rejected),
      duration_ms: item.durationMs,
      suggestion_visible: item.suggestionVisible,
    },
  }));
  const groupId = item.comparisonId;
  switch (options.format) {
    case 'trl':
      return pairs.map((p) =>
        JSON.stringify({
          prompt: item.context,
          chosen: assistant(p.chosen),
          rejected: assistant(p.rejected),
          group_id: groupId,
          ...(options.margin === 'rank' ? { margin: p.distance } : {}),
          ...(options.withFeatures ? { features: p.features } : {}),
        }),
      );
    case 'openai-dpo':
      return pairs.map((p) =>
        JSON.stringify({
          input: { messages: item.context },
          preferred_output: assistant(p.chosen),
          non_preferred_output: assistant(p.rejected),
          group_id: groupId,
        }),
      );
    case 'hh': {
      const prefix = `${hhDialogue(item.context)}\n\nAssistant: `;
      return pairs.map((p) => JSON.stringify({ chosen: prefix + p.chosen, rejected: prefix + p.rejected, group_id: groupId }));
    }
    case 'sft': {
      const top = item.ranking[0];
      if (top?.length !== 1) return [];
      return [JSON.stringify({ messages: [...item.context, { role: 'assistant', content: content.get(top[0]!)! }] })];
    }
  }
}

/** An sft record; with provenance, a `provenance` array beside `messages` (opt-in: strict trainers may refuse extra keys). */
export const sftRecord = (messages: ChatMessage[], provenance?: ContextProvenance[]) => JSON.stringify(provenance ? { messages, provenance } : { messages });
