import { useForm } from 'react-hook-form';
import { exportFormats, exportOptionsSchema, type ExportFormat, type ExportOptions, type ExportOptionsInput } from '#shared/exports.ts';
import { describeIssues } from '#shared/validation.ts';
import { errorMessage } from '../../lib/api.ts';
import { useDebouncedValue } from '../../lib/use-debounced-value.ts';
import { useExportCount } from './api/get-export-count.ts';

const descriptions: Record<ExportFormat, string> = {
  rankings: 'Native and lossless: one record per trainer per comparison, with candidates, ties, ratings, flags and timing.',
  trl: 'TRL preference pairs (conversational, explicit prompt) for DPO and reward modelling.',
  'openai-dpo': 'OpenAI preference fine-tuning.',
  hh: 'Anthropic HH-RLHF text pairs.',
  sft: 'Chat fine-tuning from demonstrations (OpenAI chat format, TRL conversational).',
};

/**
 * The options as the form holds them: text inputs keep their text, and options that apply only to
 * some formats keep their value while hidden. `toOptions` turns them into the schema's input.
 */
interface Choice {
  format: ExportFormat;
  split: '' | NonNullable<ExportOptions['split']>;
  testShare: string;
  rows: ExportOptions['rows'];
  margin: boolean;
  includeTopRanked: boolean;
  withFeatures: boolean;
  provenance: boolean;
  minAgreement: string;
}

const initialChoice: Choice = {
  format: 'trl',
  split: '',
  testShare: '0.1',
  rows: 'per-trainer',
  margin: false,
  includeTopRanked: false,
  withFeatures: false,
  provenance: false,
  minAgreement: '',
};

/** The formats each format-bound option applies to, as shown: hidden where the server would refuse it. */
const shownFor = {
  margin: ['trl'],
  includeTopRanked: ['sft'],
  withFeatures: ['trl', 'rankings'],
  provenance: ['sft'],
} satisfies Partial<Record<keyof ExportOptionsInput, readonly ExportFormat[]>>;
const shows = (option: keyof typeof shownFor, format: ExportFormat) => (shownFor[option] as readonly ExportFormat[]).includes(format);

/** The choices as the export options schema takes them, leaving out what does not apply or is the default. */
function toOptions(c: Choice): ExportOptionsInput {
  return {
    format: c.format,
    ...(c.split && { split: c.split, ...(c.testShare !== '0.1' && { testShare: c.testShare }) }),
    ...(c.rows === 'consensus' && c.format !== 'sft' && { rows: 'consensus' as const }),
    ...(c.margin && shows('margin', c.format) && { margin: 'rank' as const }),
    ...(c.includeTopRanked && shows('includeTopRanked', c.format) && { includeTopRanked: 'true' as const }),
    ...(c.withFeatures && shows('withFeatures', c.format) && { withFeatures: 'true' as const }),
    ...(c.provenance && shows('provenance', c.format) && { provenance: 'true' as const }),
    ...(c.minAgreement.trim() && { minAgreement: c.minAgreement.trim() }),
  };
}

/** Each option's CLI flag, in the order the command line shows them; a flag without a value is a boolean. */
const cliFlags: Array<[keyof ExportOptionsInput, (value: string) => string]> = [
  ['split', (v) => `--split ${v}`],
  ['testShare', (v) => `--test-share ${v}`],
  ['rows', () => '--consensus'],
  ['margin', (v) => `--margin ${v}`],
  ['includeTopRanked', () => '--include-top-ranked'],
  ['withFeatures', () => '--with-features'],
  ['provenance', () => '--provenance'],
  ['minAgreement', (v) => `--min-agreement ${v}`],
];

