import { Markdown } from '../../../components/Markdown.tsx';
import type { LabelledCandidates } from './CandidateList.tsx';

/** Two answers side by side, with their current ranks. */
export function CompareView({
  ids,
  candidates,
  rankOf,
  onClose,
}: {
  ids: string[];
  candidates: LabelledCandidates;
  rankOf: Map<string, number>;
  onClose: () => void;
}) {
  return (
    <div className="compare" aria-label="Side by side">
      {ids.map((id) => (
        <div key={id} className="compare-pane">
          <h3>
            Answer {candidates.get(id)!.label} (rank {rankOf.get(id)})
          </h3>
          <Markdown text={candidates.get(id)!.content} />
        </div>
      ))}
      <button type="button" className="link" onClick={onClose}>
        Close side by side
      </button>
    </div>
  );
}
