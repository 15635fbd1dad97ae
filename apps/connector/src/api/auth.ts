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
  const refuse = (req: Request, next: NextFunction, reason: string, message: string) => {
    req.log.warn({ reason, method: req.method, path: req.originalUrl.split('?')[0] }, 'admin API 401');
    next(new AdminApiError('unauthorized', message));
  };
  return function checkBearer(req: Request, res: Response, next: NextFunction): void {
    res.setHeader('www-authenticate', 'Bearer realm="hookpost"');
    const header = req.headers.authorization;
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!header && cookie && sessions) {
      const problem = sessions.problem(cookie);
      if (problem) return refuse(req, next, problem, `${problem}`);
      if (!SAFE_METHODS.has(req.method)) {
        if (!sessions.csrfMatches(cookie, req.get(CSRF_HEADER)))
          return refuse(req, next, 'csrf token missing or wrong', `missing or wrong ${CSRF_HEADER} header`);
        const origin = req.get('origin');
        if (origin && origin !== `${req.protocol}://${req.get('host')}`)
          return refuse(req, next, 'cross-origin request', `origin ${origin} may not change state`);
      }
      next();
      return;
    }
    if (!header)
      return refuse(
        req,
        next,
        'no credentials',
        'missing Authorization: Bearer <HOOKPOST_ADMIN_TOKEN> header',
      );
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected))
      return refuse(req, next, 'bearer token mismatch', 'bearer token does not match HOOKPOST_ADMIN_TOKEN');
    next();
  };
}
