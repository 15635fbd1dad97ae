import type { ServerResponse } from 'node:http';
import { HookpostHubSpotError } from '../errors.js';
import type { SignatureFailureReason } from '../signature/precheck.js';

/** Writes a JSON answer; works on plain node:http and Express responses alike. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

/**
 * 401 naming the signature problem. When the body was left unread (refused on its
 * headers), the connection is closed rather than drained: a client that stalls its body
 * cannot hold the socket open after the answer.
 */
export function sendRefusal(res: ServerResponse, reason: SignatureFailureReason, bodyRead: boolean): void {
  sendJson(res, 401, { error: 'invalid_signature', reason }, bodyRead ? {} : { connection: 'close' });
}

/**
 * Answers a failure without leaking internals: our typed errors keep their status and
 * message (they never contain secrets); anything else becomes a generic 500.
 */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HookpostHubSpotError) {
    // An oversized or broken body is left unread; close the connection instead of draining it.
    const unread = error.code === 'payload_too_large' || error.code === 'body_unavailable';
    sendJson(
      res,
      error.status,
      { error: error.code, message: error.message },
      unread ? { connection: 'close' } : {},
    );
    return;
  }
  sendJson(res, 500, { error: 'internal_error', message: '[@hookpost/hubspot] unexpected error' });
}

/** HubSpot retries on any non-2xx; 503 says "try again later" without blaming the request. */
export function sendUnavailable(res: ServerResponse): void {
  sendJson(res, 503, {
    error: 'unavailable',
    message: '[@hookpost/hubspot] the delivery could not be stored; retry later',
  });
}
