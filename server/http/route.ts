import type { Request, Response } from 'express';
import { z } from 'zod';
import type { UserRole } from '#shared/users.ts';
import { AppError, badRequest, forbidden, unauthorized, validationError } from './errors.ts';
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

/** The largest JSON body a route takes (uploads stream their own, larger bodies). */
const MAX_JSON_BYTES = 20 * 1024 * 1024;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The request's JSON body, or undefined when it is not sent as JSON (the route's schema then says
 * what is missing). Read here rather than by body-parser: only routes that take a body read one,
 * and the trainer's hot path pays for no content negotiation it never uses.
 */
function readJsonBody(req: Request): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) return Promise.resolve(undefined);
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    return Promise.reject(new AppError(415, 'body.unsupported_charset', `The request body must be UTF-8, not ${charset}.`));
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return Promise.reject(new AppError(415, 'body.unsupported_encoding', `Send the JSON body uncompressed, not as ${encoding}.`));
  }
  const tooLarge = () => new AppError(413, 'body.too_large', `The request body is larger than ${MAX_JSON_BYTES / 1024 / 1024} MiB.`);
  if (Number(req.headers['content-length']) > MAX_JSON_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_JSON_BYTES) {
        req.removeAllListeners('data').resume();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      // A byte-order mark (files saved by some editors, sent with curl -d @file) is not part of the JSON.
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8').replace(/^\uFEFF/, '');
      const start = text.trimStart();
      if (start === '') return resolve(undefined);
      // As body-parser's strict mode: a body is an object or an array, never a bare null, number or string.
      const invalid = () => badRequest('body.invalid_json', 'The request body is not valid JSON (an object or an array).');
      if (start[0] !== '{' && start[0] !== '[') return reject(invalid());
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(invalid());
      }
    });
  });
}

/** A JSON answer, written directly: the API sends no ETags and needs none of res.json's negotiation. */
export function sendJson(res: Response, status: number, value: unknown) {
  const body = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  keys: string[];
}

/** `/projects/:slug/next` as a pattern: case-insensitive, a trailing slash allowed, as in Express. */
function compile(spec: RouteSpec): CompiledRoute {
  const keys: string[] = [];
  const source = spec.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, key: string) => (keys.push(key), '([^/]+)'));
  return { spec, pattern: new RegExp(`^${source}/?$`, 'i'), keys };
}

function paramsOf(route: CompiledRoute, match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  route.keys.forEach((key, i) => {
    try {
      params[key] = decodeURIComponent(match[i + 1]!);
    } catch {
      throw badRequest('bad_request', `The path parameter ${key} is not valid percent-encoding.`);
    }
  });
  return params;
}

/**
 * The API's routes as one handler: the request's method and path pick a spec; the asker is checked
 * against its roles (and, for writes, its origin: see `authenticator`), its params, query and body
 * parsed with its zod schemas, and its handler called.
 * A handler's return value is sent as JSON; a handler that streams writes to `res` itself.
 * Nothing matching is a 404 in the API's error shape.
 */
export function routeTable(specs: readonly RouteSpec[]) {
  const byMethod = new Map<string, CompiledRoute[]>();
  for (const spec of specs) {
    const method = spec.method.toUpperCase();
    if (!byMethod.has(method)) byMethod.set(method, []);
    byMethod.get(method)!.push(compile(spec));
  }

  return async function dispatch(req: Request, res: Response) {
    const path = req.path;
    let route: CompiledRoute | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of byMethod.get(req.method === 'HEAD' ? 'GET' : req.method) ?? []) {
      if ((match = candidate.pattern.exec(path))) {
        route = candidate;
        break;
      }
    }
    if (!route || !match) throw new AppError(404, 'not_found', `No route ${req.method} ${req.baseUrl}${path}.`);
    const { spec } = route;
    if (req.method === 'HEAD' && spec.changesState) {
      res.setHeader('Allow', 'GET');
      throw new AppError(405, 'method_not_allowed', `GET ${spec.path} changes state, so it does not answer HEAD; send GET.`);
    }
    // Cookie-authenticated writes, and the login that would set the cookie, must come from our own origin.
    if (req.crossOrigin && (req.auth?.via === 'cookie' || spec.startsSession)) throw req.crossOrigin;

    const user = req.auth?.user ?? null;
    if (spec.roles !== 'public') {
      if (!user) throw unauthorized();
      if (!spec.roles.includes(user.role)) throw forbidden();
    }
    const params = parse(spec.params, paramsOf(route, match), 'path parameters');
    const query = parse(spec.query, req.query, 'query');
    const body = spec.body && !spec.rawBody ? parse(spec.body, (await readJsonBody(req)) ?? {}, 'request body') : undefined;
    const result = await spec.handler({ user, params, query, body, req, res });
    if (res.headersSent || res.writableEnded) return;
    if (result === undefined) res.status(spec.successStatus ?? 204).end();
    else sendJson(res, spec.successStatus ?? 200, result);
  };
}
