import type { ReactNode } from 'react';
import { useWatch } from 'react-hook-form';
import { Dialog } from '../../../components/Dialog.tsx';
import { Markdown } from '../../../components/Markdown.tsx';
import type { RankingDialogs as Dialogs } from '../hooks/use-ranking-dialogs.ts';

interface RankingDialogsProps {
  dialogs: Dialogs;
  guidelines: string;
  /** Sends the ranking a confirmation asked about, once the trainer confirms it is theirs. */
  onConfirm: () => void;
  onSkip: (reason: string) => void;
}

/** The ranking page's dialogs: guidelines, shortcuts, the confirmations of an untouched order and of an all-tied one, and the skip reason. */
export function RankingDialogs({ dialogs, guidelines, onConfirm, onSkip }: RankingDialogsProps) {
  const { open, close } = dialogs;
  switch (open) {
    case 'guidelines':
      return (
        <Dialog title="Guidelines" onClose={close}>
          {guidelines ? <Markdown text={guidelines} /> : <p>This project has no written guidelines.</p>}
        </Dialog>
      );
    case 'shortcuts':
      return (
        <Dialog title="Keyboard shortcuts" onClose={close}>
          <dl className="shortcuts">
            <dt>
              <kbd>1</kbd>–<kbd>9</kbd>
            </dt>
            <dd>Focus the answer at that position</dd>
            <dt>
              <kbd>Space</kbd> or <kbd>Enter</kbd>
            </dt>
            <dd>Pick up the focused answer; again to drop it</dd>
            <dt>
              <kbd>↑</kbd> <kbd>↓</kbd>
            </dt>
            <dd>Move the picked-up answer one place</dd>
            <dt>
              <kbd>Home</kbd> <kbd>End</kbd>
            </dt>
            <dd>Move the picked-up answer to the top or the bottom</dd>
            <dt>
              <kbd>1</kbd>–<kbd>9</kbd> while an answer is picked up
            </dt>
            <dd>Move it to that position</dd>
            <dt>
              <kbd>Esc</kbd>
            </dt>
            <dd>Cancel a move: the answer goes back where it was picked up</dd>
            <dt>
              <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd>
            </dt>
            <dd>Submit the ranking</dd>
            <dt>
              <kbd>S</kbd>
            </dt>
            <dd>Skip this comparison (with a reason)</dd>
            <dt>
              <kbd>?</kbd>
            </dt>
            <dd>This list</dd>
          </dl>
        </Dialog>
      );
    case 'confirm-untouched':
      return (
        <ConfirmDialog title="Submit the order as shown?" confirm="Yes, submit this order" onConfirm={onConfirm} onClose={close}>
          You have not moved any answer. The order shown is random: submit it only if it really is your ranking.
        </ConfirmDialog>
      );
    case 'confirm-all-tied':
      return (
        <ConfirmDialog title="Submit every answer as tied?" confirm="Yes, they are all equal" onConfirm={onConfirm} onClose={close}>
          You tied every answer, which says none is better than another. Submit it only if they really are all equally good.
        </ConfirmDialog>
      );
    case 'skip':
      return <SkipDialog dialogs={dialogs} onSkip={onSkip} />;
    default:
      return null;
  }
}

/** Asks before sending a ranking the trainer may not mean; the confirm button has focus, so Enter confirms and Esc goes back. */
function ConfirmDialog({
  title,
  confirm,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  confirm: string;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <p>{children}</p>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Go back
        </button>
        <button type="button" className="primary" onClick={onConfirm} data-autofocus>
          {confirm}
        </button>
      </div>
    </Dialog>
  );
}

function SkipDialog({ dialogs, onSkip }: Pick<RankingDialogsProps, 'dialogs' | 'onSkip'>) {
  const { register, handleSubmit, control } = dialogs.skipForm;
  const reason = useWatch({ control, name: 'reason' });
  return (
    <Dialog title="Skip this comparison" onClose={dialogs.close}>
      <form onSubmit={(e) => void handleSubmit(({ reason }) => onSkip(reason.trim()))(e)}>
        <label>
          Why? (the researcher sees this)
          <input
            data-autofocus
            {...register('reason', { validate: (r) => r.trim() !== '' })}
            placeholder="e.g. I don’t know this topic"
            required
            maxLength={1000}
          />
        </label>
        <div className="actions">
          <button type="button" onClick={dialogs.close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!reason.trim()}>
            Skip
          </button>
        </div>
      </form>
    </Dialog>
  );
}
