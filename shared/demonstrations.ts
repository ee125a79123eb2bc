import { z } from 'zod';
import { chatMessageSchema, dialogueProblems, refuseLoneSurrogates, roleSchema } from './conversations.ts';
import { idSchema } from './ids.ts';

/** A message of a demonstration; `suggestion` is the model text it began from, if it did. */
export const demonstrationMessageSchema = chatMessageSchema.extend({
  content: z.string().min(1, 'content is empty').max(100_000, 'content is longer than 100,000 characters').superRefine(refuseLoneSurrogates),
  /** Absent `model`: the project's current model (trainers are not told model names). */
  suggestion: z.strictObject({ content: z.string().max(100_000), model: z.string().max(200).optional() }).optional(),
});
export type DemonstrationMessage = z.infer<typeof demonstrationMessageSchema>;

/** POST /api/v1/projects/:slug/demonstrations (docs/api.md). */
export const submitDemonstrationSchema = z
  .strictObject({
    messages: z.array(demonstrationMessageSchema).min(2).max(200),
    /** The project prompt it started from, if any. */
    promptId: idSchema.optional(),
  })
  .superRefine((body, ctx) => {
    for (const problem of dialogueProblems(body.messages, { mustEnd: 'assistant' })) ctx.addIssue({ code: 'custom', ...problem });
  });
export type SubmitDemonstration = z.infer<typeof submitDemonstrationSchema>;

/** POST /api/v1/projects/:slug/suggestions (docs/api.md): the next message for `role`, streamed. */
export const suggestionRequestSchema = z
  .strictObject({
    messages: z.array(chatMessageSchema).max(200),
    role: roleSchema.exclude(['system']),
  })
  .superRefine((body, ctx) => {
    for (const { path, message } of dialogueProblems([...body.messages, { role: body.role }], { mustEnd: 'any' })) {
      ctx.addIssue({ code: 'custom', message, path: path[1] === body.messages.length ? ['role'] : path });
    }
  });
export type SuggestionRequest = z.infer<typeof suggestionRequestSchema>;

export const demonstrationSchema = z.object({ id: idSchema, conversationId: idSchema, messages: z.number().int(), createdAt: z.string() });

/** A prompt a project offers to start a demonstration from. */
export const promptSchema = z.object({ id: idSchema, messages: z.array(chatMessageSchema) });
export type Prompt = z.infer<typeof promptSchema>;

/** The `done` event of a streamed suggestion; `model` only for researchers. */
export const streamDoneSchema = z.object({ content: z.string(), model: z.string().optional(), finishReason: z.string().nullable() });
