import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
 * One request's id and its logger, a pino child made when first used: most requests log
 * nothing (the request line is at debug), and a child per request showed in the ingest
 * profile. A class, not an object literal with accessors: that literal cost about 1 µs to
 * make per request (measured), the class instance a few nanoseconds.
 */
export class RequestScope {
  #child: Logger | undefined;
  readonly id: string;
  readonly #parent: Logger;

  constructor(id: string, parent: Logger) {
    this.id = id;
    this.#parent = parent;
  }

  get log(): Logger {
    this.#child ??= this.#parent.child({ reqId: this.id });
    return this.#child;
  }

  set log(value: Logger) {
    this.#child = value;
  }
}

/**
 * Starts a request: an id (the caller's `x-request-id` when sane), the `x-request-id`
 * answer header, and one log line when the answer is finished, with the path redacted (see
 * `redactPath`). Shared by the Express middleware and the hand-routed ingest POSTs, so both
 * answer and log alike. A few lines by hand rather than pino-http: we log at debug on the
 * ingest hot path and need nothing else.
 */
export function requestTracker(logger: Logger, redactions: Redactions = {}) {
  return function trackRequest(
    req: IncomingMessage,
    res: ServerResponse,
    pathOf: () => string,
  ): RequestScope {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const scope = new RequestScope(id, logger);
    res.setHeader('x-request-id', id);
    const started = performance.now();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      scope.log[level](
        {
          method: req.method,
          path: redactPath(pathOf(), redactions),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    return scope;
  };
}

/** `requestTracker` as Express middleware: sets `req.id` and `req.log`. */
export function requestContext(track: ReturnType<typeof requestTracker>) {
  return function assignRequestId(req: Request, res: Response, next: NextFunction): void {
    const scope = track(req, res, () => req.path);
    req.id = scope.id;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: true,
      get: () => scope.log,
      set: (value: Logger) => {
        scope.log = value;
      },
    });
    next();
  };
}
