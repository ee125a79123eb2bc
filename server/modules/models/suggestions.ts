import type { ChatMessage } from '#shared/conversations.ts';

/**
 * The messages to send for a suggested next message. For the assistant's turn, the dialogue as
 * it is. For the user's turn the roles are swapped and the model is told to write as the user,
 * so any chat model can play the user's side.
 */
export function suggestionPrompt(messages: ChatMessage[], role: 'user' | 'assistant'): ChatMessage[] {
  if (role === 'assistant') return messages;
  const system = messages[0]?.role === 'system' ? messages[0].content : null;
  const swapped = messages.filter((m) => m.role !== 'system').map((m): ChatMessage => ({ role: m.role === 'user' ? 'assistant' : 'user', content: m.content }));
  const instruction =
    'You are writing the next message of the USER in a conversation between a user and an AI assistant, for a training dataset. ' +
    'In the messages below, your earlier turns are the user’s and the other side is the assistant. ' +
    'Write only the user’s next message, in the user’s voice, as a real person would write it.' +
    (system ? `\n\nFor context, the assistant was given this system prompt:\n${system}` : '');
  return [
    { role: 'system', content: instruction },
    ...(swapped.length ? swapped : [{ role: 'user' as const, content: 'Write the first message a user might send to start this conversation.' }]),
  ];
}
