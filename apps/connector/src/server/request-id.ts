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
const REDACTED = '[redacted]';

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What `redactPath` hides: route prefixes whose remainder is secret, and secret values. */
export interface Redactions {
  /** e.g. `/webhooks/salesforce`, before an endpoint token (the CRM adapters declare them). */
  secretPathPrefixes?: readonly string[];
  secrets?: readonly string[];
}

/**
 * The request path as logged. A secret in a URL (an endpoint token) can be written many
 * ways that still reach (or try) its route — other letter case, doubled slashes, a trailing
 * slash, `%`-encoding — so the path is first decoded and its slashes collapsed, then
 * everything after a secret route prefix (any case) is cut, and any known secret left
 * (e.g. a token sent under another path) is replaced too.
 *
 * @example
 * redactPath('//Webhooks/SALESFORCE/abc/', { secretPathPrefixes: ['/webhooks/salesforce'] });
 * // '/webhooks/salesforce/[redacted]'
 */
export function redactPath(path: string, { secretPathPrefixes = [], secrets = [] }: Redactions = {}): string {
  let logged = decodeLoosely(path).replace(/[\\/]+/g, '/');
  const lower = logged.toLowerCase();
  for (const prefix of secretPathPrefixes) {
    const at = prefix.toLowerCase();
    const index = lower.indexOf(`${at}/`);
    if (index >= 0 || lower.endsWith(at))
      return `${logged.slice(0, index >= 0 ? index : lower.length - at.length)}${prefix}/${REDACTED}`;
  }
  for (const secret of secrets) {
    if (secret.length > 0) logged = logged.split(secret).join(REDACTED);
  }
  return logged;
}

/**
 * Gives each request an id (the caller's `x-request-id` when sane) and a child logger,
 * and logs one line per request with the path redacted (see `redactPath`). A few lines by
 * hand rather than pino-http: we log at debug on the ingest hot path and need nothing else.
 */
export function requestContext(logger: Logger, redactions: Redactions = {}) {
  return function assignRequestId(req: Request, res: Response, next: NextFunction): void {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    // The child logger is made when first used: most requests log nothing (the request line
    // is at debug), and a pino child per request showed in the ingest profile.
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: true,
      get: () => {
        child ??= logger.child({ reqId: id });
        return child;
      },
      set: (value: Logger) => {
        child = value;
      },
    });
    res.setHeader('x-request-id', id);
    const started = performance.now();
    res.on('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      req.log[level](
        {
          method: req.method,
          path: redactPath(req.path, redactions),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  };
}
