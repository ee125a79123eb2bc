import { useForm } from 'react-hook-form';
import { appliesTo, exportFormats, exportOptionsSchema, type ExportFormat, type ExportOptions, type ExportOptionsInput } from '#shared/exports.ts';
import { describeIssue } from '#shared/validation.ts';
import { errorMessage } from '../../lib/api.ts';
// `count` here is the export's count query; the formatter goes by another name.
import { count as formatCount, plural } from '../../lib/format.ts';
import { withLabel } from '../../lib/form-errors.ts';
import { useDebouncedValue } from '../../lib/use-debounced-value.ts';
import { useProject } from '../projects/api/get-project.ts';
import { useExportCli } from './api/get-export-cli.ts';
import { useExportCount } from './api/get-export-count.ts';
import { CopyableCommand } from './CopyableCommand.tsx';
import { filterOptions, whyEmpty } from './empty-export.ts';
import './export.css';

const descriptions: Record<ExportFormat, string> = {
  rankings: 'Native and lossless: one record per trainer per comparison, with candidates, ties, ratings, flags and timing.',
  trl: 'TRL preference pairs (conversational, explicit prompt) for DPO and reward modelling.',
  'openai-dpo': 'OpenAI preference fine-tuning.',
  hh: 'Anthropic HH-RLHF text pairs.',
  sft: 'Chat fine-tuning from demonstrations (OpenAI chat format, TRL conversational).',
};

/**
 * The options as the form holds them: text inputs keep their text, and options that apply only to
 * some formats keep their value while hidden. `toInput` turns them into the schema's input.
 */
interface Choice {
  format: ExportFormat;
  split: '' | NonNullable<ExportOptions['split']>;
  testShare: string;
  rows: ExportOptions['rows'];
  minAgreement: string;
  margin: boolean;
  withFeatures: boolean;
  includeTopRanked: boolean;
  provenance: boolean;
  singleTurn: boolean;
  hhSystem: ExportOptions['hhSystem'];
  withSource: boolean;
  history: boolean;
}

const initialChoice: Choice = {
  format: 'trl',
  split: '',
  testShare: '0.1',
  rows: 'per-trainer',
  minAgreement: '',
  margin: false,
  withFeatures: false,
  includeTopRanked: false,
  provenance: false,
  singleTurn: false,
  hhSystem: 'drop',
  withSource: false,
  history: false,
};

type FormatBound = keyof typeof appliesTo;
/** Whether an option of one format or a few is shown: where the server would refuse it, it is not. */
const shows = (option: FormatBound, format: ExportFormat) => (appliesTo[option].formats as readonly ExportFormat[]).includes(format);
// sft's ranked part is its own option (includeTopRanked): consensus rows and an agreement filter apply to it only through that.
const showsRows = (c: Choice) => c.format !== 'sft';
const showsMinAgreement = (c: Choice) => c.format !== 'sft' || c.includeTopRanked;

/** The shown choices as the export options schema takes them; a blank text field is the option's default. */
function toInput(c: Choice): ExportOptionsInput {
  const bound = <T,>(option: FormatBound, value: T) => (shows(option, c.format) ? value : undefined);
  return {
    format: c.format,
    split: c.split || undefined,
    testShare: (c.split && c.testShare.trim()) || undefined,
    rows: showsRows(c) ? c.rows : undefined,
    minAgreement: (showsMinAgreement(c) && c.minAgreement.trim()) || undefined,
    margin: bound('margin', c.margin ? ('rank' as const) : undefined),
    withFeatures: bound('withFeatures', c.withFeatures),
    includeTopRanked: bound('includeTopRanked', c.includeTopRanked),
    provenance: bound('provenance', c.provenance),
    singleTurn: bound('singleTurn', c.singleTurn),
    hhSystem: bound('hhSystem', c.hhSystem),
    withSource: bound('withSource', c.withSource),
    history: bound('history', c.history),
  };
}

/** The CLI flag of each option that is not bound to formats (those have theirs in `appliesTo`); `rows=consensus` is `--consensus`. */
const generalFlags = { split: '--split', testShare: '--test-share', rows: '--consensus', minAgreement: '--min-agreement' } satisfies Record<
  Exclude<keyof ExportOptions, FormatBound | 'format'>,
  string
>;
const flagOf = (key: Exclude<keyof ExportOptions, 'format'>) =>
  key in appliesTo ? appliesTo[key as FormatBound].flag : generalFlags[key as keyof typeof generalFlags];

