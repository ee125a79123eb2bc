import { useEffect, useMemo, useState } from 'react';
import { exportCountSchema, exportFormats, exportOptionsSchema, type ExportFormat } from '#shared/exports.ts';
import { api, errorMessage } from '../../lib/api.ts';

const descriptions: Record<ExportFormat, string> = {
  rankings: 'Native and lossless: one record per trainer per comparison, with candidates, ties, ratings, flags and timing.',
  trl: 'TRL preference pairs (conversational, explicit prompt) for DPO and reward modelling.',
  'openai-dpo': 'OpenAI preference fine-tuning.',
  hh: 'Anthropic HH-RLHF text pairs.',
  sft: 'Chat fine-tuning from demonstrations (OpenAI chat format, TRL conversational).',
};

interface Choice {
  format: ExportFormat;
  split: '' | 'train' | 'test';
  testShare: string;
  rows: 'per-trainer' | 'consensus';
  margin: boolean;
  includeTopRanked: boolean;
}

/** The export's options as query parameters and CLI flags: the same choices, side by side. */
function describe(slug: string, c: Choice) {
  const query = new URLSearchParams({ format: c.format });
  const cli = ['npx ordinal export', `--project ${slug}`, `--format ${c.format}`];
  if (c.split) {
    query.set('split', c.split);
    cli.push(`--split ${c.split}`);
    if (c.testShare !== '0.1') {
      query.set('testShare', c.testShare);
      cli.push(`--test-share ${c.testShare}`);
    }
  }
  if (c.rows === 'consensus' && c.format !== 'sft') {
    query.set('rows', 'consensus');
    cli.push('--consensus');
  }
  if (c.margin && c.format === 'trl') {
    query.set('margin', 'rank');
    cli.push('--margin rank');
  }
  if (c.includeTopRanked && c.format === 'sft') {
    query.set('includeTopRanked', 'true');
    cli.push('--include-top-ranked');
  }
  const file = [slug, c.format, c.rows === 'consensus' && c.format !== 'sft' ? 'consensus' : '', c.split].filter(Boolean).join('-') + '.jsonl';
  cli.push(`--out ${file}`);
  return { query: query.toString(), cli: cli.join(' ') };
}

export function ExportPanel({ slug }: { slug: string }) {
  const [choice, setChoice] = useState<Choice>({ format: 'trl', split: '', testShare: '0.1', rows: 'per-trainer', margin: false, includeTopRanked: false });
  const [rows, setRows] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { query, cli } = useMemo(() => describe(slug, choice), [slug, choice]);
  const set = <K extends keyof Choice>(key: K, value: Choice[K]) => setChoice((c) => ({ ...c, [key]: value }));
  const valid = exportOptionsSchema.safeParse(Object.fromEntries(new URLSearchParams(query)));
  const apiUrl = `${window.location.origin}/api/v1/projects/${slug}/export?${query}`;

  useEffect(() => {
    if (!valid.success) return;
    let current = true;
    setRows(null);
    setError(null);
    const timer = setTimeout(() => {
      api('GET', `/projects/${slug}/export/count?${query}`, { schema: exportCountSchema }).then(
        (r) => current && setRows(r.rows),
        (e) => current && setError(errorMessage(e)),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [slug, query, valid.success]);

  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export a dataset</h2>
      <div className="form">
        <fieldset>
          <legend>Format</legend>
          {exportFormats.map((f) => (
            <label key={f} className="toggle option">
              <input type="radio" name="format" value={f} checked={choice.format === f} onChange={() => set('format', f)} />
              <span><strong>{f}</strong> <span className="muted">{descriptions[f]}</span></span>
            </label>
          ))}
        </fieldset>
        <div className="row">
          <label>
            Split
            <select value={choice.split} onChange={(e) => set('split', e.target.value as Choice['split'])}>
              <option value="">All conversations</option>
              <option value="train">Train only</option>
              <option value="test">Test only</option>
            </select>
          </label>
          {choice.split && (
            <label>
              Test share (0–1)
              <input type="number" min={0} max={1} step={0.05} value={choice.testShare} onChange={(e) => set('testShare', e.target.value)} aria-invalid={!valid.success} />
            </label>
          )}
          {choice.format !== 'sft' && (
            <label>
              Rows
              <select value={choice.rows} onChange={(e) => set('rows', e.target.value as Choice['rows'])}>
                <option value="per-trainer">One per trainer’s ranking</option>
                <option value="consensus">One consensus ranking per comparison</option>
              </select>
            </label>
          )}
        </div>
        {choice.format === 'trl' && (
          <label className="toggle">
            <input type="checkbox" checked={choice.margin} onChange={(e) => set('margin', e.target.checked)} />
            Add a <code>margin</code> to every row (rank groups between chosen and rejected)
          </label>
        )}
        {choice.format === 'sft' && (
          <label className="toggle">
            <input type="checkbox" checked={choice.includeTopRanked} onChange={(e) => set('includeTopRanked', e.target.checked)} />
            Also include each comparison’s consensus top answer
          </label>
        )}
      </div>
      {!valid.success && <p role="alert" className="error">The test share must be a number from 0 to 1.</p>}
      {error && <p role="alert" className="error">{error}</p>}
      <p role="status" data-testid="export-rows">
        {valid.success && (rows === null ? 'Counting records…' : `${rows.toLocaleString('en')} record${rows === 1 ? '' : 's'}`)}
      </p>
      <div className="actions start">
        <a className={`button primary${valid.success ? '' : ' disabled'}`} href={valid.success ? `/api/v1/projects/${slug}/export?${query}` : undefined} download>
          Download JSONL
        </a>
      </div>
      <div className="scripting">
        <h3>Script it</h3>
        <p className="muted">The same export from the command line, or over HTTP with an API token (Account page):</p>
        <pre><code data-testid="export-cli">{cli}</code></pre>
        <pre><code data-testid="export-curl">{`curl -H "Authorization: Bearer $ORDINAL_TOKEN" '${apiUrl}'`}</code></pre>
      </div>
    </section>
  );
}
