import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { answerLabels, formatOrder } from '#shared/answer-labels.ts';
import { comparisonStatuses, DISPUTED_BELOW, type ComparisonListItem, type ComparisonStatus } from '#shared/comparisons.ts';
import { errorMessage } from '../../lib/api.ts';
import { count, percent, plural } from '../../lib/format.ts';
import { useDebouncedValue } from '../../lib/use-debounced-value.ts';
import { useAskForMoreRankings } from './api/ask-for-more-rankings.ts';
import { isSearch, PAGE, useComparisons, type ComparisonFilters } from './api/get-comparisons.ts';
import { GoldDialog } from './GoldDialog.tsx';
import { metadataPairs } from './metadata.ts';
import './browse.css';

const statuses: Record<ComparisonStatus, string> = {
  all: 'All',
  open: 'Open: waiting for rankings',
  complete: 'Complete',
  disputed: 'Disputed: agreement under…',
  gold: 'Gold',
  skipped: 'Skipped by a trainer',
  flagged: 'With a flagged answer',
  ranked: 'With at least one ranking',
};

/** The list's filters live in the address, so that going back from a comparison finds the list as it was, and a link shares it. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo((): ComparisonFilters => {
    const below = Number(params.get('below') ?? DISPUTED_BELOW);
    return {
      status: comparisonStatuses.find((s) => s === params.get('status')) ?? 'all',
      disputedBelow: Number.isFinite(below) ? Math.min(Math.max(below, 0), 1) : DISPUTED_BELOW,
      sort: params.get('sort') === 'agreement' ? 'agreement' : 'id',
      order: params.get('order') === 'desc' ? 'desc' : 'asc',
      q: params.get('q') ?? '',
      metaKey: params.get('metaKey') ?? '',
      metaValue: params.get('metaValue') ?? '',
    };
  }, [params]);
  const set = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null || value === '') next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );
  return { filters, set };
}

function SortHeader({
  label,
  by,
  filters,
  set,
}: {
  label: string;
  by: 'id' | 'agreement';
  filters: ComparisonFilters;
  set: ReturnType<typeof useFilters>['set'];
}) {
  const active = filters.sort === by;
  // Agreement starts lowest first, where the disputed ones are; ids start with the first imported.
  const toggle = () => set({ sort: by === 'id' ? null : by, order: active && filters.order === 'asc' ? 'desc' : null });
  return (
    <th scope="col" aria-sort={active ? (filters.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="link" onClick={toggle}>
        {label}
        {active ? (filters.order === 'asc' ? ' ↑' : ' ↓') : ''}
      </button>
    </th>
  );
}

function Row({ c, overlap, onGold, onMore, busy }: { c: ComparisonListItem; overlap: number; onGold: () => void; onMore: () => void; busy: boolean }) {
  const labels = c.consensus && answerLabels(c.consensus.flat());
  return (
    <tr>
      <td>
        <Link to={`/comparisons/${c.id}`}>{c.id}</Link>
      </td>
      <td className="source-id">{c.sourceId}</td>
      <td>
        <Link to={`/comparisons/${c.id}`} className="plain">
          {c.prompt}
        </Link>
        {c.metadata && (
          <div className="metadata small muted">
            {metadataPairs(c.metadata).map(([key, value]) => (
              <span key={key}>
                {key}: {value}
              </span>
            ))}
          </div>
        )}
      </td>
      <td>{count(c.candidates)}</td>
      <td>
        {c.gold ? (
          <span className="badge">gold</span>
        ) : (
          <>
            {count(c.rankingCount)} / {count(overlap + c.extraOverlap)}
            {c.done ? ' ✓' : ''}
          </>
        )}
        {c.skips > 0 && <span className="badge">skipped {count(c.skips)}</span>}
        {c.flagged > 0 && <span className="badge warn">flagged {count(c.flagged)}</span>}
      </td>
      <td data-testid="agreement">{percent(c.agreement)}</td>
      <td className="order">{labels ? formatOrder(c.consensus!, labels) : '—'}</td>
      <td className="row-actions">
        {!c.gold && (
          <>
            <button type="button" className="link" onClick={onGold} disabled={!c.consensus}>
              Gold…
            </button>
            <button type="button" className="link" onClick={onMore} disabled={busy} title="Send it back to the queue for one more trainer's ranking">
              +1 ranking
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

/** A project's comparisons, searched, filtered and sorted, 50 at a time, with their source ids, progress and agreement. */
export function ComparisonsList({ slug, overlap }: { slug: string; overlap: number }) {
  const { filters, set } = useFilters();
  // What is typed is asked for once per pause, not per keystroke; the rest at once.
  const q = useDebouncedValue(filters.q, 300);
  const metaKey = useDebouncedValue(filters.metaKey, 300);
  const metaValue = useDebouncedValue(filters.metaValue, 300);
  const { status, disputedBelow, sort, order } = filters;
  const asked = useMemo(() => ({ status, disputedBelow, sort, order, q, metaKey, metaValue }), [status, disputedBelow, sort, order, q, metaKey, metaValue]);
  const list = useComparisons(slug, asked);
  const more = useAskForMoreRankings(slug);
  const [goldFor, setGoldFor] = useState<ComparisonListItem | null>(null);
  const pages = list.data?.pages ?? [];
  const items = pages.flatMap((page) => page.comparisons);
  const failure = list.error ?? more.error;
  const error = failure ? errorMessage(failure) : null;
  const loading = list.isPending || list.isFetchingNextPage;
  const lastNext = pages.at(-1)?.nextAfter ?? null;
  const searchPending = pages[0]?.searchPending ?? 0;

  // Each request looks through a bounded part of a large project: while a page is not full and
  // there is more to look through, look on (each request stays short, so trainers are not held up).
  const { hasNextPage, isFetching, fetchNextPage } = list;
  useEffect(() => {
    if (hasNextPage && !isFetching && items.length < PAGE) void fetchNextPage();
  }, [hasNextPage, isFetching, items.length, fetchNextPage]);

  return (
    <section className="panel browse" aria-labelledby="browse-title">
      <div className="page-head">
        <h2 id="browse-title">Comparisons</h2>
      </div>
      <form role="search" className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="grow">
          Search
          <input
            type="search"
            value={filters.q}
            onChange={(e) => set({ q: e.target.value })}
            placeholder="a source id such as nine-1, or words of the prompt or answers"
          />
        </label>
        <label>
          Metadata key
          <input value={filters.metaKey} onChange={(e) => set({ metaKey: e.target.value })} placeholder="e.g. source" />
        </label>
        <label>
          Metadata value
          <input value={filters.metaValue} onChange={(e) => set({ metaValue: e.target.value })} placeholder="any value" disabled={!filters.metaKey} />
        </label>
        <label>
          Show
          <select
            value={filters.status}
            // Disputed ones are wanted worst first: the list sorts them by agreement, lowest first.
            onChange={(e) => set({ status: e.target.value, ...(e.target.value === 'disputed' ? { sort: 'agreement', order: null } : {}) })}
          >
            {Object.entries(statuses).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {filters.status === 'disputed' && (
          <label>
            Agreement under (%)
            <input
              type="number"
              min={0}
              max={100}
              step={5}
              value={Math.round(filters.disputedBelow * 100)}
              onChange={(e) => set({ below: e.target.value === '' ? null : String(Number(e.target.value) / 100) })}
            />
          </label>
        )}
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="scroll">
        <table className="list" aria-label="Comparisons">
          <thead>
            <tr>
              <SortHeader label="#" by="id" filters={filters} set={set} />
              <th scope="col">Source id</th>
              <th scope="col">Prompt</th>
              <th scope="col">Answers</th>
              <th scope="col">Rankings</th>
              <SortHeader label="Agreement" by="agreement" filters={filters} set={set} />
              <th scope="col">Consensus</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <Row
                key={c.id}
                c={c}
                overlap={overlap}
                onGold={() => setGoldFor(c)}
                onMore={() => more.mutate(c.id)}
                busy={more.isPending && more.variables === c.id}
              />
            ))}
          </tbody>
        </table>
      </div>
      {isSearch(asked) && searchPending > 0 && (
        <p className="muted small" role="status">
          {plural(searchPending, 'comparison')} were just added and are not searchable yet; this list updates as they are.
        </p>
      )}
      {filters.sort === 'agreement' && <p className="muted small">Sorted by agreement: only comparisons ranked by two or more trainers have one.</p>}
      {loading && <p className="muted">Looking…</p>}
      {!loading && !list.hasNextPage && items.length === 0 && <p className="muted">No comparisons match.</p>}
      {!loading && lastNext !== null && items.length >= PAGE && (
        <button type="button" onClick={() => void list.fetchNextPage()}>
          Show more
        </button>
      )}
      {goldFor?.consensus && <GoldDialog comparisonId={goldFor.id} slug={slug} initial={goldFor.consensus} onClose={() => setGoldFor(null)} />}
    </section>
  );
}
