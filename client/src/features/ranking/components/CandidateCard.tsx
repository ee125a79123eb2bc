import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useId, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { Collapsible } from '../../../components/Collapsible.tsx';
import { Markdown } from '../../../components/Markdown.tsx';
import { firstLine } from '../first-line.ts';
import type { Flag, RatingQuestion } from '#shared/projects.ts';

export interface CandidateCardProps {
  id: string;
  /** A, B, C…: the letter it was shown with, stable while the trainer reorders. */
  label: string;
  content: string;
  rank: number;
  position: number;
  tiedWithAbove: boolean;
  canTie: boolean;
  onToggleTie: () => void;
  ratingQuestions: RatingQuestion[];
  ratings: Record<string, number>;
  onRate: (key: string, value: number | undefined) => void;
  /** Keys of the required questions to mark as not answered yet. */
  missingRatings: string[];
  flagOptions: Flag[];
  flags: string[];
  onToggleFlag: (key: string) => void;
  comparing: boolean;
  onToggleCompare: () => void;
  /** Picked up with the keyboard: marked until it is dropped. */
  lifted: boolean;
  /** The keyboard's moves (use-keyboard-move.ts), on the handle. */
  handleKeys: { onKeyDown: (event: KeyboardEvent<HTMLElement>) => void; onBlur: (event: FocusEvent<HTMLElement>) => void };
  /** The reorder view: the label and the first line of text, nothing else. */
  firstLineOnly: boolean;
}

export function CandidateCard(props: CandidateCardProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: props.id });
  const [showFlags, setShowFlags] = useState(props.flags.length > 0);
  const missingId = useId();

  // Said beside the question's scale, or alone in the reorder view, where the scales are hidden.
  const missing = props.ratingQuestions.filter((q) => props.missingRatings.includes(q.key));
  const missingNote = (q: RatingQuestion) => (
    <p key={q.key} id={`${missingId}-${q.key}`} className="missing-rating">
      Rate “{q.label}” for this answer
    </p>
  );

  const style = { transform: CSS.Translate.toString(transform), transition };
  return (
    <li
      ref={setNodeRef}
      style={style}
      className={`card${isDragging || props.lifted ? ' dragging' : ''}${props.lifted ? ' lifted' : ''}${props.tiedWithAbove ? ' tied' : ''}${missing.length ? ' missing' : ''}`}
      data-testid={`candidate-${props.label}`}
      data-candidate-id={props.id}
      aria-label={`Answer ${props.label}, rank ${props.rank}`}
    >
      <div className="card-head">
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="handle"
          {...attributes}
          {...listeners}
          {...props.handleKeys}
          aria-pressed={props.lifted || attributes['aria-pressed']}
          aria-label={`Answer ${props.label}, rank ${props.rank}${props.tiedWithAbove ? ', tied with the answer above' : ''}. Press Space to pick up and move.`}
          aria-roledescription="sortable answer"
          data-position={props.position}
        >
          <span className="grip" aria-hidden>
            ⠿
          </span>
          <span className="rank" data-testid="rank">
            {props.tiedWithAbove ? `=${props.rank}` : props.rank}
          </span>
          <span className="label">Answer {props.label}</span>
        </button>
        {props.tiedWithAbove && <span className="tie-badge">tied with above</span>}
        {props.firstLineOnly && <span className="first-line">{firstLine(props.content)}</span>}
        {props.lifted && (
          // Said by the announcement on lifting; shown for those who see it.
          <span className="lifted-keys" aria-hidden>
            Moving: ↑ ↓ one place · Home End · 1–9 to a position · Space drops · Esc puts it back
          </span>
        )}
        <span className="spacer" />
        {!props.firstLineOnly && props.canTie && (
          <label className="toggle">
            <input type="checkbox" checked={props.tiedWithAbove} onChange={props.onToggleTie} />
            Same as above
          </label>
        )}
        {!props.firstLineOnly && (
          <label className="toggle">
            <input type="checkbox" checked={props.comparing} onChange={props.onToggleCompare} />
            Compare
          </label>
        )}
      </div>
      {props.firstLineOnly ? (
        missing.map(missingNote)
      ) : (
        <>
          <div className="card-body">
            <Collapsible>
              <Markdown text={props.content} />
            </Collapsible>
          </div>
          <div className="card-foot">
            {props.ratingQuestions.map((q) => (
              <fieldset
                key={q.key}
                className={`likert${missing.includes(q) ? ' missing' : ''}`}
                aria-describedby={missing.includes(q) ? `${missingId}-${q.key}` : undefined}
              >
                <legend>
                  {q.label}
                  {q.required ? ' (required)' : ''}
                </legend>
                {q.minLabel && <span className="scale-label">{q.minLabel}</span>}
                {Array.from({ length: q.max - q.min + 1 }, (_, i) => q.min + i).map((value) => (
                  <label key={value} className={`likert-option${props.ratings[q.key] === value ? ' selected' : ''}`}>
                    <input
                      type="radio"
                      name={`${props.id}-${q.key}`}
                      value={value}
                      checked={props.ratings[q.key] === value}
                      onChange={() => props.onRate(q.key, value)}
                      onClick={() => props.ratings[q.key] === value && props.onRate(q.key, undefined)}
                      aria-label={`${q.label}: ${value}`}
                    />
                    {value}
                  </label>
                ))}
                {q.maxLabel && <span className="scale-label">{q.maxLabel}</span>}
                {missing.includes(q) && missingNote(q)}
              </fieldset>
            ))}
            {props.flagOptions.length > 0 && (
              <div className="flags">
                <button type="button" className="link" onClick={() => setShowFlags(!showFlags)} aria-expanded={showFlags}>
                  Flags{props.flags.length ? ` (${props.flags.length})` : ''}
                </button>
                {showFlags && (
                  <div className="flag-list">
                    {props.flagOptions.map((f) => (
                      <label key={f.key} className="toggle">
                        <input type="checkbox" checked={props.flags.includes(f.key)} onChange={() => props.onToggleFlag(f.key)} />
                        {f.label}
                      </label>
                    ))}
                  </div>
                )}
              </div>
            )}
          </div>
        </>
      )}
    </li>
  );
}
