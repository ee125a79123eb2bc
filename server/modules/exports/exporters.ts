import type { ConsensusPair } from '#shared/consensus.ts';
import type { ChatMessage } from '#shared/conversations.ts';
import { rankingPairs } from '#shared/ranking-rules.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import type { ExportOptions } from '#shared/exports.ts';
import { textLength } from '#shared/text-length.ts';
import type { ExportReport } from './export.ts';

/**
 * What every ranking of one comparison shares, built once per comparison. Rankings point to it
 * rather than copying its fields: `{ ...shared, ...ranking }` per ranking made V8 promote ~3 MB
 * per young-generation collection, and the old generation grew by tens of MB between collections.
 */
export interface ExportedComparison {
  comparisonId: string;
  /** The importer's id of the conversation (a generated one for chats). */
  sourceId: string;
  /** The import line's metadata; read for the native format only. */
  metadata: Record<string, unknown> | null;
  /** The expected order where the comparison is a gold item; read for the native format only. */
  goldRanking: RankingGroups | null;
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
  /** Consensus rows: every pair a locked majority path supports, those the ranking's ties hide included. */
  consensusPairs?: ConsensusPair[];
  /** With `history`: the ranking's earlier versions, oldest first. */
  history?: Array<{
    revision: number;
    ranking: RankingGroups;
    ratings: Record<string, Record<string, number>>;
    flags: Record<string, string[]>;
    note: string;
    duration_ms: number | null;
    created_at: string;
  }>;
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

/**
 * Anthropic HH text: "\n\nHuman: …\n\nAssistant: …", nothing before the first Human turn, as
 * HH-RLHF's readers split it. A system prompt is dropped, or with `fold` stands at the start of
 * the first Human turn, before the user's text.
 */
export function hhDialogue(messages: ChatMessage[], system: ExportOptions['hhSystem']): string {
  const prompt = messages.find((m) => m.role === 'system')?.content;
  let folded = system === 'fold' ? prompt : undefined;
  return messages
    .filter((m) => m.role !== 'system')
    .map((m) => {
      if (m.role === 'assistant') return `\n\nAssistant: ${m.content}`;
      const text = folded === undefined ? m.content : `${folded}\n\n${m.content}`;
      folded = undefined;
      return `\n\nHuman: ${text}`;
    })
    .join('');
}

/** Whether a pair row of this comparison is left out, counting why in `report`. */
function leftOut(comparison: ExportedComparison, options: ExportOptions, report: ExportReport, rows: number): boolean {
  if (options.format === 'openai-dpo' && options.singleTurn && comparison.context.some((m) => m.role === 'assistant')) {
    report.multiTurnRows += rows;
    return true;
  }
  if (options.format === 'hh' && options.hhSystem === 'drop' && comparison.context.some((m) => m.role === 'system')) report.droppedSystemPrompts += rows;
  return false;
}

/** A ranking's pairs: the consensus's supported pairs on a consensus row, else every pair across its groups. */
const pairsOf = (item: RankedComparison) => item.consensusPairs ?? rankingPairs(item.ranking);

/**
 * The JSONL records (without newlines) for one ranked comparison in a pair or ranking format.
 * Pure: field order is fixed here, so the same data gives the same bytes.
 */
export function rankedComparisonRecords(item: RankedComparison, options: ExportOptions, report: ExportReport): string[] {
  const { comparison } = item;
  if (options.format === 'rankings') {
    return [
      JSON.stringify({
        comparison_id: comparison.comparisonId,
        source_id: comparison.sourceId,
        metadata: comparison.metadata,
        project: comparison.project,
        context: comparison.context,
        context_provenance: comparison.contextProvenance,
        candidates: comparison.candidates,
        ranking: item.ranking,
        ...(item.consensusPairs ? { consensus_pairs: item.consensusPairs.map((p) => [p.chosen, p.rejected]) } : {}),
        gold_ranking: comparison.goldRanking,
        annotator: item.annotator,
        annotators: item.annotators,
        ratings: item.ratings,
        flags: item.flags,
        note: item.note,
        shown_order: item.shownOrder,
        duration_ms: item.durationMs,
        created_at: item.createdAt,
        ...(item.history ? { history: item.history } : {}),
        ...(options.withFeatures
          ? {
              features: {
                lengths: Object.fromEntries(comparison.candidates.map((c) => [c.id, textLength(c.content)])),
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
    const [chosen, rejected] = [textLength(pieces.content.get(p.chosen)!), textLength(pieces.content.get(p.rejected)!)];
    return JSON.stringify({
      length_diff: chosen - rejected,
      chosen_length: chosen,
      rejected_length: rejected,
      chosen_shown_position: shownPosition(p.chosen),
      rejected_shown_position: shownPosition(p.rejected),
      duration_ms: item.durationMs,
      suggestion_visible: item.suggestionVisible,
    });
  };
  const pairs = pairsOf(item);
  if (options.format !== 'sft' && leftOut(comparison, options, report, pairs.length)) return [];
  const group = JSON.stringify(comparison.comparisonId);
  const source = options.withSource ? `,"source_id":${JSON.stringify(comparison.sourceId)}` : '';
  // Records are assembled from pieces serialized once per comparison: byte for byte what
  // JSON.stringify of the whole object gives, without serializing the prompt again for every pair.
  switch (options.format) {
    case 'trl':
      return pairs.map(
        (p) =>
          `{"prompt":${pieces.prompt},"chosen":${pieces.reply(p.chosen)},"rejected":${pieces.reply(p.rejected)},"group_id":${group}${source}` +
          // A float, as TRL's reward trainer reads it: 1.0, never the integer 1.
          (options.margin === 'rank' ? `,"margin":${p.distance.toFixed(1)}` : '') +
          (options.withFeatures ? `,"features":${features(p)}` : '') +
          '}',
      );
    case 'openai-dpo':
      return pairs.map(
        // Exactly OpenAI's three keys: a strict validator refuses any other (source_id only when asked for).
        (p) =>
          `{"input":{"messages":${pieces.prompt}},"preferred_output":${pieces.reply(p.chosen)},"non_preferred_output":${pieces.reply(p.rejected)}${source}}`,
      );
    case 'hh':
      return pairs.map((p) => {
        const hhPrefix = pieces.hhPrefix(options.hhSystem);
        return JSON.stringify({
          chosen: hhPrefix + pieces.content.get(p.chosen)!,
          rejected: hhPrefix + pieces.content.get(p.rejected)!,
          group_id: comparison.comparisonId,
          ...(options.withSource ? { source_id: comparison.sourceId } : {}),
        });
      });
    case 'sft': {
      const top = item.ranking[0];
      if (top?.length !== 1) return [];
      return [JSON.stringify({ messages: [...comparison.context, { role: 'assistant', content: pieces.content.get(top[0]!)! }] })];
    }
  }
}

/** How many records rankedComparisonRecords gives for this ranking, without building them (for export counts). */
export function rankedComparisonRecordCount(item: RankedComparison, options: ExportOptions, report: ExportReport): number {
  switch (options.format) {
    case 'rankings':
      return 1;
    case 'sft':
      return item.ranking[0]?.length === 1 ? 1 : 0;
    default: {
      const rows = pairsOf(item).length;
      return leftOut(item.comparison, options, report, rows) ? 0 : rows;
    }
  }
}

interface Pieces {
  content: Map<string, string>;
  prompt: string;
  reply: (candidateId: string) => string;
  hhPrefix: (system: ExportOptions['hhSystem']) => string;
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
  let hh: { system: ExportOptions['hhSystem']; prefix: string } | undefined;
  const pieces: Pieces = {
    content,
    prompt: JSON.stringify(comparison.context),
    reply: (id) => {
      let reply = replies.get(id);
      if (reply === undefined) replies.set(id, (reply = JSON.stringify(assistant(content.get(id)!))));
      return reply;
    },
    // One export asks with one hhSystem: the last prefix is the one asked for again.
    hhPrefix: (system) => {
      if (hh?.system !== system) hh = { system, prefix: `${hhDialogue(comparison.context, system)}\n\nAssistant: ` };
      return hh.prefix;
    },
  };
  last = { comparison, pieces };
  return pieces;
}

/** An sft record; with provenance, a `provenance` array beside `messages` (opt-in: strict trainers may refuse extra keys). */
export const sftRecord = (messages: ChatMessage[], provenance?: ContextProvenance[]) => JSON.stringify(provenance ? { messages, provenance } : { messages });
