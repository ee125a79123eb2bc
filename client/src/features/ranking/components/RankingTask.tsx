import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { candidateLabel } from '#shared/answer-labels.ts';
import type { TrainerComparison } from '#shared/comparisons.ts';
import type { ProjectSummary } from '#shared/projects.ts';
import { Conversation } from '../../../components/Conversation.tsx';
import { ranks, setNote } from '../draft.ts';
import { useRankingDialogs } from '../hooks/use-ranking-dialogs.ts';
import { useRankingDraft } from '../hooks/use-ranking-draft.ts';
import type { Outcome } from '../hooks/use-ranking-session.ts';
import { useRankingShortcuts } from '../hooks/use-ranking-shortcuts.ts';
import { useRankingSubmission } from '../hooks/use-ranking-submission.ts';
import { CandidateList } from './CandidateList.tsx';
import { CompareView } from './CompareView.tsx';
import { RankingDialogs } from './RankingDialogs.tsx';
import { SubmitBar } from './SubmitBar.tsx';

interface RankingTaskProps {
  project: ProjectSummary;
  comparison: TrainerComparison;
  username: string;
  notice: string | null;
  onNoticeShown: () => void;
  finish: (comparisonId: string, outcome: Outcome) => Promise<void>;
}

/** Ranking one comparison; shown with a `key` per comparison, so each starts afresh (or from its saved draft). */
export function RankingTask({ project, comparison, username, notice, onNoticeShown, finish }: RankingTaskProps) {
  const candidates = useMemo(() => new Map(comparison.candidates.map((c, i) => [c.id, { ...c, label: candidateLabel(i) }])), [comparison]);
  const { draft, update, elapsed } = useRankingDraft(
    username,
    comparison.id,
    comparison.candidates.map((c) => c.id),
  );
  const dialogs = useRankingDialogs();
  const submission = useRankingSubmission({ comparisonId: comparison.id, project, candidates, draft, elapsed, dialogs, finish });
  const [comparing, setComparing] = useState<string[]>([]);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    window.scrollTo({ top: 0 });
  }, []);
  useRankingShortcuts({
    paused: dialogs.open !== null,
    submit: () => submission.send(),
    skip: () => dialogs.show('skip'),
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
        <p className="notice" role="status" onAnimationEnd={onNoticeShown}>
          {notice}
        </p>
      )}

      <section aria-label="Conversation">
        <Conversation messages={comparison.context} />
      </section>

      <section aria-labelledby="candidates-title">
        <h2 id="candidates-title">
          Rank the answers, best first
          <span className="hint">
            Drag by the handle, or focus it and press Space, then the arrow keys, then Space.{project.allowTies ? ' Ties: tick “Same as above”.' : ''}
          </span>
        </h2>
        {comparing.length === 2 && <CompareView ids={comparing} candidates={candidates} rankOf={ranks(draft)} onClose={() => setComparing([])} />}
        <CandidateList
          draft={draft}
          update={update}
          candidates={candidates}
          settings={project}
          comparing={comparing}
          onToggleCompare={(id) => setComparing((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids.slice(-1), id]))}
          listRef={list}
        />
      </section>

      <SubmitBar
        note={draft.note}
        onNote={(note) => update((d) => setNote(d, note))}
        error={submission.error}
        submitting={submission.submitting}
        onSkip={() => dialogs.show('skip')}
        onSubmit={() => submission.send()}
      />
      <RankingDialogs dialogs={dialogs} guidelines={project.guidelines} onConfirmUntouched={() => submission.send(true)} onSkip={submission.skip} />
    </div>
  );
}
