import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { candidateLabel } from '#shared/answer-labels.ts';
import type { TrainerComparison } from '#shared/comparisons.ts';
import type { ProjectSummary } from '#shared/projects.ts';
import type { StoredRanking } from '#shared/rankings.ts';
import { Conversation } from '../../../components/Conversation.tsx';
import { ranks, setNote } from '../draft.ts';
import { useRankingDialogs } from '../hooks/use-ranking-dialogs.ts';
import { useRankingDraft } from '../hooks/use-ranking-draft.ts';
import type { Notice, Outcome } from '../hooks/use-ranking-session.ts';
import { useRankingShortcuts } from '../hooks/use-ranking-shortcuts.ts';
import { useRankingSubmission } from '../hooks/use-ranking-submission.ts';
import { CandidateList } from './CandidateList.tsx';
import { CompareView } from './CompareView.tsx';
import { RankingDialogs } from './RankingDialogs.tsx';
import { SubmitBar } from './SubmitBar.tsx';
import '../ranking-page.css';

interface RankingTaskProps {
  project: ProjectSummary;
  comparison: TrainerComparison;
  username: string;
  /** What happened to the comparison before this one: "Ranking saved." offers to undo it (revise it in the history). */
  notice: Notice | null;
  onNoticeShown: () => void;
  /** False where skipping makes no sense (a ranking being revised): no Skip button, no S key. */
  skippable?: boolean;
  finish: (comparisonId: string, outcome: Outcome, stored?: StoredRanking) => Promise<void>;
}

/** Ranking one comparison; shown with a `key` per comparison, so each starts afresh (or from its saved draft). */
export function RankingTask({ project, comparison, username, notice, onNoticeShown, skippable = true, finish }: RankingTaskProps) {
  const candidates = useMemo(() => new Map(comparison.candidates.map((c, i) => [c.id, { ...c, label: candidateLabel(i) }])), [comparison]);
  const { draft, update, elapsed } = useRankingDraft(
    username,
    comparison.id,
    comparison.candidates.map((c) => c.id),
  );
  const dialogs = useRankingDialogs();
  const submission = useRankingSubmission({ comparisonId: comparison.id, project, candidates, draft, elapsed, dialogs, finish });
  // Once sent, the answer is what was sent: keys pressed while it saves (a fast trainer's next moves,
  // meant for the next comparison) must neither change it nor save it again as a draft.
  const edit: typeof update = submission.sending ? () => undefined : update;
  const [comparing, setComparing] = useState<string[]>([]);
  const list = useRef<HTMLOListElement>(null);
  const error = useRef<HTMLParagraphElement>(null);

  // After a submit or a skip the keyboard goes on with the work, on the first answer's handle: Space
  // lifts it at once, as it would have on the card before. A page just opened leaves focus alone, so
  // a screen reader starts at the top, with the conversation.
  const cameAfterAnother = useRef(notice !== null);
  useEffect(() => {
    window.scrollTo({ top: 0 });
    if (!cameAfterAnother.current) return;
    const first = list.current?.querySelector<HTMLButtonElement>('.handle');
    first?.focus({ preventScroll: true });
    first?.scrollIntoView({ block: 'nearest' });
  }, []);
  // Each refused submit shows why, just above the bar; the words change as ratings are given, and only a refusal scrolls.
  useEffect(() => {
    if (submission.refusals) error.current?.scrollIntoView({ block: 'nearest' });
  }, [submission.refusals]);
  useRankingShortcuts({
    paused: dialogs.open !== null,
    submit: () => submission.send(),
    skip: () => skippable && dialogs.show('skip'),
    help: () => dialogs.show('shortcuts'),
    focusPosition: (position) => {
      const handle = list.current?.querySelectorAll<HTMLButtonElement>('.handle')[position - 1];
      handle?.focus();
      handle?.scrollIntoView({ block: 'nearest' });
      return handle !== undefined;
    },
  });

  return (
    <div className="page ranking">
      <header className="ranking-head">
        <div>
          <Link to="/" className="muted">
            Projects
          </Link>{' '}
          / <strong>{project.name}</strong>
        </div>
        <div className="actions">
          <button type="button" onClick={() => dialogs.show('guidelines')}>
            Guidelines
          </button>
          <button type="button" onClick={() => dialogs.show('shortcuts')} aria-label="Keyboard shortcuts">
            ?
          </button>
        </div>
      </header>
      {notice && (
        <p className={`notice${notice.undoId ? ' with-undo' : ''}`} role="status" onAnimationEnd={onNoticeShown}>
          {notice.text}
          {notice.undoId && (
            <>
              {' '}
              <Link to={`/projects/${project.slug}/history/${notice.undoId}`}>Undo</Link>
            </>
          )}
        </p>
      )}

      <section aria-label="Conversation">
        <Conversation messages={comparison.context} />
      </section>

      <section aria-labelledby="candidates-title">
        <h2 id="candidates-title">
          Rank the answers, best first
          <span className="hint">
            <span className="pointer-hint">Drag by the handle, or focus it and press Space, then the arrow keys, then Space.</span>
            <span className="touch-hint">Press and hold a handle (⠿) until the card lifts, then drag it.</span>
            {project.allowTies ? ' Ties: tick “Same as above”.' : ''}
          </span>
        </h2>
        {comparing.length === 2 && <CompareView ids={comparing} candidates={candidates} rankOf={ranks(draft)} onClose={() => setComparing([])} />}
        <CandidateList
          draft={draft}
          update={edit}
          candidates={candidates}
          settings={project}
          comparing={comparing}
          onToggleCompare={(id) => setComparing((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids.slice(-1), id]))}
          listRef={list}
          showMissingRatings={submission.showMissingRatings}
        />
      </section>

      {submission.error && (
        <p role="alert" className="error submit-error" ref={error}>
          {submission.error}
        </p>
      )}
      <SubmitBar
        note={draft.note}
        onNote={(note) => edit((d) => setNote(d, note))}
        submitting={submission.submitting}
        onSkip={skippable ? () => dialogs.show('skip') : undefined}
        onSubmit={() => submission.send()}
      />
      <RankingDialogs dialogs={dialogs} guidelines={project.guidelines} onConfirm={() => submission.send(true)} onSkip={submission.skip} />
    </div>
  );
}
