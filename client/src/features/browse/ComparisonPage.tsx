import { Link, useParams } from 'react-router';
import { Markdown } from '../../components/Markdown.tsx';
import { Conversation } from '../../components/Conversation.tsx';
import { errorMessage } from '../../lib/api.ts';
import { candidateLabel, seconds } from '../../lib/format.ts';
import { useComparison } from './api/get-comparison.ts';
import { useSetGold } from './api/set-gold.ts';

/** Everything about one comparison for a researcher: context, candidates with provenance, every ranking. */
export function ComparisonPage() {
  const { id = '' } = useParams();
  const { data: comparison, error: loadError } = useComparison(id);
  const gold = useSetGold(id);
  const failure = gold.error ?? loadError;
  const error = failure ? errorMessage(failure) : null;
  const setGold = (ranking: string[][] | null) => gold.mutate(ranking);

  if (error && !comparison)
    return (
      <main className="page">
        <p role="alert" className="error">
          {error}
        </p>
      </main>
    );
  if (!comparison) return <p className="page muted">Loading…</p>;
  const label = new Map(comparison.candidates.map((c, i) => [c.id, candidateLabel(i)]));
  const show = (ids: string[]) => ids.map((x) => label.get(x) ?? x).join(' = ');

  return (
    <main className="page">
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
      {comparison.goldRanking && (
        <p>
          Gold order: <strong>{comparison.goldRanking.map((g) => show(g)).join(' > ')}</strong>. Trainers get it unannounced at the project’s gold rate.{' '}
          <button type="button" className="link" onClick={() => setGold(null)}>
            Make it ordinary again
          </button>
        </p>
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
        <h2 id="rankings-title">Rankings ({comparison.rankings.length})</h2>
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
                  <th scope="col">Shown as</th>
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
                    <td className="order">{r.ranking.map((group) => show(group)).join(' > ')}</td>
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
                            {label.get(c)}: {f.join(', ')}
                          </div>
                        ))}
                    </td>
                    <td>{r.note}</td>
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
    </main>
  );
}
