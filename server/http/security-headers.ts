import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers with our content security policy. None of them depends on the request (no
 * nonces), so helmet runs once at start and every response gets the same list: twelve header
 * writes instead of twelve nested middlewares on each request, the trainer's hot path included.
 */
function helmetHeaders(): [string, string][] {
  const headers: [string, string][] = [];
  // helmet sets its headers synchronously; the one it removes, X-Powered-By, Express never sends
  // (app.disable('x-powered-by')). tests/hardening.test.ts checks the headers on real responses.
  const recorder = { setHeader: (name: string, value: unknown) => headers.push([name, String(value)]), removeHeader: () => {} };
  const middleware = helmet({
    contentSecurityPolicy: {
      directives: {
        // KaTeX and our own styles need inline style attributes; scripts never run inline.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'script-src': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
  });
  middleware({} as never, recorder as never, () => {});
  return headers;
}

const headers = helmetHeaders();

export function setSecurityHeaders(res: Response) {
  for (const [name, value] of headers) res.setHeader(name, value);
}

export const securityHeaders: RequestHandler = (_req, res, next) => {
  setSecurityHeaders(res);
  next();
};
