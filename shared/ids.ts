import { z } from 'zod';

/**
 * Every entity id crosses the API as a string of digits ("42"). Strings keep JSON
 * clients from mixing ids with numbers and keep dnd-kit away from the falsy id 0.
 */
export const idSchema = z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be an id: a string of digits such as "42"');
export type Id = z.infer<typeof idSchema>;

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1–63 characters: lowercase letters, digits and dashes, not starting with a dash');

/** An id as a path parameter: checked as `idSchema`, handed to the server's handler as a number. */
export const idParamSchema = idSchema.transform(Number);
