import type { z } from 'zod';
import type { UserRole } from '../users.ts';

/** Every role; a route open to these still needs a logged-in user. */
export const allUsers = ['admin', 'researcher', 'trainer'] as const satisfies readonly UserRole[];
export const researchers = ['admin', 'researcher'] as const satisfies readonly UserRole[];
export const admins = ['admin'] as const satisfies readonly UserRole[];

/** A body that is not JSON: a stream the route writes (events, a download) or reads (an upload). */
export interface MediaBody {
  mediaType: string;
  description: string;
}

/**
 * One route of the API, as data: what the server dispatches on, what the OpenAPI document
 * describes and what a client calls, all from these fields and their zod schemas.
 */
export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path below /api/v1, e.g. `/projects/:slug/next`. */
  path: string;
  summary: string;
  /** Who may call it; `public` routes run without a user. */
  roles: readonly UserRole[] | 'public';
  /** Path parameters; they arrive as strings, so a schema coerces what a handler wants as a number. */
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The 2xx JSON body, or a media type for streams; none: 204 with no body. */
  response?: z.ZodType | MediaBody;
  /** The route answers 204 with no body when there is nothing to give (`next`: the queue is empty). */
  emptyWhenNone?: true;
  successStatus?: number;
  /** The body is read by the handler as a stream (file uploads). */
  rawBody?: MediaBody;
  /**
   * A GET that changes state (`next` takes a lease). HEAD asks for a GET's headers and must change
   * nothing, so such a route answers HEAD with 405 instead of running its handler.
   */
  changesState?: true;
  /**
   * The route logs a browser in (sets the session cookie). It is refused from another origin like a
   * cookie-authenticated write, though it comes with no session yet: a cross-site form could
   * otherwise log a victim into the attacker's account. Marked on the route, so the check follows
   * every path the table sends to it (`/Session/` as much as `/session`).
   */
  startsSession?: true;
}

/** Declares a route, keeping its literal method, roles and schemas in its type. */
export const route = <const R extends ApiRoute>(spec: R): R => spec;

/** The parsed path parameters, query and body a handler receives (schema outputs). */
export type RouteParams<R extends ApiRoute> = R extends { params: infer S extends z.ZodType } ? z.output<S> : undefined;
export type RouteQuery<R extends ApiRoute> = R extends { query: infer S extends z.ZodType } ? z.output<S> : undefined;
export type RouteBody<R extends ApiRoute> = R extends { rawBody: MediaBody }
  ? undefined
  : R extends { body: infer S extends z.ZodType }
    ? z.output<S>
    : undefined;

/**
 * The JSON body a route answers with: the output of its response schema, which is also what the
 * OpenAPI document describes. Undefined for routes that answer 204 (or stream), and an allowed
 * answer of routes marked `emptyWhenNone`.
 */
export type RouteResponse<R extends ApiRoute> = R extends { response: infer S extends z.ZodType }
  ? z.output<S> | (R extends { emptyWhenNone: true } ? undefined : never)
  : undefined;

/** Whether the route is open to callers who are not logged in. */
export type IsPublic<R extends ApiRoute> = R extends { roles: 'public' } ? true : false;
