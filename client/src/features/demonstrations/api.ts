import { z } from 'zod';
import type { ChatMessage } from '#shared/conversations.ts';
import { demonstrationSchema, promptSchema, streamDoneSchema, type SubmitDemonstration } from '#shared/demonstrations.ts';
import { api } from '../../lib/api.ts';
import { postEventStream } from '../../lib/event-stream.ts';

export const fetchNextPrompt = async (slug: string) =>
  (await api('GET', `/projects/${slug}/prompts/next`, { schema: z.object({ prompt: promptSchema }).optional() }))?.prompt ?? null;

export const submitDemonstration = async (slug: string, body: SubmitDemonstration) =>
  (await api('POST', `/projects/${slug}/demonstrations`, { body, schema: z.object({ demonstration: demonstrationSchema }) })).demonstration;

export const streamSuggestion = async (slug: string, messages: ChatMessage[], role: 'user' | 'assistant', onDelta: (text: string) => void, signal?: AbortSignal) =>
  streamDoneSchema.parse(await postEventStream(`/projects/${slug}/suggestions`, { messages, role }, onDelta, signal));
