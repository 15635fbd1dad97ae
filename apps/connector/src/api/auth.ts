import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AdminApiError } from './errors.js';
import { CSRF_HEADER, readCookie, SESSION_COOKIE, type Sessions } from './session.js';

const digest = (value: string) => createHash('sha256').update(value).digest();
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Access check for `/api`: a bearer token, or the console's session cookie. Both sides of
 * the bearer comparison are hashed first so `timingSafeEqual` compares equal-length buffers
 * and the comparison time reveals neither the token nor its length. A cookie-authenticated
 * state-changing call must also carry the CSRF header (double-submit) and, when the browser
 * sends one, a same-origin `Origin` (OWASP CSRF Prevention Cheat Sheet). Each refusal is
 * logged with its reason (never the token).
 */
export function requireBearer(token: string, sessions?: Sessions) {
  const expected = digest(token);

  /** Why the request may not pass (`reason` for the log, `message` for the caller), or null. */
  function refusal(req: Request): { reason: string; message: string } | null {
    const header = req.headers.authorization;
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!header && cookie && sessions) {
      const problem = sessions.problem(cookie);
      if (problem) return { reason: problem, message: problem };
      if (SAFE_METHODS.has(req.method)) return null;
      if (!sessions.csrfMatches(cookie, req.get(CSRF_HEADER)))
        return { reason: 'csrf token missing or wrong', message: `missing or wrong ${CSRF_HEADER} header` };
      const origin = req.get('origin');
      if (origin && origin !== `${req.protocol}://${req.get('host')}`)
        return { reason: 'cross-origin request', message: `origin ${origin} may not change state` };
      return null;
    }
    if (!header)
      return {
        reason: 'no credentials',
        message: 'missing Authorization: Bearer <HOOKPOST_ADMIN_TOKEN> header',
      };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected))
      return { reason: 'bearer token mismatch', message: 'bearer token does not match HOOKPOST_ADMIN_TOKEN' };
    return null;
  }

  return function checkBearer(req: Request, res: Response, next: NextFunction): void {
    res.setHeader('www-authenticate', 'Bearer realm="hookpost"');
    const refused = refusal(req);
    if (!refused) {
      next();
      return;
    }
    req.log.warn(
      // No path here: it can hold a secret by mistake (a token pasted into the URL); the
      // request line logged under the same reqId carries the redacted path.
      { reason: refused.reason, method: req.method },
      'admin API 401',
    );
    next(new AdminApiError('unauthorized', refused.message));
  };
}
