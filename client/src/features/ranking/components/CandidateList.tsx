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
import type { Ref } from 'react';
import type { Flag, RatingQuestion } from '#shared/projects.ts';
import { move, rate, ranks, toggleFlag, toggleTie, type Draft } from '../draft.ts';
import { CandidateCard } from './CandidateCard.tsx';

/** Cards move up and down only. */
const restrictToVerticalAxis: Modifier = ({ transform }) => ({ ...transform, x: 0 });

export type LabelledCandidates = Map<string, { content: string; label: string }>;

interface CandidateListProps {
  draft: Draft;
  update: (change: (draft: Draft) => Draft) => void;
  candidates: LabelledCandidates;
  settings: { allowTies: boolean; ratings: RatingQuestion[]; flags: Flag[] };
  comparing: string[];
  onToggleCompare: (id: string) => void;
  listRef: Ref<HTMLOListElement>;
}

/** The answers in the trainer's order, moved by mouse, touch or keyboard, with what screen readers hear. */
export function CandidateList({ draft, update, candidates, settings, comparing, onToggleCompare, listRef }: CandidateListProps) {
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 4 } }),
    // A press delay, so that scrolling a phone never reorders.
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const name = (id: string | number) => `answer ${candidates.get(String(id))?.label ?? id}`;
  const positionOf = (id: string | number) => draft.order.indexOf(String(id)) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${name(active.id)}, at position ${positionOf(active.id)} of ${draft.order.length}.`,
    onDragOver: ({ active, over }) =>
      over ? `${name(active.id)} moved to position ${positionOf(over.id)}.` : `${name(active.id)} is no longer over the list.`,
    onDragEnd: ({ active, over }) => (over ? `${name(active.id)} dropped at position ${positionOf(over.id)}.` : `${name(active.id)} dropped.`),
    onDragCancel: ({ active }) => `Moving cancelled. ${name(active.id)} went back to position ${positionOf(active.id)}.`,
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (over) update((d) => move(d, String(active.id), d.order.indexOf(String(over.id))));
  };

  const rankOf = ranks(draft);
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      modifiers={[restrictToVerticalAxis]}
      accessibility={{ announcements }}
    >
      <SortableContext items={draft.order} strategy={verticalListSortingStrategy}>
        <ol className="candidates" ref={listRef}>
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
                tiedWithAbove={draft.tiedWithAbove.includes(id)}
                canTie={settings.allowTies && index > 0}
                onToggleTie={() => update((d) => toggleTie(d, id))}
                ratingQuestions={settings.ratings}
                ratings={draft.ratings[id] ?? {}}
                onRate={(key, value) => update((d) => rate(d, id, key, value))}
                flagOptions={settings.flags}
                flags={draft.flags[id] ?? []}
                onToggleFlag={(key) => update((d) => toggleFlag(d, id, key))}
                comparing={comparing.includes(id)}
                onToggleCompare={() => onToggleCompare(id)}
              />
            );
          })}
        </ol>
      </SortableContext>
    </DndContext>
  );
}
