import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { useComparisons, type ComparisonStatus } from './api/get-comparisons.ts';

const statuses: Record<ComparisonStatus, string> = { all: 'All', open: 'Waiting for rankings', done: 'Complete', ranked: 'With at least one ranking' };

/** A project's comparisons, 50 at a time, with how many trainers ranked each. */
export function ComparisonsList({ slug, overlap }: { slug: string; overlap: number }) {
  const [status, setStatus] = useState<ComparisonStatus>('all');
  const list = useComparisons(slug, status);
  const items = list.data?.pages.flatMap((page) => page.comparisons) ?? [];
  const error = list.error ? errorMessage(list.error) : null;
  const loading = list.isPending || list.isFetchingNextPage;

  return (
    <section className="panel" aria-labelledby="browse-title">
      <div className="page-head">
        <h2 id="browse-title">Comparisons</h2>
        <label className="inline">
          Show
          <select value={status} onChange={(e) => setStatus(e.target.value as ComparisonStatus)}>
            {Object.entries(statuses).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
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
              <td>
                <Link to={`/comparisons/${c.id}`}>{c.id}</Link>
              </td>
              <td>
                <Link to={`/comparisons/${c.id}`} className="plain">
                  {c.prompt}
                </Link>
              </td>
              <td>{c.candidates}</td>
              <td>
                {c.rankingCount} / {overlap}
                {c.done ? ' ✓' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && items.length === 0 && <p className="muted">No comparisons here yet.</p>}
      {list.hasNextPage && items.length > 0 && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={loading}>
          {loading ? 'Loading…' : 'Show more'}
        </button>
      )}
    </section>
  );
}
