import type { z } from 'zod';
import { ApiError } from '../api-error.ts';
import { apiErrorSchema } from '../errors.ts';
import type { ApiRoute } from './route.ts';

type Input<S> = S extends z.ZodType ? z.input<S> : never;

/** What a call sends: each part the route declares, typed by its schema's input. */
export type RequestInput<R extends ApiRoute> = (R extends { params: infer S extends z.ZodType } ? { params: Input<S> } : { params?: undefined }) &
  (R extends { query: infer S extends z.ZodType } ? (object extends Input<S> ? { query?: Input<S> } : { query: Input<S> }) : { query?: undefined }) &
  (R extends { rawBody: object }
    ? { body: BodyInit }
    : R extends { body: infer S extends z.ZodType }
      ? object extends Input<S>
        ? { body?: Input<S> }
        : { body: Input<S> }
      : { body?: undefined });

/**
 * What a call resolves to: the JSON body (the response schema's output, as the server's handler
 * must return it), undefined for a 204, or the fetch Response itself for a streamed answer.
 */
export type RequestResult<R extends ApiRoute> = R extends { response: infer S extends z.ZodType }
  ? z.output<S> | (R extends { emptyWhenNone: true } ? undefined : never)
  : R extends { response: object }
    ? Response
    : undefined;

export interface RequestOptions {
  /** Where the API lives; the browser's own origin by default. */
  baseUrl?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** The route's path with its parameters filled in, and its query string. */
export function routeUrl(route: ApiRoute, params?: Record<string, unknown>, query?: Record<string, unknown>): string {
  const path = route.path.replace(/:(\w+)/g, (_, key: string) => {
    const value = params?.[key];
    if (value === undefined || value === null) throw new TypeError(`${route.method.toUpperCase()} ${route.path}: the path parameter ${key} is missing.`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== null) search.append(key, String(item));
  }
  const qs = search.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

/**
 * Calls one route of the contract: `request(comparisonsApi.rank, { params: { id }, body })`. The
 * answer is typed by the route; an error answer throws ApiError with the server's code.
 */
export async function request<R extends ApiRoute>(route: R, input: RequestInput<R>, options: RequestOptions = {}): Promise<RequestResult<R>> {
  const { params, query, body } = input as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let payload: BodyInit | undefined;
  if (route.rawBody) {
    payload = body as BodyInit;
    headers['Content-Type'] ??= route.rawBody.mediaType;
  } else if (route.body) {
    payload = JSON.stringify(body ?? {});
    headers['Content-Type'] = 'application/json';
  }
  const res = await (options.fetch ?? fetch)(`${options.baseUrl ?? ''}${routeUrl(route, params, query)}`, {
    method: route.method.toUpperCase(),
    headers,
    body: payload,
    credentials: 'same-origin',
    signal: options.signal,
  });
  if (!res.ok) {
    const parsed = apiErrorSchema.safeParse(await res.json().catch(() => undefined));
    if (parsed.success) throw new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
    throw new ApiError(res.status, 'http_error', `${route.method.toUpperCase()} ${route.path} answered HTTP ${res.status}.`);
  }
  const response = route.response;
  if (response && 'mediaType' in response) return res as RequestResult<R>;
  if (res.status === 204 || !response) return undefined as RequestResult<R>;
  return (await res.json()) as RequestResult<R>;
}
