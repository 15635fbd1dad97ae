import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/**
 * Limits on what an unauthenticated client can hold. Read from the environment:
 * `HOOKPOST_BODY_TIMEOUT_MS` (default 10 s) — a request whose headers and body have not
 * fully arrived by then is answered 408 and its socket closed (Node's `requestTimeout`,
 * checked every second); `HOOKPOST_MAX_BODIES_IN_FLIGHT` (default 128) — bodies being
 * received at once; more are answered 503 with `Retry-After` (the only 503 not about
 * storage: overload), so memory held by slow bodies is bounded by this × `maxBodyBytes`.
 */
export interface HttpLimits {
  bodyTimeoutMs: number;
  maxBodiesInFlight: number;
}

export const DEFAULT_BODY_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODIES_IN_FLIGHT = 128;

export function httpLimitsFrom(env: NodeJS.ProcessEnv): HttpLimits {
  const read = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isSafeInteger(value) && value > 0 ? value : fallback;
  };
  return {
    bodyTimeoutMs: read('HOOKPOST_BODY_TIMEOUT_MS', DEFAULT_BODY_TIMEOUT_MS),
    maxBodiesInFlight: read('HOOKPOST_MAX_BODIES_IN_FLIGHT', DEFAULT_MAX_BODIES_IN_FLIGHT),
  };
}

/**
 * An HTTP server that closes stalled requests: `requestTimeout` covers headers and body
 * (Node answers 408 and closes the socket), checked every second rather than Node's default 30 s.
 * https://nodejs.org/docs/latest-v20.x/api/http.html#serverrequesttimeout
 */
export function createHttpServer(app: RequestListener, limits: HttpLimits): Server {
  const server = createServer(
    {
      requestTimeout: limits.bodyTimeoutMs,
      headersTimeout: limits.bodyTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.bodyTimeoutMs),
    },
    app,
  );
  server.keepAliveTimeout = 65_000;
  return server;
}

/**
 * Counts request bodies being received at once and refuses one beyond `max` (503,
 * `Retry-After: 1`, connection closed). One gate serves the hand-routed ingest POSTs and
 * Express alike, so the cap holds across both. `admit` answers the refusal itself and
 * returns false; a request without a body, or whose body already arrived, is always admitted.
 */
export function bodyGate(max: number, onChange: (inFlight: number) => void = () => {}) {
  let inFlight = 0;
  return function admit(req: IncomingMessage, res: ServerResponse): boolean {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
    if (!hasBody || req.complete) return true;
    if (inFlight >= max) {
      res.setHeader('retry-after', '1');
      res.setHeader('connection', 'close');
      sendJson(res, 503, {
        error: 'overloaded',
        message: 'too many request bodies in flight; retry shortly',
      });
      return false;
    }
    inFlight++;
    onChange(inFlight);
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      inFlight--;
      onChange(inFlight);
    };
    req.once('end', done);
    req.once('close', done);
    res.once('close', done);
    return true;
  };
}

/** `bodyGate`'s check as Express middleware. */
export function bodiesInFlight(admit: ReturnType<typeof bodyGate>) {
  return function limitBodiesInFlight(req: Request, res: Response, next: NextFunction): void {
    if (admit(req, res)) next();
  };
}

/** A JSON answer with plain `node:http` (what Express's `res.status(…).json(…)` sends). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