/** A word for a POSIX shell: as it is when it is plainly safe, else in single quotes. */
const shellWord = (word: string) => (/^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

type Chosen = Array<[Exclude<keyof ExportOptions, 'format'>, string | number | boolean]>;

/** The export the valid options describe, as the download's query string and the CLI's flags (only what differs from the defaults). */
function describeExport(slug: string, options: ExportOptions, database: string | undefined) {
  const defaults = exportOptionsSchema.parse({ format: options.format });
  const chosen = (Object.entries(options) as Chosen).filter(([key, value]) => (key as string) !== 'format' && value !== undefined && value !== defaults[key]);
  const queryOf = (entries: Chosen) => new URLSearchParams([['format', options.format], ...entries.map(([key, value]) => [key, String(value)])]).toString();
  const file = [slug, options.format, options.rows === 'consensus' ? 'consensus' : '', options.split].filter(Boolean).join('-') + '.jsonl';
  const cli =
    database &&
    [
      'npx ordinal export',
      `--db ${shellWord(database)}`,
      `--project ${shellWord(slug)}`,
      `--format ${options.format}`,
      ...chosen.map(([key, value]) => (value === true || key === 'rows' ? flagOf(key) : `${flagOf(key)} ${shellWord(String(value))}`)),
      `--out ${shellWord(file)}`,
    ].join(' ');
  return {
    query: queryOf(chosen),
    /** The same export without the options that only leave records out: what an empty export is compared with. */
    unfilteredQuery: queryOf(chosen.filter(([key]) => !(filterOptions as readonly string[]).includes(key))),
    cli,
  };
}

/** The labels of the fields a researcher types into; the others are choices that cannot be wrong. */
const fieldLabels: Partial<Record<keyof Choice, string>> = { testShare: 'Test share', minAgreement: 'Minimum agreement' };

export function ExportPanel({ slug }: { slug: string }) {
  const form = useForm<Choice>({ defaultValues: initialChoice });
  const choice = form.watch();
  const parsed = exportOptionsSchema.safeParse(toInput(choice));
  const issues = parsed.success ? [] : parsed.error.issues.map(describeIssue);
  const fieldError = (field: keyof Choice) => {
    const issue = issues.find((i) => i.path === field);
    return issue && withLabel(fieldLabels[field], issue.message);
  };
  const otherIssues = issues.filter((i) => !(i.path in fieldLabels));
  const database = useExportCli(slug);
  const view = parsed.success ? describeExport(slug, parsed.data, database.data?.database) : null;

  const counted = useDebouncedValue(view?.query ?? null, 250);
  const current = view !== null && counted === view.query;
  const count = useExportCount(slug, counted ?? '', counted !== null);
  const rows = current ? count.data?.rows : undefined;
  const countError = current && count.error ? errorMessage(count.error) : null;
  const filtered = view !== null && view.unfilteredQuery !== view.query;
  const probe = useExportCount(slug, view?.unfilteredQuery ?? '', rows === 0 && filtered);
  const rankings = useProject(slug).data?.progress.rankings ?? 0;
  const emptyBecause =
    rows === 0 && parsed.success && (!filtered || probe.data)
      ? whyEmpty(parsed.data, { rankings, unfiltered: filtered ? probe.data!.rows : null, multiTurnRows: count.data?.multiTurnRows ?? 0 })
      : null;
  const apiUrl = view && `${window.location.origin}/api/v1/projects/${slug}/export?${view.query}`;

  const problem = (field: keyof Choice) => {
    const message = fieldError(field);
    return (
      message && (
        <span className="field-error" id={`export-${field}-error`}>
          {message}
        </span>
      )
    );
  };
  const invalid = (field: keyof Choice) => (fieldError(field) ? { 'aria-invalid': true, 'aria-describedby': `export-${field}-error` } : {});
  const toggle = (option: FormatBound & keyof Choice, text: React.ReactNode) =>
    shows(option, choice.format) && (
      <label className="toggle">
        <input type="checkbox" {...form.register(option)} />
        <span>
          {text} <span className="muted">({appliesTo[option].flag})</span>
        </span>
      </label>
    );

  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export a dataset</h2>
      <div className="form">
        <fieldset>
          <legend>Format</legend>
          {exportFormats.map((f) => (
            <label key={f} className="toggle option">
              <input type="radio" value={f} {...form.register('format')} />
              <span>
                <strong>{f}</strong> <span className="muted">{descriptions[f]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="row">
          <label>
            Split
            <select {...form.register('split')}>
              <option value="">All conversations</option>
              <option value="train">Train only</option>
              <option value="test">Test only</option>
            </select>
          </label>
          {choice.split && (
            <label>
              Test share (0–1; blank: 0.1)
              <input inputMode="decimal" {...form.register('testShare')} {...invalid('testShare')} />
              {problem('testShare')}
            </label>
          )}
          {showsRows(choice) && (
            <label>
              Rows
              <select {...form.register('rows')}>
                <option value="per-trainer">One per trainer’s ranking</option>
                <option value="consensus">One consensus ranking per comparison</option>
              </select>
            </label>
          )}
          {showsMinAgreement(choice) && (
            <label>
              Minimum agreement (0–1; blank: every comparison)
              <input inputMode="decimal" {...form.register('minAgreement')} {...invalid('minAgreement')} />
              {problem('minAgreement')}
            </label>
          )}
          {shows('hhSystem', choice.format) && (
            <label>
              System prompt <span className="muted">({appliesTo.hhSystem.flag})</span>
              <select {...form.register('hhSystem')}>
                <option value="drop">Drop it (HH-RLHF has none)</option>
                <option value="fold">Fold it into the first Human turn</option>
              </select>
            </label>
          )}
        </div>
        {toggle(
          'margin',
          <>
            Add a <code>margin</code> to every row (rank groups between chosen and rejected)
          </>,
        )}
        {toggle('includeTopRanked', 'Also include each comparison’s top-ranked answer (its consensus winner, where no tie shares the top)')}
        {toggle(
          'withFeatures',
          <>
            Add <code>features</code> for bias studies (lengths, shown positions, time spent, suggestions)
          </>,
        )}
        {toggle(
          'provenance',
          <>
            Add each message’s <code>provenance</code> (author, model, suggestion edit distance)
          </>,
        )}
        {toggle('singleTurn', 'Leave out rows whose input holds an assistant turn (OpenAI’s preference fine-tuning takes single-turn inputs)')}
        {toggle(
          'withSource',
          <>
            Add <code>source_id</code>, the <code>id</code> of your import line, to every row
          </>,
        )}
        {toggle(
          'history',
          <>
            Add every earlier version of each ranking, as <code>history</code>
          </>,
        )}
      </div>
      {otherIssues.length > 0 && (
        <p role="alert" className="error">
          {otherIssues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}
        </p>
      )}
      {countError && (
        <p role="alert" className="error">
          {countError}
        </p>
      )}
      <p role="status" data-testid="export-rows">
        {view && !countError && (rows === undefined ? 'Counting records…' : plural(rows, 'record'))}
      </p>
      {emptyBecause && (
        <p className="muted" data-testid="export-empty">
          {emptyBecause}
        </p>
      )}
      {rows !== undefined && rows > 0 && choice.singleTurn && shows('singleTurn', choice.format) && count.data!.multiTurnRows > 0 && (
        <p className="muted">Leaves out {formatCount(count.data!.multiTurnRows)} rows whose input holds an assistant turn.</p>
      )}
      {rows !== undefined && rows > 0 && shows('hhSystem', choice.format) && choice.hhSystem === 'drop' && count.data!.droppedSystemPrompts > 0 && (
        <p className="muted">
          Drops the system prompt of {formatCount(count.data!.droppedSystemPrompts)} rows (HH-RLHF has none); “Fold it into the first Human turn” keeps it.
        </p>
      )}
      {view && rows !== 0 && (
        <div className="actions start">
          <a
            className={`button primary${rows === undefined ? ' disabled' : ''}`}
            href={rows === undefined ? undefined : `/api/v1/projects/${slug}/export?${view.query}`}
            download
          >
            Download JSONL
          </a>
        </div>
      )}
      <div className="scripting">
        <h3>Script it</h3>
        {!view ? (
          <p className="muted">The command line and the curl line appear once the options above are valid.</p>
        ) : (
          <>
            <p className="muted">
              The same export from the command line. It runs on the server machine, in the folder Ordinal runs from, and reads the server’s database directly:
            </p>
            {view.cli ? (
              <CopyableCommand key={view.cli} label="command" command={view.cli} testId="export-cli" />
            ) : database.error ? (
              <p role="alert" className="error">
                {errorMessage(database.error)}
              </p>
            ) : (
              <p className="muted">Asking the server for its database file…</p>
            )}
            <p className="muted">Or over HTTP from anywhere, with an API token (Account page) in ORDINAL_TOKEN:</p>
            <CopyableCommand key={apiUrl} label="curl line" command={`curl -H "Authorization: Bearer $ORDINAL_TOKEN" '${apiUrl}'`} testId="export-curl" />
          </>
        )}
      </div>
    </section>
  );
}
