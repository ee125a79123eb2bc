import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { bothNames } from '#shared/answer-labels.ts';
import type { TrainerStats } from '#shared/stats.ts';
import { TheirLetters } from '../../components/TheirLetters.tsx';
import { errorMessage } from '../../lib/api.ts';
import { useReview } from './api/get-review.ts';
import { useStats } from './api/get-stats.ts';
import { count, decimal, percent, plural, seconds } from '../../lib/format.ts';
import './quality.css';

type Column = { key: keyof TrainerStats; label: string; format: (t: TrainerStats) => string };
const columns: Column[] = [
  { key: 'username', label: 'Trainer', format: (t) => t.username },
  { key: 'rankings', label: 'Rankings', format: (t) => count(t.rankings) },
  { key: 'perHour', label: 'Per hour', format: (t) => decimal(t.perHour, 1) },
  { key: 'agreement', label: 'Agreement', format: (t) => percent(t.agreement) },
  { key: 'kendallTau', label: 'τ-b', format: (t) => decimal(t.kendallTau) },
  { key: 'goldAccuracy', label: 'Gold', format: (t) => percent(t.goldAccuracy) },
  { key: 'longerPreferred', label: 'Longer preferred', format: (t) => percent(t.longerPreferred) },
  { key: 'medianMs', label: 'Median time', format: (t) => seconds(t.medianMs) },
  { key: 'shownOrderSubmissions', label: 'As shown', format: (t) => count(t.shownOrderSubmissions) },
  { key: 'fastAnswers', label: 'Too fast', format: (t) => count(t.fastAnswers) },
];

