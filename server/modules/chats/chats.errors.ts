import { createErrorFactory, notFound } from '#server/http/errors.ts';

export const chatNotFound = (chatId: number) => notFound(`Chat ${chatId}`);

export const chatNotYours = createErrorFactory({
  status: 403,
  code: 'chat.not_yours',
  message: 'Only the trainer who started a chat can write in it.',
});

export const chatEnded = createErrorFactory({ status: 409, code: 'chat.ended', message: 'This chat has ended.' });

export const chatAwaitingAnswer = createErrorFactory({
  status: 409,
  code: 'chat.awaiting_answer',
  message: 'The last message still waits for its answer.',
});

export const chatChanged = createErrorFactory({
  status: 409,
  code: 'chat.changed',
  message: 'The chat changed meanwhile (another tab?). Reload it.',
});

export const nothingToCompare = createErrorFactory({
  status: 400,
  code: 'chat.nothing_to_compare',
  message: 'The model has not answered yet: send at least one message before ending the chat.',
});

export const nothingToRegenerate = createErrorFactory({
  status: 409,
  code: 'chat.nothing_to_regenerate',
  message: 'Only the model’s last reply can be regenerated, and the chat’s last message is not one.',
});
