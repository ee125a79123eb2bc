import { z } from 'zod';

const count = (min: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number of at least ${min}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be a whole number of at least ${min}`))
    .default(fallback);

const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );

/**
 * The server's settings from its environment, every variable in one place (the README's
 * configuration table explains each). A wrong value stops `serve` at start with the variable's name, instead of
 * becoming NaN somewhere (`ORDINAL_MODEL_CONCURRENCY=abc` used to mean no limit at all).
 */
const configSchema = z.object({
  /** How long one model request may take. */
  ORDINAL_MODEL_TIMEOUT_MS: count(1, 120_000),
  /** Our retries of a model request that failed in a way another try may mend. */
  ORDINAL_MODEL_RETRIES: count(0, 2),
  /** Model requests in flight at once per endpoint; the rest wait their turn. */
  ORDINAL_MODEL_CONCURRENCY: count(1, 8),
  /** Model answers one user may have streaming at once (suggestions and chat turns), so no one holds every slot. */
  ORDINAL_MODEL_STREAMS_PER_USER: count(1, 3),
  /** When set, the only hosts, addresses and CIDR ranges a model base URL may point at. */
  ORDINAL_MODEL_HOSTS: list,
  /** How long a stopping server waits for requests in flight before it closes their connections. */
  ORDINAL_SHUTDOWN_TIMEOUT_MS: count(0, 10_000),
  /** An export download whose reader takes nothing for this long is ended (it holds a read snapshot open). */
  ORDINAL_EXPORT_IDLE_TIMEOUT_MS: count(1, 60_000),
  /** Express's `trust proxy`: the proxy whose X-Forwarded-For is believed. Unset: none. */
  ORDINAL_TRUST_PROXY: z.string().trim().optional(),
  /** Origins besides the server's own allowed to make cookie-authenticated writes (e.g. Vite's dev server). */
  ORDINAL_ALLOWED_ORIGINS: list,
  /** An import upload from which no byte arrives for this long is closed (the whole upload may take as long as it needs). */
  ORDINAL_UPLOAD_IDLE_TIMEOUT_MS: count(1, 60_000),
  /** The largest import file the server receives, in bytes. */
  ORDINAL_MAX_UPLOAD_BYTES: count(1, 4 * 1024 ** 3),
  /** How much the server logs (pino's levels); `silent` in tests. */
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be one of fatal, error, warn, info, debug, trace, silent'))
    .default('info'),
});

export type Config = z.output<typeof configSchema>;

/** Thrown for a malformed variable; the CLI prints its message and exits. */
export class ConfigError extends Error {}

/**
 * The settings as the environment gives them now. Read at each use rather than once at import, so
 * a test (or a process manager) that sets a variable before starting the server is heard.
 */
export function config(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}=${JSON.stringify(env[String(issue.path[0])])}: ${issue.message}`);
  throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
}
