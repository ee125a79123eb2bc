import { z } from 'zod';

export const roleSchema = z.enum(['admin', 'researcher', 'trainer']);
export type UserRole = z.infer<typeof roleSchema>;

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'must be 2–64 characters: letters, digits, dot, dash or underscore');

export const passwordSchema = z.string().min(10, 'must be at least 10 characters').max(256, 'must be at most 256 characters');

export const loginSchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1, 'is empty').max(64),
  password: z.string().min(1, 'is empty').max(256),
});
export type Login = z.infer<typeof loginSchema>;

export const createUserSchema = z.strictObject({
  username: usernameSchema,
  role: roleSchema,
  password: passwordSchema,
});
export type CreateUser = z.infer<typeof createUserSchema>;

export const updateUserSchema = z.strictObject({
  role: roleSchema.optional(),
  active: z.boolean().optional(),
  password: passwordSchema.optional(),
});

export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1, 'is empty').max(256, 'must be at most 256 characters'),
  newPassword: passwordSchema,
});

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  active: z.boolean(),
  createdAt: z.string(),
  lastActiveAt: z.string().nullable(),
});
export type User = z.infer<typeof userSchema>;

export const createTokenSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'is empty: say what will use the token, such as "export script"')
    .max(100, 'must be at most 100 characters')
    .default('api token'),
});
export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

/** An API token with whose it is, as an admin sees every user's. `suspended`: its user is deactivated; it works again once they are reactivated. */
export const ownedApiTokenSchema = apiTokenSchema.extend({ username: z.string(), status: z.enum(['active', 'suspended', 'revoked']) });
export type OwnedApiToken = z.infer<typeof ownedApiTokenSchema>;

export const tokenListQuerySchema = z.strictObject({ user: usernameSchema.optional() });
