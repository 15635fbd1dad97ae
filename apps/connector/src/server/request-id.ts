import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The Salesforce endpoint token is the secret part of its URL: never log it. */
export function redactPath(path: string): string {
  return path.replace(/^(\/webhooks\/salesforce\/)[^/]+/, '$1[redacted]');
}

/**
 * Gives each request an id (the caller's `x-request-id` when sane) and a child logger,
 * and logs one line per request. A few lines by hand rather than pino-http: we log at
 * debug on the ingest hot path and need nothing else from it.
 */
export function requestContext(logger: Logger) {
  return function assignRequestId(req: Request, res: Response, next: NextFunction): void {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ reqId: req.id });
    res.setHeader('x-request-id', req.id);
    const started = performance.now();
    res.on('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
      req.log[level](
        {
          method: req.method,
          path: redactPath(req.path),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  };
}
