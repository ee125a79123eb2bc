import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { ComparisonListItem } from '#shared/comparisons.ts';
import { errorMessage } from '../../lib/api.ts';
import { fetchComparisons } from './api.ts';

const statuses = { all: 'All', open: 'Waiting for rankings', done: 'Complete', ranked: 'With at least one ranking' } as const;

/** A project's comparisons, 50 at a time, with how many trainers ranked each. */
export function ComparisonsList({ slug, overlap }: { slug: string; overlap: number }) {
  const [status, setStatus] = useState<keyof typeof statuses>('all');
  const [items, setItems] = useState<ComparisonListItem[]>([]);
  const [nextAfter, setNextAfter] = useState<number | null>(0);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async (after: number, replace: boolean) => {
    setLoading(true);
    setError(null);
    try {
      const page = await fetchComparisons(slug, { after, status });
      setItems((old) => (replace ? page.comparisons : [...old, ...page.comparisons]));
      setNextAfter(page.nextAfter);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(0, true);
    // Reload from the start whenever the filter changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slug, status]);

  return (
    <section className="panel" aria-labelledby="browse-title">
      <div className="page-head">
        <h2 id="browse-title">Comparisons</h2>
        <label className="inline">
          Show
          <select value={status} onChange={(e) => setStatus(e.target.value as keyof typeof statuses)}>
            {Object.entries(statuses).map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
        </label>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <table className="list">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Prompt</th>
            <th scope="col">Answers</th>
            <th scope="col">Rankings</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <td><Link to={`/comparisons/${c.id}`}>{c.id}</Link></td>
              <td><Link to={`/comparisons/${c.id}`} className="plain">{c.prompt}</Link></td>
              <td>{c.candidates}</td>
              <td>{c.rankingCount} / {overlap}{c.done ? ' ✓' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && items.length === 0 && <p className="muted">No comparisons here yet.</p>}
      {nextAfter !== null && items.length > 0 && (
        <button type="button" onClick={() => void load(nextAfter, false)} disabled={loading}>{loading ? 'Loading…' : 'Show more'}</button>
      )}
    </section>
  );
}
