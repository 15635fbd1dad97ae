import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AdminApiError } from './errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Bearer-token check for `/api`. Both sides are hashed first so `timingSafeEqual` compares
 * equal-length buffers and the comparison time reveals neither the token nor its length.
 */
export function requireBearer(token: string) {
  const expected = digest(token);
  return function checkBearer(req: Request, res: Response, next: NextFunction): void {
    res.setHeader('www-authenticate', 'Bearer realm="hookpost"');
    const header = req.headers.authorization;
    if (!header) {
      next(new AdminApiError('unauthorized', 'missing Authorization: Bearer <HOOKPOST_ADMIN_TOKEN> header'));
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      next(new AdminApiError('unauthorized', 'bearer token does not match HOOKPOST_ADMIN_TOKEN'));
      return;
    }
    next();
  };
}
