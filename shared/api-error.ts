// Without zod, so that the pages trainers load first can use it (decision 0003).

/**
 * An error answer of the API: its HTTP status, the stable code, the message in plain words, and
 * what the code carries (a 400's field issues, an import's bad lines). The server throws it (its
 * AppError adds what trainers are told instead), the client reads answers into it.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * The code of a 401 that says nobody is logged in: no session cookie, or the session ended (a new
 * password, deactivation, expiry), or an unknown API token. A browser hearing it asks the person to
 * log in again over the page they are on (client/src/lib/api.ts).
 */
export const AUTH_REQUIRED = 'auth.required';
