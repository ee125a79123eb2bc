import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { UserRole } from '#shared/users.ts';
import { forbidden, unauthorized, validationError } from './errors.ts';
import type { AuthUser } from './auth.ts';

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path below /api/v1, e.g. `/projects/:slug/next`. */
  path: string;
  summary: string;
  /** Who may call it; `public` routes run without a user. */
  roles: readonly UserRole[] | 'public';
  params?: P;
  query?: Q;
  body?: B;
  /** For the OpenAPI document: the 2xx JSON body, or a media type for streams. */
  response?: Schema | { mediaType: string; description: string };
  successStatus?: number;
  /** The body is read by the handler as a stream (file uploads). */
  rawBody?: { mediaType: string; description: string };
  handler: (input: {
    user: AuthUser | null;
    params: Infer<P>;
    query: Infer<Q>;
    body: Infer<B>;
    req: Request;
    res: Response;
  }) => unknown;
}

/** Keeps each route's types tied to its own schemas. */
export const defineRoute = <P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(
  spec: RouteSpec<P, Q, B>,
) => spec as unknown as RouteSpec;

export const allUsers = ['admin', 'researcher', 'trainer'] as const;
export const researchers = ['admin', 'researcher'] as const;
export const admins = ['admin'] as const;

function parse(schema: Schema | undefined, value: unknown, where: string) {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/**
 * Mounts specs on a router: each request is checked for who is asking and what the role allows,
 * its params, query and body parsed with the route's zod schemas, then handed to the handler.
 * A handler's return value is sent as JSON; a handler that streams writes to `res` itself.
 */
export function mountRoutes(router: Router, specs: readonly RouteSpec[]) {
  for (const spec of specs) {
    router[spec.method](spec.path, async (req, res) => {
      const user = req.auth?.user ?? null;
      if (spec.roles !== 'public') {
        if (!user) throw unauthorized();
        if (!spec.roles.includes(user.role)) throw forbidden();
      }
      const params = parse(spec.params, req.params, 'path parameters');
      const query = parse(spec.query, req.query, 'query');
      const body = spec.rawBody ? undefined : parse(spec.body, req.body ?? {}, 'request body');
      const result = await spec.handler({ user, params, query, body, req, res });
      if (res.headersSent || res.writableEnded) return;
      if (result === undefined) res.status(spec.successStatus ?? 204).end();
      else res.status(spec.successStatus ?? 200).json(result);
    });
  }
}
