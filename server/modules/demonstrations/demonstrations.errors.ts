import { createErrorFactory } from '#server/http/errors.ts';

export const unknownPrompt = createErrorFactory({
  status: 400,
  code: 'demonstration.unknown_prompt',
  message: (promptId: string, slug: string) => `promptId ${promptId} is not a prompt of project "${slug}".`,
});

export const promptChanged = createErrorFactory({
  status: 400,
  code: 'demonstration.prompt_changed',
  message: 'A demonstration from a prompt must begin with the prompt’s messages unchanged.',
});
