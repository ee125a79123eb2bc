import { useState } from 'react';
import { Markdown } from '../../../components/Markdown.tsx';
import { deleteTurn, editTurn, moveTurn, type DemonstrationDraft } from '../draft.ts';

/** The dialogue so far: each turn edited in place or previewed; the project prompt's turns stay as they are. */
export function TurnList({ draft, update }: { draft: DemonstrationDraft; update: (change: (d: DemonstrationDraft) => DemonstrationDraft) => void }) {
  const [previewing, setPreviewing] = useState<number | null>(null);
  return (
    <ol className="turns">
      {draft.turns.map((turn, i) => (
        <li key={turn.key} className={`turn ${turn.role}`} aria-label={`Turn ${i + 1}, ${turn.role}`}>
          <div className="turn-head">
            <strong>{turn.role === 'user' ? 'User' : 'Assistant'}</strong>
            {turn.suggestion && <span className="badge">{turn.content === turn.suggestion.content ? 'suggestion' : 'edited suggestion'}</span>}
            {i < draft.fixed && <span className="badge">project prompt</span>}
            <span className="spacer" />
            <button type="button" className="link" onClick={() => setPreviewing(previewing === turn.key ? null : turn.key)}>
              {previewing === turn.key ? 'Edit' : 'Preview'}
            </button>
            {i >= draft.fixed && (
              <>
                <button
                  type="button"
                  className="link"
                  disabled={i <= draft.fixed}
                  onClick={() => update((d) => moveTurn(d, i, -1))}
                  aria-label={`Move turn ${i + 1} up`}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="link"
                  disabled={i === draft.turns.length - 1}
                  onClick={() => update((d) => moveTurn(d, i, 1))}
                  aria-label={`Move turn ${i + 1} down`}
                >
                  ↓
                </button>
                <button type="button" className="link" onClick={() => update((d) => deleteTurn(d, turn.key))} aria-label={`Delete turn ${i + 1}`}>
                  Delete
                </button>
              </>
            )}
          </div>
          {previewing === turn.key ? (
            <Markdown text={turn.content} />
          ) : (
            <textarea
              aria-label={`Turn ${i + 1} (${turn.role})`}
              rows={Math.min(12, Math.max(2, turn.content.split('\n').length))}
              value={turn.content}
              readOnly={i < draft.fixed}
              onChange={(e) => update((d) => editTurn(d, turn.key, e.target.value))}
            />
          )}
        </li>
      ))}
    </ol>
  );
}
