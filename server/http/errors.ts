import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import { describeIssue, describeIssues } from '#shared/validation.ts';

/** An error meant for the client: a stable code, an HTTP status and a message in plain words. */
export class AppError extends Error {
  /**
   * What a trainer is told instead, where the message names what trainers must not learn (a model
   * server's address, the model's name). Researchers and the server log get the message itself.
   */
  forTrainers?: string;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The API error body `error` shows to a user of `role`; a trainer's redacted view is logged whole. */
export function errorBody(error: AppError, role: string | undefined, logger?: Logger) {
  if (role === 'trainer' && error.forTrainers !== undefined) {
    logger?.warn({ code: error.code, err: error.cause ?? error }, `shown to a trainer as: ${error.forTrainers}`);
    return { error: { code: error.code, message: error.forTrainers } };
  }
  return { error: { code: error.code, message: error.message, details: error.details } };
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
export const unauthorized = (message = 'Log in first, or send an API token as "Authorization: Bearer <token>".') =>
  new AppError(401, 'auth.required', message);
export const forbidden = (message = 'Your role does not allow this.') => new AppError(403, 'auth.forbidden', message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found.`);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);

/** A 400 naming every problem, with dotted paths such as `ranking.0.1`. */
export function validationError(error: z.ZodError, where: string) {
  return badRequest('validation_failed', `Invalid ${where}: ${describeIssues(error)}`, { issues: error.issues.map(describeIssue) });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof AppError) {
      // A 5xx of ours (the database failing a commit) is the server's trouble: keep what caused it.
      if (error.status >= 500) logger.error({ err: error.cause ?? error, method: req.method, url: req.originalUrl }, error.message);
      res.status(error.status).json(errorBody(error, req.auth?.user.role, logger));
      return;
    }
    // Another connection (a CLI import, a backup's last step) held the write lock past the server's short wait.
    if ((error as { code?: string })?.code?.startsWith('SQLITE_BUSY')) {
      res.status(503).setHeader('Retry-After', '1').json({ error: { code: 'db.busy', message: 'The database is busy with a long write (an import?), so nothing was saved. Try again in a moment.' } });
      return;
    }
    // Express's own layers (static files, a malformed URL) mark client mistakes with a 4xx status.
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: { code: 'bad_request', message: String(error.message) } });
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on the server. It has been logged.' } });
  };
}
