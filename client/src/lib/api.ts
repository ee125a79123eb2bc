import type { z } from 'zod';
import type { RequestInput } from '#shared/contract/request.ts';
import type { ApiRoute, RouteResponse } from '#shared/contract/route.ts';
import { ApiError, AUTH_REQUIRED } from '#shared/api-error.ts';
import type { ApiErrorBody } from '#shared/errors.ts';

export { ApiError };

/** What a browser says when its session has ended; the server's own words are for scripts and name API tokens. */
const SESSION_ENDED = 'Your session has ended. Log in again to carry on: your work on this page is kept.';

const sessionEndListeners = new Set<() => void>();

/**
 * Hears every answer saying nobody is logged in any more (a new password, deactivation, expiry),
 * so that the app can ask to log in again over the page instead of leaving it. Returns the unsubscribe.
 */
export function onSessionEnd(listener: () => void): () => void {
  sessionEndListeners.add(listener);
  return () => void sessionEndListeners.delete(listener);
}

const plainWords: Record<number, string> = {
  401: 'You are not logged in (or your session ended). Log in again.',
  403: 'Your account is not allowed to do this.',
  404: 'This was not found. It may have been removed.',
  413: 'This is too large for the server.',
  429: 'Too many attempts. Wait a little and try again.',
  500: 'The server hit a problem. Try again; if it persists, tell your researcher.',
  502: 'The server cannot be reached right now.',
  503: 'The server is busy. Try again in a moment.',
};

/** The API's error shape, checked by hand: zod stays out of the pages trainers load first. */
export function isApiError(json: unknown): json is ApiErrorBody {
  const error = (json as ApiErrorBody | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/**
 * The API client: JSON in and out, cookies for auth, errors as ApiError with a readable message.
 * A `schema` checks the answer at run time; pages on the trainer's path leave it out to stay small.
 */
export async function api<T = unknown>(method: string, path: string, options: { body?: unknown; schema?: z.ZodType<T> } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection; your work on this page is kept.');
  }
  if (response.status === 204) return undefined as T;
  if (!response.ok) throw await errorFrom(response);
  const json: unknown = await response.json();
  return options.schema ? options.schema.parse(json) : (json as T);
}

/** A failed response as an ApiError: the server's own message where it sent one, else plain words for the status. */
export async function errorFrom(response: Response): Promise<ApiError> {
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  if (response.status === 401 && isApiError(json) && json.error.code === AUTH_REQUIRED) {
    for (const listener of sessionEndListeners) listener();
    return new ApiError(401, AUTH_REQUIRED, SESSION_ENDED);
  }
  if (isApiError(json)) return new ApiError(response.status, json.error.code, json.error.message, json.error.details);
  return new ApiError(response.status, 'http', plainWords[response.status] ?? `The server answered ${response.status}.`);
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A route's path with its parameters filled in, and its query string (absent values left out). */
export function routePath(path: string, params?: object, query?: object): string {
  const filled = path.replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(String((params as Record<string, unknown> | undefined)?.[key])));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null) search.append(key, String(value));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

/**
 * Calls one route of the shared contract (`shared/contract/`): its method and path, its input typed
 * by its schemas, its answer parsed with its response schema. Pages on the trainer's path name the
 * route as a type only and call api() with `RouteResponse<typeof route>`: a route's schemas are zod
 * at run time (decision 0003).
 */
export async function callRoute<R extends ApiRoute>(route: R, input: RequestInput<R>): Promise<RouteResponse<R>> {
  const { params, query, body } = input as { params?: object; query?: object; body?: unknown };
  const schema = route.response && 'parse' in route.response ? route.response : undefined;
  return (await api(route.method.toUpperCase(), routePath(route.path, params, query), { body, schema })) as RouteResponse<R>;
}
