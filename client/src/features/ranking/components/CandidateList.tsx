import {
  closestCenter,
  DndContext,
  MouseSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type Modifier,
} from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useRef, useState, type Ref } from 'react';
import type { Flag, RatingQuestion } from '#shared/projects.ts';
import { missingRatings } from '#shared/ranking-rules.ts';
import { move, rate, ranks, toggleFlag, toggleTie, type Draft } from '../draft.ts';
import { useKeyboardMove } from '../hooks/use-keyboard-move.ts';
import { CandidateCard } from './CandidateCard.tsx';
import './candidates.css';

/** Cards move up and down only. */
const restrictToVerticalAxis: Modifier = ({ transform }) => ({ ...transform, x: 0 });

/** What the handle's description says (aria-describedby); the keys are this list's own, not dnd-kit's. */
const screenReaderInstructions = {
  draggable:
    'Press Space to pick up this answer. Then the arrow keys move it one place, Home and End to the top or bottom, a digit to that position. Space drops it; Escape puts it back.',
};

export type LabelledCandidates = Map<string, { content: string; label: string }>;

interface CandidateListProps {
  draft: Draft;
  update: (change: (draft: Draft) => Draft) => void;
  candidates: LabelledCandidates;
  settings: { allowTies: boolean; ratings: RatingQuestion[]; flags: Flag[] };
  comparing: string[];
  onToggleCompare: (id: string) => void;
  listRef: Ref<HTMLOListElement>;
  /** Marks each card whose required ratings are missing: once the trainer has tried to submit without them. */
  showMissingRatings?: boolean;
}

/**
 * The answers in the trainer's order, moved by mouse or touch (dnd-kit) or by keyboard
 * (use-keyboard-move.ts), with what screen readers hear; a reorder view shows first lines only.
 */
export function CandidateList({ draft, update, candidates, settings, comparing, onToggleCompare, listRef, showMissingRatings = false }: CandidateListProps) {
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 4 } }),
    // A press delay, so that scrolling a phone never reorders.
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
  );
  const box = useRef<HTMLDivElement>(null);
  const [reorderView, setReorderView] = useState(false);
  // The card dragged with the mouse or a finger and the card it is over: ranks show where it would land.
  const [dragged, setDragged] = useState<{ id: string; over: string } | null>(null);

  const label = (id: string | number) => candidates.get(String(id))?.label ?? String(id);
  const keyboard = useKeyboardMove({ draft, update, name: (id) => `Answer ${label(id)}`, container: box });

  const name = (id: string | number) => `answer ${label(id)}`;
  const positionOf = (id: string | number) => draft.order.indexOf(String(id)) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${name(active.id)}, at position ${positionOf(active.id)} of ${draft.order.length}.`,
    onDragOver: ({ active, over }) =>
      over ? `${name(active.id)} moved to position ${positionOf(over.id)}.` : `${name(active.id)} is no longer over the list.`,
    onDragEnd: ({ active, over }) => (over ? `${name(active.id)} dropped at position ${positionOf(over.id)}.` : `${name(active.id)} dropped.`),
    onDragCancel: ({ active }) => `Moving cancelled. ${name(active.id)} went back to position ${positionOf(active.id)}.`,
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragged(null);
    if (over) update((d) => move(d, String(active.id), d.order.indexOf(String(over.id))));
  };

  // While a card is dragged, ranks and ties are those it would leave on dropping here.
  const shown = dragged ? move(draft, dragged.id, draft.order.indexOf(dragged.over)) : draft;
  const rankOf = ranks(shown);
  const missing = showMissingRatings ? missingRatings(draft.ratings, draft.order, settings.ratings) : [];
  const missingFor = (id: string) => missing.filter((m) => m.candidates.includes(id)).map((m) => m.question.key);

  return (
    <div ref={box} className="candidate-list">
      <div className="candidates-tools">
        <label className="toggle">
          <input type="checkbox" checked={reorderView} onChange={(e) => setReorderView(e.target.checked)} />
          Reorder view: first lines only
        </label>
      </div>
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragStart={({ active }) => setDragged({ id: String(active.id), over: String(active.id) })}
        onDragOver={({ active, over }) => setDragged({ id: String(active.id), over: String(over?.id ?? active.id) })}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragged(null)}
        modifiers={[restrictToVerticalAxis]}
        accessibility={{ announcements, screenReaderInstructions }}
      >
        <SortableContext items={draft.order} strategy={verticalListSortingStrategy}>
          <ol className={`candidates${reorderView ? ' reorder-view' : ''}`} ref={listRef}>
            {draft.order.map((id, index) => {
              const c = candidates.get(id)!;
              return (
                <CandidateCard
                  key={id}
                  id={id}
                  label={c.label}
                  content={c.content}
                  rank={rankOf.get(id)!}
                  position={index + 1}
                  tiedWithAbove={shown.tiedWithAbove.includes(id)}
                  canTie={settings.allowTies && index > 0}
                  onToggleTie={() => update((d) => toggleTie(d, id))}
                  ratingQuestions={settings.ratings}
                  ratings={draft.ratings[id] ?? {}}
                  onRate={(key, value) => update((d) => rate(d, id, key, value))}
                  missingRatings={missingFor(id)}
                  flagOptions={settings.flags}
                  flags={draft.flags[id] ?? []}
                  onToggleFlag={(key) => update((d) => toggleFlag(d, id, key))}
                  comparing={comparing.includes(id)}
                  onToggleCompare={() => onToggleCompare(id)}
                  lifted={keyboard.liftedId === id}
                  handleKeys={keyboard.handleProps(id)}
                  firstLineOnly={reorderView}
                />
              );
            })}
          </ol>
        </SortableContext>
      </DndContext>
      <div className="visually-hidden" role="log" aria-live="assertive" aria-relevant="additions" aria-label="Answer moves">
        {keyboard.announcements.map((a) => (
          <p key={a.n}>{a.text}</p>
        ))}
      </div>
    </div>
  );
}
