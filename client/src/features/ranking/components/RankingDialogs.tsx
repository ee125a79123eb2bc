import { useWatch } from 'react-hook-form';
import { Dialog } from '../../../components/Dialog.tsx';
import { Markdown } from '../../../components/Markdown.tsx';
import type { RankingDialogs as Dialogs } from '../hooks/use-ranking-dialogs.ts';

interface RankingDialogsProps {
  dialogs: Dialogs;
  guidelines: string;
  /** Sends the order as shown, once the trainer confirms it is their ranking. */
  onConfirmUntouched: () => void;
  onSkip: (reason: string) => void;
}

/** The ranking page's dialogs: guidelines, shortcuts, the untouched-order confirmation and the skip reason. */
export function RankingDialogs({ dialogs, guidelines, onConfirmUntouched, onSkip }: RankingDialogsProps) {
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
              <kbd>Space</kbd>
            </dt>
            <dd>Pick up the focused answer; again to drop it</dd>
            <dt>
              <kbd>↑</kbd> <kbd>↓</kbd>
            </dt>
            <dd>Move the picked-up answer</dd>
            <dt>
              <kbd>Esc</kbd>
            </dt>
            <dd>Cancel a move</dd>
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
        <Dialog title="Submit the order as shown?" onClose={close}>
          <p>You have not moved any answer. The order shown is random: submit it only if it really is your ranking.</p>
          <div className="actions">
            <button type="button" onClick={close}>
              Go back
            </button>
            <button type="button" className="primary" onClick={onConfirmUntouched}>
              Yes, submit this order
            </button>
          </div>
        </Dialog>
      );
    case 'skip':
      return <SkipDialog dialogs={dialogs} onSkip={onSkip} />;
    default:
      return null;
  }
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
