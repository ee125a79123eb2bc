import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type Modifier,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { NextComparison } from '#shared/comparisons.ts';
import type { ProjectSummary } from '#shared/projects.ts';
import { rankingProblems } from '#shared/ranking-rules.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Markdown } from '../../components/Markdown.tsx';
import { errorMessage } from '../../lib/api.ts';
import { candidateLabel } from '../../lib/format.ts';
import { useSession } from '../auth/session.tsx';
import { fetchProject } from '../../lib/projects.ts';
import { fetchNext, skipComparison, submitRanking } from './api.ts';
import { CandidateCard } from './CandidateCard.tsx';
import { Conversation } from '../../components/Conversation.tsx';
import { clearDraft, loadDraft, move, newDraft, ranks, saveDraft, toGroups, toggleTie, type Draft } from './draft.ts';

/** Cards move up and down only. */
const restrictToVerticalAxis: Modifier = ({ transform }) => ({ ...transform, x: 0 });

type Loaded = { state: 'loading' } | { state: 'done' } | { state: 'error'; message: string } | { state: 'ready'; next: NextComparison };

export function RankingPage() {
  const { slug = '' } = useParams();
  const { user } = useSession();
  const [project, setProject] = useState<ProjectSummary | null>(null);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [dialog, setDialog] = useState<null | 'guidelines' | 'shortcuts' | 'confirm-untouched' | 'skip'>(null);
  const [skipReason, setSkipReason] = useState('');
  const [comparing, setComparing] = useState<string[]>([]);
  const [completed, setCompleted] = useState(0);
  const shownAt = useRef(performance.now());
  const list = useRef<HTMLOListElement>(null);

  const loadNext = useCallback(async () => {
    setError(null);
    try {
      const next = await fetchNext(slug);
      if (!next) {
        setLoaded({ state: 'done' });
        setDraft(null);
        return;
      }
      const ids = next.comparison.candidates.map((c) => c.id);
      setDraft(loadDraft(user.username, next.comparison.id, ids) ?? newDraft(ids));
      setComparing([]);
      shownAt.current = performance.now();
      setLoaded({ state: 'ready', next });
      window.scrollTo({ top: 0 });
    } catch (e) {
      setLoaded({ state: 'error', message: errorMessage(e) });
    }
  }, [slug, user.username]);

  useEffect(() => {
    fetchProject(slug).then(setProject, (e) => setLoaded({ state: 'error', message: errorMessage(e) }));
    void loadNext();
  }, [slug, loadNext]);

  const comparison = loaded.state === 'ready' ? loaded.next.comparison : null;

  // Time on task: counted while the page is visible, kept with the draft across reloads.
  const elapsed = useCallback(() => (draft?.elapsedMs ?? 0) + (document.hidden ? 0 : performance.now() - shownAt.current), [draft]);
  useEffect(() => {
    const onVisibility = () => {
      if (!draft) return;
      if (document.hidden) {
        setDraft((d) => d && { ...d, elapsedMs: d.elapsedMs + (performance.now() - shownAt.current) });
      }
      shownAt.current = performance.now();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [draft]);

  useEffect(() => {
    if (comparison && draft) saveDraft(user.username, comparison.id, { ...draft, elapsedMs: elapsed() });
    // Saving on every change of the draft; elapsed is read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft, comparison, user.username]);

  const update = (change: (d: Draft) => Draft) => setDraft((d) => (d ? change(d) : d));

  const candidates = useMemo(() => new Map(comparison?.candidates.map((c, i) => [c.id, { ...c, label: candidateLabel(i) }]) ?? []), [comparison]);
  const rankOf = draft ? ranks(draft) : new Map<string, number>();

  const send = async (confirmedUntouched = false) => {
    if (!comparison || !draft || !project || submitting) return;
    const body = {
      ranking: toGroups(draft),
      ratings: draft.ratings,
      flags: draft.flags,
      note: draft.note.trim() || undefined,
      durationMs: Math.round(elapsed()),
    };
    const problems = rankingProblems(body, comparison.candidates.map((c) => c.id), project);
    if (problems.length) {
      setError(problems.map((p) => p.replace(/\b(\d+)\b/g, (id) => (candidates.has(id) ? `answer ${candidates.get(id)!.label}` : id))).join('. '));
      return;
    }
    if (!draft.touched && !confirmedUntouched) {
      setDialog('confirm-untouched');
      return;
    }
    setDialog(null);
    setSubmitting(true);
    setError(null);
    try {
      await submitRanking(comparison.id, body);
      clearDraft(user.username, comparison.id);
      setCompleted((n) => n + 1);
      setNotice('Ranking saved.');
      await loadNext();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };

  const skip = async () => {
    if (!comparison || !skipReason.trim()) return;
    try {
      await skipComparison(comparison.id, skipReason.trim());
      clearDraft(user.username, comparison.id);
      setDialog(null);
      setSkipReason('');
      setNotice('Skipped.');
      await loadNext();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  // Keyboard shortcuts; typing in a field is never taken for a shortcut.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
        event.preventDefault();
        void send();
        return;
      }
      const target = event.target as HTMLElement;
      if (dialog || event.ctrlKey || event.metaKey || event.altKey || target.closest('input:not([type=radio], [type=checkbox]), textarea, select, [contenteditable]')) return;
      if (/^[1-9]$/.test(event.key)) {
        const handle = list.current?.querySelectorAll<HTMLButtonElement>('.handle')[Number(event.key) - 1];
        if (handle) {
          event.preventDefault();
          handle.focus();
          handle.scrollIntoView({ block: 'nearest' });
        }
      } else if (event.key === 's' || event.key === 'S') {
        if (comparison) {
          event.preventDefault();
          setDialog('skip');
        }
      } else if (event.key === '?') {
        event.preventDefault();
        setDialog('shortcuts');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 4 } }),
    // A press delay, so that scrolling a phone never reorders.
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const name = (id: string | number) => `answer ${candidates.get(String(id))?.label ?? id}`;
  const positionOf = (id: string | number) => (draft?.order.indexOf(String(id)) ?? 0) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${name(active.id)}, at position ${positionOf(active.id)} of ${draft?.order.length}.`,
    onDragOver: ({ active, over }) => (over ? `${name(active.id)} moved to position ${positionOf(over.id)}.` : `${name(active.id)} is no longer over the list.`),
    onDragEnd: ({ active, over }) => (over ? `${name(active.id)} dropped at position ${positionOf(over.id)}.` : `${name(active.id)} dropped.`),
    onDragCancel: ({ active }) => `Moving cancelled. ${name(active.id)} went back to position ${positionOf(active.id)}.`,
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || !draft) return;
    update((d) => move(d, String(active.id), d.order.indexOf(String(over.id))));
  };

  if (loaded.state === 'loading' || (loaded.state === 'ready' && !project)) return <p className="page muted">Loading…</p>;
  if (loaded.state === 'error') {
    return (
      <div className="page">
        <p role="alert" className="error">{loaded.message}</p>
        <Link to="/">Back to projects</Link>
      </div>
    );
  }
  if (loaded.state === 'done') {
    return (
      <div className="page done" role="status">
        <h1>All done</h1>
        <p>
          There is nothing left for you to rank in {project?.name ?? slug}
          {completed ? `: you ranked ${completed} in this sitting. Thank you!` : '.'}
        </p>
        <p>
          <Link to="/">Back to projects</Link>
        </p>
      </div>
    );
  }

  const { next } = loaded;
  const ids = draft!.order;
  return (
    <div className="page ranking">
      <header className="ranking-head">
        <div>
          <Link to="/" className="muted">Projects</Link> / <strong>{project!.name}</strong>
        </div>
        <div className="actions">
          <button type="button" onClick={() => setDialog('guidelines')}>Guidelines</button>
          <button type="button" onClick={() => setDialog('shortcuts')} aria-label="Keyboard shortcuts">?</button>
        </div>
      </header>
      {notice && <p className="notice" role="status" onAnimationEnd={() => setNotice(null)}>{notice}</p>}

      <section aria-label="Conversation">
        <Conversation messages={next.comparison.context} />
      </section>

      <section aria-labelledby="candidates-title">
        <h2 id="candidates-title">
          Rank the answers, best first
          <span className="hint">Drag by the handle, or focus it and press Space, then the arrow keys, then Space.{project!.allowTies ? ' Ties: tick “Same as above”.' : ''}</span>
        </h2>
        {comparing.length === 2 && (
          <div className="compare" aria-label="Side by side">
            {comparing.map((id) => (
              <div key={id} className="compare-pane">
                <h3>Answer {candidates.get(id)!.label} (rank {rankOf.get(id)})</h3>
                <Markdown text={candidates.get(id)!.content} />
              </div>
            ))}
            <button type="button" className="link" onClick={() => setComparing([])}>Close side by side</button>
          </div>
        )}
        <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} modifiers={[restrictToVerticalAxis]} accessibility={{ announcements }}>
          <SortableContext items={ids} strategy={verticalListSortingStrategy}>
            <ol className="candidates" ref={list}>
              {ids.map((id, index) => {
                const c = candidates.get(id)!;
                return (
                  <CandidateCard
                    key={id}
                    id={id}
                    label={c.label}
                    content={c.content}
                    rank={rankOf.get(id)!}
                    position={index + 1}
                    tiedWithAbove={draft!.tiedWithAbove.includes(id)}
                    canTie={project!.allowTies && index > 0}
                    onToggleTie={() => update((d) => toggleTie(d, id))}
                    ratingQuestions={project!.ratings}
                    ratings={draft!.ratings[id] ?? {}}
                    onRate={(key, value) =>
                      update((d) => {
                        const mine = { ...(d.ratings[id] ?? {}) };
                        if (value === undefined) delete mine[key];
                        else mine[key] = value;
                        return { ...d, ratings: { ...d.ratings, [id]: mine } };
                      })
                    }
                    flagOptions={project!.flags}
                    flags={draft!.flags[id] ?? []}
                    onToggleFlag={(key) =>
                      update((d) => {
                        const mine = d.flags[id] ?? [];
                        return { ...d, flags: { ...d.flags, [id]: mine.includes(key) ? mine.filter((k) => k !== key) : [...mine, key] } };
                      })
                    }
                    comparing={comparing.includes(id)}
                    onToggleCompare={() => setComparing((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list.slice(-1), id]))}
                  />
                );
              })}
            </ol>
          </SortableContext>
        </DndContext>
      </section>

      <section className="submit-bar" aria-label="Submit">
        <label className="note">
          Note (optional)
          <textarea value={draft!.note} onChange={(e) => update((d) => ({ ...d, note: e.target.value }))} rows={2} maxLength={10_000} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="actions">
          <button type="button" onClick={() => setDialog('skip')}>Skip…</button>
          <button type="button" className="primary" onClick={() => void send()} disabled={submitting}>
            {submitting ? 'Saving…' : 'Submit ranking'} <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
          </button>
        </div>
      </section>

      {dialog === 'guidelines' && (
        <Dialog title="Guidelines" onClose={() => setDialog(null)}>
          {project!.guidelines ? <Markdown text={project!.guidelines} /> : <p>This project has no written guidelines.</p>}
        </Dialog>
      )}
      {dialog === 'shortcuts' && (
        <Dialog title="Keyboard shortcuts" onClose={() => setDialog(null)}>
          <dl className="shortcuts">
            <dt><kbd>1</kbd>–<kbd>9</kbd></dt><dd>Focus the answer at that position</dd>
            <dt><kbd>Space</kbd></dt><dd>Pick up the focused answer; again to drop it</dd>
            <dt><kbd>↑</kbd> <kbd>↓</kbd></dt><dd>Move the picked-up answer</dd>
            <dt><kbd>Esc</kbd></dt><dd>Cancel a move</dd>
            <dt><kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd></dt><dd>Submit the ranking</dd>
            <dt><kbd>S</kbd></dt><dd>Skip this comparison (with a reason)</dd>
            <dt><kbd>?</kbd></dt><dd>This list</dd>
          </dl>
        </Dialog>
      )}
      {dialog === 'confirm-untouched' && (
        <Dialog title="Submit the order as shown?" onClose={() => setDialog(null)}>
          <p>You have not moved any answer. The order shown is random: submit it only if it really is your ranking.</p>
          <div className="actions">
            <button type="button" onClick={() => setDialog(null)}>Go back</button>
            <button type="button" className="primary" onClick={() => void send(true)}>Yes, submit this order</button>
          </div>
        </Dialog>
      )}
      {dialog === 'skip' && (
        <Dialog title="Skip this comparison" onClose={() => setDialog(null)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void skip();
            }}
          >
            <label>
              Why? (the researcher sees this)
              <input data-autofocus value={skipReason} onChange={(e) => setSkipReason(e.target.value)} placeholder="e.g. I don’t know this topic" required maxLength={1000} />
            </label>
            <div className="actions">
              <button type="button" onClick={() => setDialog(null)}>Cancel</button>
              <button type="submit" className="primary" disabled={!skipReason.trim()}>Skip</button>
            </div>
          </form>
        </Dialog>
      )}
    </div>
  );
}
