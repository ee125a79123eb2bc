import { z } from 'zod';
import { roleSchema } from './conversations.ts';
import { idSchema } from './ids.ts';

export const startChatSchema = z.strictObject({ system: z.string().trim().max(100_000).optional() });
export const chatTurnSchema = z.strictObject({ content: z.string().trim().min(1, 'write a message first').max(100_000) });

/** `model` is shown to researchers only. */
export const chatMessageViewSchema = z.object({ id: idSchema, role: roleSchema, content: z.string(), model: z.string().nullable() });
export const chatSchema = z.object({
  id: idSchema,
  project: z.string(),
  messages: z.array(chatMessageViewSchema),
  ended: z.boolean(),
  comparisonId: idSchema.nullable(),
  /** Why an ended chat made no comparison (the model kept giving the answer it had given). */
  notComparedReason: z.string().nullable(),
});
export type Chat = z.infer<typeof chatSchema>;