/** The export's options as query parameters and CLI flags: the same choices, side by side. */
function describe(slug: string, c: Choice) {
  const options = toOptions(c);
  const query = new URLSearchParams(Object.entries(options).map(([key, value]) => [key, String(value)]));
  const cli = ['npx ordinal export', `--project ${slug}`, `--format ${c.format}`];
  for (const [key, flag] of cliFlags) if (options[key] !== undefined) cli.push(flag(String(options[key])));
  const file = [slug, c.format, options.rows === 'consensus' ? 'consensus' : '', c.split].filter(Boolean).join('-') + '.jsonl';
  cli.push(`--out ${file}`);
  return { query: query.toString(), cli: cli.join(' ') };
}

/** What is wrong with the options, in the page's words (the schema checks them, as the server will). */
function problemOf(query: string) {
  const parsed = exportOptionsSchema.safeParse(Object.fromEntries(new URLSearchParams(query)));
  if (parsed.success) return null;
  const field = parsed.error.issues[0]?.path[0];
  if (field === 'testShare') return 'The test share must be a number from 0 to 1.';
  if (field === 'minAgreement') return 'The minimum agreement must be a number from 0 to 1.';
  return describeIssues(parsed.error);
}

export function ExportPanel({ slug }: { slug: string }) {
  const form = useForm<Choice>({ defaultValues: initialChoice });
  const choice = form.watch();
  const { query, cli } = describe(slug, choice);
  const problem = problemOf(query);
  const counted = useDebouncedValue(query, 250);
  const count = useExportCount(slug, counted, !problemOf(counted));
  const rows = counted === query ? count.data?.rows : undefined;
  const error = counted === query && count.error ? errorMessage(count.error) : null;
  const apiUrl = `${window.location.origin}/api/v1/projects/${slug}/export?${query}`;

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
              Test share (0–1)
              <input
                type="number"
                min={0}
                max={1}
                step={0.05}
                {...form.register('testShare')}
                aria-invalid={problem?.startsWith('The test share') || undefined}
              />
            </label>
          )}
          {choice.format !== 'sft' && (
            <label>
              Rows
              <select {...form.register('rows')}>
                <option value="per-trainer">One per trainer’s ranking</option>
                <option value="consensus">One consensus ranking per comparison</option>
              </select>
            </label>
          )}
        </div>
        {shows('margin', choice.format) && (
          <label className="toggle">
            <input type="checkbox" {...form.register('margin')} />
            Add a <code>margin</code> to every row (rank groups between chosen and rejected)
          </label>
        )}
        {shows('includeTopRanked', choice.format) && (
          <label className="toggle">
            <input type="checkbox" {...form.register('includeTopRanked')} />
            Also include each comparison’s consensus top answer
          </label>
        )}
        {shows('withFeatures', choice.format) && (
          <label className="toggle">
            <input type="checkbox" {...form.register('withFeatures')} />
            Add <code>features</code> for bias studies (lengths, shown positions, time spent, suggestions)
          </label>
        )}
        {shows('provenance', choice.format) && (
          <label className="toggle">
            <input type="checkbox" {...form.register('provenance')} />
            Add each message’s <code>provenance</code> (author, model, suggestion edit distance)
          </label>
        )}
        <label>
          Minimum agreement (0–1; blank for every comparison)
          <input type="number" min={0} max={1} step={0.05} {...form.register('minAgreement')} aria-invalid={problem?.startsWith('The minimum') || undefined} />
        </label>
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p role="status" data-testid="export-rows">
        {!problem && (rows === undefined ? 'Counting records…' : `${rows.toLocaleString('en')} record${rows === 1 ? '' : 's'}`)}
      </p>
      <div className="actions start">
        <a className={`button primary${problem ? ' disabled' : ''}`} href={!problem ? `/api/v1/projects/${slug}/export?${query}` : undefined} download>
          Download JSONL
        </a>
      </div>
      <div className="scripting">
        <h3>Script it</h3>
        <p className="muted">The same export from the command line, or over HTTP with an API token (Account page):</p>
        <pre>
          <code data-testid="export-cli">{cli}</code>
        </pre>
        <pre>
          <code data-testid="export-curl">{`curl -H "Authorization: Bearer $ORDINAL_TOKEN" '${apiUrl}'`}</code>
        </pre>
      </div>
    </section>
  );
}
