import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { answerLabels, bothNames, formatOrder } from '#shared/answer-labels.ts';
import { Markdown } from '../../components/Markdown.tsx';
import { Conversation } from '../../components/Conversation.tsx';
import { TheirLetters } from '../../components/TheirLetters.tsx';
import { errorMessage } from '../../lib/api.ts';
import { count, percent, seconds } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useAskForMoreRankings } from './api/ask-for-more-rankings.ts';
import { useComparison } from './api/get-comparison.ts';
import { useSetGold } from './api/set-gold.ts';
import { GoldDialog } from './GoldDialog.tsx';
import { metadataPairs } from './metadata.ts';
import './browse.css';

/** Everything about one comparison for a researcher: where it came from, context, candidates with provenance, every ranking and skip, agreement. */
export function ComparisonPage() {
  const { id = '' } = useParams();
  const { data: comparison, error: loadError } = useComparison(id);
  const slug = comparison?.project ?? '';
  const gold = useSetGold(slug);
  const more = useAskForMoreRankings(slug);
  const [editingGold, setEditingGold] = useState(false);
  const failure = gold.error ?? more.error ?? loadError;
  const error = failure ? errorMessage(failure) : null;
  const setGold = (ranking: string[][] | null) => gold.mutate({ id, ranking });
  useDocumentTitle(`Comparison ${id}`, comparison?.project);

  if (error && !comparison)
    return (
      <main className="page">
        <p role="alert" className="error">
          {error}
        </p>
      </main>
    );
  if (!comparison) return <p className="page muted">Loading…</p>;
  const label = answerLabels(comparison.candidates.map((c) => c.id));
  const show = (ids: string[]) => ids.map((x) => label.get(x) ?? x).join(' = ');

  return (
    <main className="page browse">
      <p>
        <Link to={`/projects/${comparison.project}/comparisons`}>← {comparison.project}: comparisons</Link>
      </p>
      <h1>
        Comparison {comparison.id}
        {comparison.goldRanking && <span className="badge"> gold</span>}
      </h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <dl className="facts" aria-label="About this comparison">
        <div>
          <dt>Source id</dt>
          <dd data-testid="source-id">{comparison.sourceId}</dd>
        </div>
        {comparison.metadata &&
          metadataPairs(comparison.metadata, Infinity).map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        <div>
          <dt>Rankings</dt>
          <dd data-testid="ranking-progress">
            {comparison.goldRanking ? count(comparison.rankingCount) : `${count(comparison.rankingCount)} of ${count(comparison.overlap)}`}
            {comparison.done && !comparison.goldRanking ? ' ✓' : ''}
            {comparison.extraOverlap > 0 && <span className="muted small"> ({count(comparison.extraOverlap)} more than the project’s overlap asked for)</span>}
          </dd>
        </div>
        <div>
          <dt>Agreement</dt>
          <dd data-testid="agreement">{percent(comparison.agreement)}</dd>
        </div>
        <div>
          <dt>Consensus</dt>
          <dd data-testid="consensus" className="order">
            {comparison.consensus ? formatOrder(comparison.consensus, label) : '—'}
          </dd>
        </div>
      </dl>
      {comparison.goldRanking ? (
        <p>
          Gold order: <strong>{formatOrder(comparison.goldRanking, label)}</strong>. Trainers get it unannounced at the project’s gold rate.{' '}
          <button type="button" className="link" onClick={() => setEditingGold(true)}>
            Change the gold order…
          </button>{' '}
          <button type="button" className="link" onClick={() => setGold(null)}>
            Make it ordinary again
          </button>
        </p>
      ) : (
        <div className="actions start">
          <button type="button" onClick={() => setEditingGold(true)}>
            Mark as gold…
          </button>
          <button type="button" onClick={() => more.mutate(id)} disabled={more.isPending}>
            Ask for one more ranking
          </button>
        </div>
      )}
      {editingGold && (
        <GoldDialog
          comparisonId={comparison.id}
          slug={slug}
          initial={comparison.goldRanking ?? comparison.consensus ?? comparison.candidates.map((c) => [c.id])}
          onClose={() => setEditingGold(false)}
        />
      )}
      <section aria-label="Context">
        <Conversation messages={comparison.context} />
      </section>
      <section aria-labelledby="candidates-title">
        <h2 id="candidates-title">Candidates</h2>
        <ol className="candidates">
          {comparison.candidates.map((c) => (
            <li key={c.id} className="card">
              <div className="card-head">
                <strong>Answer {label.get(c.id)}</strong>
                <span className="muted">id {c.id}</span>
                <span className="spacer" />
                <span className="provenance">
                  {c.model ? `model ${c.model}` : c.author ? `written by ${c.author}` : 'no provenance'}
                  {c.servedModel && ` (the server said ${c.servedModel})`}
                  {c.params &&
                    ` · ${Object.entries(c.params)
                      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                      .join(' ')}`}
                  {c.finishReason && ` · finish ${c.finishReason}`}
                </span>
              </div>
              <Markdown text={c.content} />
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="rankings-title">
        <h2 id="rankings-title">Rankings ({count(comparison.rankings.length)})</h2>
        {comparison.rankings.length === 0 ? (
          <p className="muted">Nobody has ranked this comparison yet.</p>
        ) : (
          <div className="scroll">
            <table className="list">
              <thead>
                <tr>
                  <th scope="col">Trainer</th>
                  <th scope="col">Order (best first)</th>
                  <th scope="col">Ratings</th>
                  <th scope="col">Flags</th>
                  <th scope="col">Note</th>
                  <th scope="col">Time</th>
                  <th scope="col" title="The answers in the order this trainer saw them: their A, B, C…">
                    Shown as
                  </th>
                  <th scope="col">Version</th>
                  <th scope="col">
                    <span className="visually-hidden">Gold</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {comparison.rankings.map((r) => (
                  <tr key={r.annotator}>
                    <td>{r.annotator}</td>
                    <td className="order">{formatOrder(r.ranking, label)}</td>
                    <td>
                      {Object.entries(r.ratings).map(([c, values]) => (
                        <div key={c}>
                          {label.get(c)}:{' '}
                          {Object.entries(values)
                            .map(([k, v]) => `${k} ${v}`)
                            .join(', ')}
                        </div>
                      ))}
                    </td>
                    <td>
                      {Object.entries(r.flags)
                        .filter(([, f]) => f.length)
                        .map(([c, f]) => (
                          <div key={c}>
                            {bothNames(c, r.shownOrder, r.annotator)}: {f.join(', ')}
                          </div>
                        ))}
                    </td>
                    <td>
                      {r.note}
                      <TheirLetters text={r.note} shownOrder={r.shownOrder} annotator={r.annotator} />
                    </td>
                    <td>{seconds(r.durationMs)}</td>
                    <td>{show(r.shownOrder).replaceAll(' = ', ', ')}</td>
                    <td title={`first submitted ${r.createdAt}`}>
                      {r.revision} · {new Date(r.updatedAt).toLocaleString()}
                    </td>
                    <td>
                      <button type="button" className="link" onClick={() => setGold(r.ranking)}>
                        Use as gold
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {comparison.skips.length > 0 && (
        <section aria-labelledby="skips-title">
          <h2 id="skips-title">Skipped ({count(comparison.skips.length)})</h2>
          <ul className="skips">
            {comparison.skips.map((s) => (
              <li key={`${s.annotator}-${s.at}`}>
                <strong>{s.annotator}</strong>: “{s.reason}” <span className="muted small">{new Date(s.at).toLocaleString()}</span>
                <TheirLetters text={s.reason} shownOrder={s.shownOrder} annotator={s.annotator} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
