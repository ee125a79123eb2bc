import { pairFormats, type ExportOptions } from '#shared/exports.ts';
import { count, plural } from '../../lib/format.ts';

/** The options that leave records out rather than shape them: an export empty only because of them has records without them. */
export const filterOptions = ['split', 'testShare', 'minAgreement', 'singleTurn'] as const satisfies ReadonlyArray<keyof ExportOptions>;

export interface EmptyExportFacts {
  /** Rankings in the project, all trainers together. */
  rankings: number;
  /** Records the same export would hold without its filters; null when it has no filters. */
  unfiltered: number | null;
  /** Rows `singleTurn` left out. */
  multiTurnRows: number;
}

/** The filters in force, as a researcher chose them on the page. */
function filtersOf(options: ExportOptions, multiTurnRows: number): string[] {
  const filters: string[] = [];
  if (options.split) filters.push(`only the ${options.split} split (test share ${options.testShare})`);
  if (options.minAgreement !== undefined)
    filters.push(`only comparisons whose trainers agree at least ${options.minAgreement} (one trainer's ranking has no agreement)`);
  if (options.singleTurn && multiTurnRows > 0)
    filters.push(`single-turn, which leaves out the ${count(multiTurnRows)} rows whose input holds an assistant turn`);
  return filters;
}

/**
 * Why an export holds no record, and what would fill it, in the page's words (the CLI's flag in
 * brackets, as the option's own text on the page names it).
 */
export function whyEmpty(options: ExportOptions, facts: EmptyExportFacts): string {
  if (facts.unfiltered) {
    const filters = filtersOf(options, facts.multiTurnRows);
    return `${plural(facts.unfiltered, 'record')} without the filters, none with them${filters.length ? `: ${filters.join(', and ')}` : ''}. Widen or clear the filters above.`;
  }
  if (options.format === 'sft')
    return options.includeTopRanked
      ? 'No demonstrations yet, and no comparison has a top-ranked answer that no other answer ties. Trainers write demonstrations (Write a demonstration), and their rankings give each comparison its top answer.'
      : 'No demonstrations yet: sft records are dialogues trainers write (Write a demonstration). Write demonstrations, or include each comparison’s top-ranked answer (--include-top-ranked).';
  if (facts.rankings === 0)
    return `Nothing has been ranked yet: ${options.format} records come from trainers’ rankings. Import comparisons (Import tab) and let trainers rank them.`;
  if (pairFormats.includes(options.format))
    return 'The rankings give no pairs: tied answers make no pair, and every ranking so far ties all its answers. Rankings that put one answer above another fill it.';
  return 'No record matches these options.';
}
