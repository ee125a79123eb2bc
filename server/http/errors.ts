import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import { ApiError, AUTH_REQUIRED } from '#shared/api-error.ts';
import type { ApiErrorBody } from '#shared/errors.ts';
import { describeIssue, describeIssues } from '#shared/validation.ts';

/** An error meant for the client: a stable code, an HTTP status and a message in plain words. */
export class AppError extends ApiError {
  /**
   * What a trainer is told instead, where the message names what trainers must not learn (a model
   * server's address, the model's name). Researchers and the server log get the message itself.
   */
  forTrainers?: string;
}

/**
 * The one builder of the API error body (`shared/errors.ts` has its schema): what `error` shows to a
 * user of `role`. A trainer's redacted view is logged whole.
 */
export function errorBody(error: AppError, role?: string, logger?: Logger): ApiErrorBody {
  if (role === 'trainer' && error.forTrainers !== undefined) {
    logger?.warn({ code: error.code, err: error.cause ?? error }, `shown to a trainer as: ${error.forTrainers}`);
    return { error: { code: error.code, message: error.forTrainers } };
  }
  return { error: { code: error.code, message: error.message, details: error.details } };
}

interface ErrorSpec<A extends unknown[]> {
  status: number;
  code: string;
  message: string | ((...args: A) => string);
  details?: (...args: A) => unknown;
}

/**
 * A named error: its status, code and message written once, in the module that throws it
 * (`<module>.errors.ts`). The factory carries its `code` and `status`, so tests and callers can
 * name an error without restating its string.
 */
export function createErrorFactory<A extends unknown[] = []>(spec: ErrorSpec<A>) {
  const make = (...args: A) =>
    new AppError(spec.status, spec.code, typeof spec.message === 'string' ? spec.message : spec.message(...args), spec.details?.(...args));
  return Object.assign(make, { code: spec.code, status: spec.status });
}

/** Its words are for scripts; a browser shows its own (client/src/lib/api.ts) and asks the person to log in again. */
export const unauthorized = createErrorFactory({
  status: 401,
  code: AUTH_REQUIRED,
  message: (message?: string) => message ?? 'Log in first, or send an API token as "Authorization: Bearer <token>".',
});
export const invalidToken = createErrorFactory({ status: 401, code: AUTH_REQUIRED, message: 'The API token is invalid or revoked.' });
export const forbidden = createErrorFactory({
  status: 403,
  code: 'auth.forbidden',
  message: (message?: string) => message ?? 'Your role does not allow this.',
});
export const crossOrigin = createErrorFactory({
  status: 403,
  code: 'auth.cross_origin',
  message: (origin?: string) => (origin === undefined ? 'Cross-site requests are not allowed.' : `Requests from ${origin} are not allowed.`),
});
export const notFound = createErrorFactory({ status: 404, code: 'not_found', message: (what: string) => `${what} not found.` });
export const noRoute = createErrorFactory({
  status: 404,
  code: 'not_found',
  message: (method: string, path: string, hint = '') => `No route ${method} ${path}${hint}.`,
});
export const methodNotAllowed = createErrorFactory({
  status: 405,
  code: 'method_not_allowed',
  message: (path: string) => `GET ${path} changes state, so it does not answer HEAD; send GET.`,
});
export const badPercentEncoding = createErrorFactory({
  status: 400,
  code: 'bad_request',
  message: (key: string) => `The path parameter ${key} is not valid percent-encoding.`,
});
export const invalidJson = createErrorFactory({
  status: 400,
  code: 'body.invalid_json',
  message: 'The request body is not valid JSON (an object or an array).',
});
export const bodyTooSlow = createErrorFactory({
  status: 408,
  code: 'body.too_slow',
  message: (deadlineMs: number) => `The request body did not arrive whole within ${deadlineMs / 1000} s.`,
});

export const bodyTooLarge = createErrorFactory({
  status: 413,
  code: 'body.too_large',
  message: (bytes: number) => `The request body is larger than ${bytes / 1024 / 1024} MiB.`,
});
export const unsupportedCharset = createErrorFactory({
  status: 415,
  code: 'body.unsupported_charset',
  message: (charset: string) => `The request body must be UTF-8, not ${charset}.`,
});
export const unsupportedEncoding = createErrorFactory({
  status: 415,
  code: 'body.unsupported_encoding',
  message: (encoding: string) => `Send the JSON body uncompressed, not as ${encoding}.`,
});
export const tooManyStreams = createErrorFactory({
  status: 429,
  code: 'model.too_many_streams',
  message: (limit: number) => `You already have ${limit} model answers being written; wait for one to finish, then ask again.`,
});
/** A 4xx of Express's own layers (static files, a malformed URL). */
export const clientMistake = (status: number, message: string) => new AppError(status, 'bad_request', message);
export const internal = createErrorFactory({
  status: 500,
  code: 'internal',
  message: (message?: string) => message ?? 'Something went wrong on the server. It has been logged.',
});
export const dbBusy = createErrorFactory({
  status: 503,
  code: 'db.busy',
  message: 'The database is busy with a long write (an import?), so nothing was saved. Try again in a moment.',
});
export const answerCutOff = createErrorFactory({
  status: 503,
  code: 'server.stopping',
  message: 'The server is restarting, so this answer was cut off. Ask again in a moment.',
});

/** A 400 naming every problem, with dotted paths such as `ranking.0.1`. */
export const validationError = createErrorFactory({
  status: 400,
  code: 'validation_failed',
  message: (error: z.ZodError, where: string) => `Invalid ${where}: ${describeIssues(error)}`,
  details: (error: z.ZodError) => ({ issues: error.issues.map(describeIssue) }),
});

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
      res.status(503).setHeader('Retry-After', '1').json(errorBody(dbBusy()));
      return;
    }
    // Express's own layers (static files, a malformed URL) mark client mistakes with a 4xx status.
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (status >= 400 && status < 500) {
      res.status(status).json(errorBody(clientMistake(status, String(error.message))));
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(500).json(errorBody(internal()));
  };
}
