import type { ServerResponse } from 'node:http';
import { HookpostHubSpotError } from '../errors.js';

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
 * Answers a failure without leaking internals: our typed errors keep their status and
 * message (they never contain secrets); anything else becomes a generic 500.
 */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HookpostHubSpotError) {
    // An oversized body is left unread; close the connection instead of draining it.
    const headers: Record<string, string> = error.code === 'payload_too_large' ? { connection: 'close' } : {};
    sendJson(res, error.status, { error: error.code, message: error.message }, headers);
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
