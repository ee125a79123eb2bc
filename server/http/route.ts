import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { ApiRoute, IsPublic, RouteBody, RouteParams, RouteQuery, RouteResponse } from '#shared/contract/route.ts';
import {
  badPercentEncoding,
  bodyTooLarge,
  bodyTooSlow,
  forbidden,
  invalidJson,
  methodNotAllowed,
  noRoute,
  unauthorized,
  unsupportedCharset,
  unsupportedEncoding,
  validationError,
} from './errors.ts';
import type { AuthUser } from './auth.ts';

type Schema = z.ZodType;

/** What a handler of route `R` is given: a user wherever the route is not public, and its parsed inputs. */
export interface HandlerInput<R extends ApiRoute> {
  user: IsPublic<R> extends true ? AuthUser | null : AuthUser;
  params: RouteParams<R>;
  query: RouteQuery<R>;
  body: RouteBody<R>;
  req: Request;
  res: Response;
}

/**
 * A handler of route `R`. What it returns is serialized as it is (the response is not parsed again on
 * the way out), so it must already be the response schema's output: a wrong shape fails `tsc`.
 * A route with no JSON response (204, or a stream the handler writes to `res`) returns nothing.
 */
export type Handler<R extends ApiRoute> = (input: HandlerInput<R>) => HandlerResult<R> | Promise<HandlerResult<R>>;

/**
 * `void` rather than `undefined` where there is no JSON body, so a handler that ends without a
 * `return` compiles; as one member of a union, `void` still refuses a function that returns a value.
 */
type HandlerResult<R extends ApiRoute> = R extends { response: z.ZodType } ? RouteResponse<R> : void;

/** A route of the contract with the server's handler: the route table's entries. */
export interface RouteSpec extends ApiRoute {
  handler: (input: { user: AuthUser | null; params: unknown; query: unknown; body: unknown; req: Request; res: Response }) => unknown;
}

/**
 * The server's side of a route declared in `shared/contract/`. The one place types are erased: the
 * table calls each handler only after checking its roles and parsing its inputs with its own schemas.
 */
export const implement = <R extends ApiRoute>(route: R, handler: NoInfer<Handler<R>>): RouteSpec => ({
  ...route,
  handler: handler as unknown as RouteSpec['handler'],
});

function parse(schema: Schema | undefined, value: unknown, where: string) {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/** The largest JSON body a route takes (uploads stream their own, larger bodies). */
const MAX_JSON_BYTES = 20 * 1024 * 1024;
/**
 * How long a JSON body may take to arrive whole: Node's own limit on a whole request, which the
 * server lifts for the sake of large uploads (cli/main.ts), kept for the bodies that are small.
 */
const JSON_BODY_DEADLINE_MS = 300_000;
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
    return Promise.reject(unsupportedCharset(charset));
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return Promise.reject(unsupportedEncoding(encoding));
  }
  const tooLarge = () => bodyTooLarge(MAX_JSON_BYTES);
  if (Number(req.headers['content-length']) > MAX_JSON_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const deadline = setTimeout(() => req.destroy(bodyTooSlow(JSON_BODY_DEADLINE_MS)), JSON_BODY_DEADLINE_MS).unref();
    req.on('close', () => clearTimeout(deadline));
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
      const invalid = () => invalidJson();
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
      throw badPercentEncoding(key);
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
    if (!route || !match) throw noRoute(req.method, `${req.baseUrl}${path}`);
    const { spec } = route;
    if (req.method === 'HEAD' && spec.changesState) {
      res.setHeader('Allow', 'GET');
      throw methodNotAllowed(spec.path);
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
