import type { Request, Response } from 'express';
import type { UserRole } from '#shared/users.ts';
import type { Db } from '#server/db/client.ts';
import { resolveApiToken, resolveSession, SESSION_COOKIE, setSessionCookie } from '#server/modules/auth/auth.usecases.ts';
import { crossOrigin, invalidToken, type AppError } from './errors.ts';

export interface AuthUser {
  id: number;
  username: string;
  role: UserRole;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: { user: AuthUser; via: 'cookie' | 'token'; sessionTokenHash?: string };
    /**
     * Why this write is refused if it must come from our own origin: set by `authenticator` on
     * writes a browser sent from elsewhere, thrown by the route table once it knows the route.
     */
    crossOrigin?: AppError;
  }
}

/** A cookie's value, or undefined when absent or not valid %-encoding: a mangled cookie is no cookie, never a 500. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Who is asking: a Bearer token (scripts) or the session cookie (browsers). An invalid Bearer token
 * is an error rather than anonymous, so a script with a revoked token hears about it.
 * Cookie-authenticated writes, and logins, must come from our own origin: SameSite=Lax stops most
 * cross-site requests, and an Origin / Sec-Fetch-Site check (the rule of Go's CrossOriginProtection)
 * stops the rest. A request with neither header is not from a browser, so a cookie-jar script still
 * works. Whether a write is cross-origin is decided here; the route table refuses it, because only
 * the matched route tells a login (`startsSession`) from another write without a session.
 */
export function authenticator(db: Db, allowedOrigins: string[]) {
  return (req: Request, res: Response) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const user = match ? resolveApiToken(db, match[1]!) : null;
      if (!user) throw invalidToken();
      req.auth = { user, via: 'token' };
      return;
    }
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = token ? resolveSession(db, token) : null;
    if (session) req.auth = { user: session.user, via: 'cookie', sessionTokenHash: session.tokenHash };
    if (session?.renewed) setSessionCookie(res, token!, req.secure);
    if (!SAFE_METHODS.has(req.method)) req.crossOrigin = crossOriginRefusal(req.get('origin'), req.get('sec-fetch-site'), req.get('host'), allowedOrigins);
  };
}

function crossOriginRefusal(origin: string | undefined, fetchSite: string | undefined, host: string | undefined, allowed: string[]): AppError | undefined {
  if (origin !== undefined) {
    if (allowed.includes(origin)) return undefined;
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      /* "null" and other opaque origins are refused below */
    }
    if (originHost === host) return undefined;
    return crossOrigin(origin);
  }
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return crossOrigin();
  }
  return undefined;
}
