import { useEffect, useState } from 'react';
import { submitDemonstrationSchema } from '#shared/demonstrations.ts';
import { describeIssues } from '#shared/validation.ts';
import { errorMessage } from '../../../lib/api.ts';
import { useNextPrompt } from '../api/get-next-prompt.ts';
import { useSubmitDemonstration } from '../api/submit-demonstration.ts';
import {
  addTurn,
  emptyDraft,
  fromPrompt,
  loadDraft,
  messagesOf,
  nextRole,
  saveDraft,
  suggestionSource,
  type DemonstrationDraft,
  type SuggestionSource,
} from '../draft.ts';
import { useSuggestion, type Suggestion } from './use-suggestion.ts';

/**
 * The demonstration editor's state: the dialogue (kept in localStorage after every change, so a
 * reload loses nothing), the model's suggestion for the next turn, and sending.
 * What went wrong is the last action's failure: starting from a prompt, suggesting, or submitting.
 */
export function useDemonstrationEditor(slug: string, username: string) {
  const [draft, setDraft] = useState<DemonstrationDraft>(() => loadDraft(username, slug));
  const [lastAction, setLastAction] = useState<'prompt' | 'suggest' | 'submit' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const suggestion = useSuggestion(slug);
  const submit = useSubmitDemonstration(slug, { onSuccess: () => setDraft(emptyDraft) });

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
    onSuccess: (next) => (next ? update(() => fromPrompt(next)) : setProblem('There are no more project prompts for you: start with your own first message.')),
  });

  const accept = (s: Suggestion) => {
    update((d) => addTurn(d, s.content, suggestionSource(s)));
    suggestion.dismiss();
  };

  const send = () => {
    act('submit');
    const parsed = submitDemonstrationSchema.safeParse({ messages: messagesOf(draft), ...(draft.promptId ? { promptId: draft.promptId } : {}) });
    if (!parsed.success) setProblem(describeIssues(parsed.error));
    else submit.mutate(parsed.data);
  };

  const failure = lastAction && { prompt: prompt.error, suggest: suggestion.error, submit: submit.error }[lastAction];
  return {
    draft,
    update,
    role,
    /** Adds the next turn as written in the composer, with the suggestion it began from, if any. */
    add: (content: string, from?: SuggestionSource) => update((d) => addTurn(d, content, from)),
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
    saved: submit.isSuccess ? 'Demonstration saved. Thank you! Start another below.' : null,
    error: problem ?? (failure ? errorMessage(failure) : null),
  };
}