function Chart({ title, description, children }: { title: string; description: string; children: React.ReactElement }) {
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong>
        <span className="muted"> {description}</span>
      </figcaption>
      <div className="chart-area">
        <ResponsiveContainer width="100%" height={220}>
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** Bars of shares from 0 to 100%, optionally with the 50% line an unbiased trainer would sit on. */
function ShareChart(props: { title: string; description: string; data: object[]; x: string; y: string; name: string; fill?: string; evenLine?: boolean }) {
  return (
    <Chart title={props.title} description={props.description}>
      <BarChart data={props.data} accessibilityLayer>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey={props.x} fontSize={12} />
        <YAxis domain={[0, 1]} tickFormatter={(v: number) => percent(v, 0)} fontSize={12} />
        <Tooltip formatter={(v) => percent(Number(v))} />
        {props.evenLine && <ReferenceLine y={0.5} stroke="var(--muted)" strokeDasharray="4 4" />}
        <Bar dataKey={props.y} name={props.name} fill={props.fill ?? 'var(--accent)'} isAnimationActive={false} />
      </BarChart>
    </Chart>
  );
}

function TrainerTable({ trainers }: { trainers: TrainerStats[] }) {
  const [sort, setSort] = useState<{ key: keyof TrainerStats; descending: boolean }>({ key: 'rankings', descending: true });
  const sorted = useMemo(() => {
    const value = (t: TrainerStats) => t[sort.key];
    return [...trainers].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
      return sort.descending && x !== null && y !== null ? -order : order;
    });
  }, [trainers, sort]);
  return (
    <div className="scroll">
      <table className="list trainers" aria-label="Trainers">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button
                  type="button"
                  className="link"
                  onClick={() => setSort((s) => ({ key: c.key, descending: s.key === c.key ? !s.descending : c.key !== 'username' }))}
                >
                  {c.label}
                  {sort.key === c.key ? (sort.descending ? ' ↓' : ' ↑') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {/* The mark is the server's (shared/quality.ts prefersLonger), as in `stats --json` and the CLI table. */}
          {sorted.map((t) => (
            <tr key={t.username} className={t.prefersLonger ? 'alert-row' : undefined}>
              {columns.map((c) => (
                <td key={c.key}>
                  {c.format(t)}
                  {c.key === 'longerPreferred' && t.prefersLonger && (
                    <span className="badge warn" title={`${t.lengthPairs} pairs`}>
                      prefers longer
                    </span>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The researcher's view of how trustworthy a project's rankings are. */
export default function QualityDashboard({ slug }: { slug: string }) {
  const { data: stats, error: statsError } = useStats(slug);
  const { data: review, error: reviewError } = useReview(slug);
  const error = statsError ?? reviewError;

  if (error)
    return (
      <p role="alert" className="error">
        {errorMessage(error)}
      </p>
    );
  if (!stats) return <p className="muted">Computing…</p>;
  const positions = stats.positionBias.byShownPosition.map((rate, i) => ({
    position: `${i + 1}`,
    winRate: rate ?? 0,
    contests: stats.positionBias.contests[i],
  }));
  const lengthBuckets = stats.lengthBias.byLengthRatio.map((b) => ({ bucket: b.bucket, longerPreferred: b.longerPreferred ?? 0, pairs: b.pairs }));
  const agreementByTrainer = stats.trainers.filter((t) => t.agreement !== null).map((t) => ({ username: t.username, agreement: t.agreement }));

  return (
    <section className="panel quality" aria-label="Quality">
      <dl className="figures">
        <div>
          <dt>Pairwise agreement</dt>
          <dd data-testid="agreement-pairwise">{percent(stats.agreement.pairwise)}</dd>
          <dd className="muted small">over {plural(stats.agreement.comparisons, 'comparison')} ranked by 2+</dd>
        </div>
        <div>
          <dt>Kendall τ-b</dt>
          <dd data-testid="agreement-tau">{decimal(stats.agreement.kendallTau)}</dd>
          <dd className="muted small">{plural(stats.agreement.rankingPairs, 'ranking pair')}</dd>
        </div>
        <div>
          <dt>Longer answer preferred</dt>
          <dd data-testid="longer-preferred">{percent(stats.lengthBias.longerPreferred)}</dd>
          <dd className="muted small">{plural(stats.lengthBias.pairs, 'untied pair')}</dd>
        </div>
        <div>
          <dt>Gold accuracy</dt>
          <dd data-testid="gold-accuracy">{percent(stats.gold.accuracy)}</dd>
          <dd className="muted small">
            {plural(stats.gold.answers, 'answer')} on {plural(stats.gold.comparisons, 'gold item')}
          </dd>
        </div>
        <div>
          <dt>Median time</dt>
          <dd>{seconds(stats.time.medianMs)}</dd>
          <dd className="muted small">
            {count(stats.suspicious.fastAnswers)} under {seconds(stats.time.fastThresholdMs)}
          </dd>
        </div>
        <div>
          <dt>Submitted as shown</dt>
          <dd>{count(stats.suspicious.shownOrderSubmissions)}</dd>
          <dd className="muted small">of {plural(stats.rankings, 'ranking')}</dd>
        </div>
      </dl>

      <div className="charts">
        <Chart title="Rankings per day" description="progress over time">
          <BarChart data={stats.timeline} accessibilityLayer>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="date" fontSize={12} />
            <YAxis allowDecimals={false} tickFormatter={count} fontSize={12} />
            <Tooltip />
            <Bar dataKey="rankings" fill="var(--accent)" isAnimationActive={false} />
          </BarChart>
        </Chart>
        <ShareChart
          title="Win rate by shown position"
          description="unbiased trainers give every position about 50%"
          data={positions}
          x="position"
          y="winRate"
          name="win rate"
          evenLine
        />
        <ShareChart
          title="Longer answer preferred, by length ratio"
          description="how often the longer of two answers won"
          data={lengthBuckets}
          x="bucket"
          y="longerPreferred"
          name="longer preferred"
          fill="var(--tie)"
          evenLine
        />
        <ShareChart
          title="Agreement with the others’ consensus"
          description="per trainer, leave-one-out"
          data={agreementByTrainer}
          x="username"
          y="agreement"
          name="agreement"
        />
      </div>

      <h3>Trainers</h3>
      {stats.trainers.length ? <TrainerTable trainers={stats.trainers} /> : <p className="muted">Nobody has ranked yet.</p>}

      <h3>Review queue</h3>
      {review && (
        <div className="review">
          <div>
            <h4>Flagged answers ({count(review.flagged.length)})</h4>
            <ul>
              {review.flagged.map((f, i) => (
                <li key={i}>
                  <Link to={`/comparisons/${f.comparisonId}`}>Comparison {f.comparisonId}</Link>, {bothNames(f.candidateId, f.shownOrder, f.annotator)}:{' '}
                  {f.flags.join(', ')}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h4>Skipped, with reasons ({count(review.skips.length)})</h4>
            <ul>
              {review.skips.map((s, i) => (
                <li key={i}>
                  <Link to={`/comparisons/${s.comparisonId}`}>Comparison {s.comparisonId}</Link>: “{s.reason}” <span className="muted">({s.annotator})</span>
                  <TheirLetters text={s.reason} shownOrder={s.shownOrder} annotator={s.annotator} />
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h4>Notes ({count(review.notes.length)})</h4>
            <ul>
              {review.notes.map((n, i) => (
                <li key={i}>
                  <Link to={`/comparisons/${n.comparisonId}`}>Comparison {n.comparisonId}</Link>: “{n.note}” <span className="muted">({n.annotator})</span>
                  <TheirLetters text={n.note} shownOrder={n.shownOrder} annotator={n.annotator} />
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
