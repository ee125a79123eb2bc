import { useState } from 'react';
import { answerLabels, formatOrder, parseOrder } from '#shared/answer-labels.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { errorMessage } from '../../lib/api.ts';
import { useSetGold } from './api/set-gold.ts';

interface GoldDialogProps {
  comparisonId: string;
  slug: string;
  /** The order filled in, to confirm or change: the consensus of its rankings where there is one. */
  initial: RankingGroups;
  onClose: () => void;
}

/** Makes a comparison a gold item with an expected order, written in the answers' letters. */
export function GoldDialog({ comparisonId, slug, initial, onClose }: GoldDialogProps) {
  const labels = answerLabels(initial.flat());
  const [text, setText] = useState(formatOrder(initial, labels));
  const gold = useSetGold(slug);
  const parsed = parseOrder(text, labels);
  const problem = 'problem' in parsed ? parsed.problem : null;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if ('ranking' in parsed) gold.mutate({ id: comparisonId, ranking: parsed.ranking }, { onSuccess: onClose });
  };
  return (
    <Dialog title={`Make comparison ${comparisonId} a gold item`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <p>
          Trainers get a gold item unannounced, at the project’s gold rate, and are scored on how closely they match its expected order. The consensus of its
          rankings is filled in: confirm it, or change it.
        </p>
        <label>
          Expected order, best first: answers {[...labels.values()].join(', ')} as on the comparison’s page, “&gt;” between places, “=” for a tie
          <input value={text} onChange={(e) => setText(e.target.value)} data-autofocus aria-invalid={problem !== null} />
        </label>
        {problem && <p className="field-error">{problem}</p>}
        {gold.error && (
          <p role="alert" className="error">
            {errorMessage(gold.error)}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={problem !== null || gold.isPending}>
            Mark as gold
          </button>
        </div>
      </form>
    </Dialog>
  );
}
