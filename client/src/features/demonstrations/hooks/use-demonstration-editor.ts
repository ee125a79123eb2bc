import { useEffect, useState } from 'react';
import { submitDemonstrationSchema } from '#shared/demonstrations.ts';
import { errorMessage } from '../../../lib/api.ts';
import { useNextPrompt } from '../api/get-next-prompt.ts';
import { useSubmitDemonstration } from '../api/submit-demonstration.ts';
import {
  addComposed,
  addTurn,
  emptyDraft,
  fromPrompt,
  loadDraft,
  messagesOf,
  nextRole,
  saveDraft,
  submitProblems,
  suggestionSource,
  type DemonstrationDraft,
} from '../draft.ts';
import { useSuggestion, type Suggestion } from './use-suggestion.ts';

/** The dialogue as Submit sends it: with the composer's text as its last turn, if any is written. */
const toSend = (draft: DemonstrationDraft) => {
  const whole = addComposed(draft);
  return submitDemonstrationSchema.safeParse({ messages: messagesOf(whole), ...(whole.promptId ? { promptId: whole.promptId } : {}) });
};

/**
 * The demonstration editor's state: the dialogue and the turn being written (kept in localStorage
 * after every change, so a reload loses nothing), the model's suggestion for the next turn, and sending.
 * What went wrong is the last action's failure: starting from a prompt, suggesting, or submitting.
 * What the dialogue lacks is shown once the trainer has tried to submit it, and follows their changes from then on.
 */
export function useDemonstrationEditor(slug: string, username: string) {
  const [draft, setDraft] = useState<DemonstrationDraft>(() => loadDraft(username, slug));
  const [lastAction, setLastAction] = useState<'prompt' | 'suggest' | 'submit' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [triedToSubmit, setTriedToSubmit] = useState(false);
  const suggestion = useSuggestion(slug);
  const submit = useSubmitDemonstration(slug, {
    onSuccess: () => {
      setDraft(emptyDraft);
      setTriedToSubmit(false);
    },
  });

  useEffect(() => saveDraft(username, slug, draft), [draft, username, slug]);

  const role = nextRole(draft);
  /** Any change to the dialogue; "saved" makes way for it. */
  const update = (change: (d: DemonstrationDraft) => DemonstrationDraft) => {
    if (submit.isSuccess) submit.reset();
    setDraft(change);
  };
  const act = (action: 'prompt' | 'suggest' | 'submit') => {
    setLastAction(action);
    setProblem(null);
  };

  const prompt = useNextPrompt(slug, {
    // What the trainer had begun writing in the composer stays there.
    onSuccess: (next) =>
      next
        ? update((d) => ({ ...fromPrompt(next), composing: d.composing }))
        : setProblem('There are no more project prompts for you: start with your own first message.'),
  });

  const accept = (s: Suggestion) => {
    update((d) => addTurn(d, s.content, suggestionSource(s)));
    suggestion.dismiss();
  };

  const send = () => {
    act('submit');
    setTriedToSubmit(true);
    const parsed = toSend(draft);
    if (!parsed.success) return;
    // The composer's text is a turn now: shown as one while it is sent, and kept as one if sending fails.
    setDraft(addComposed);
    submit.mutate(parsed.data);
  };

  const checked = triedToSubmit ? toSend(draft) : null;
  const lacking = checked?.success === false ? submitProblems(addComposed(draft), checked.error.issues).join(' ') : null;
  const failure = lastAction && { prompt: prompt.error, suggest: suggestion.error, submit: submit.error }[lastAction];
  return {
    draft,
    update,
    role,
    /** Adds the next turn as written in the composer, with the suggestion it began from, if any. */
    add: () => update(addComposed),
    /** A turn written, or being written: Submit is there to press (and says what is missing, if anything). */
    begun: addComposed(draft).turns.length > 0,
    suggestion: {
      current: suggestion.suggestion,
      start: () => {
        act('suggest');
        suggestion.start(
          messagesOf(draft).map(({ role, content }) => ({ role, content })),
          role,
        );
      },
      stop: suggestion.stop,
      accept,
      discard: suggestion.dismiss,
    },
    startFromPrompt: () => {
      act('prompt');
      prompt.mutate();
    },
    submit: send,
    /** Everything goes, the turn being written too; the trainer is asked first. */
    discard: () => {
      setTriedToSubmit(false);
      update(() => emptyDraft);
    },
    saved: submit.isSuccess ? 'Demonstration saved. Thank you! Start another below.' : null,
    error: lacking ?? problem ?? (failure ? errorMessage(failure) : null),
  };
}
