import type { ServerResponse } from 'node:http';
import { sendJson } from './limits.js';
import type { RequestScope } from './request-id.js';

/** A client error's own status (body-parser, a bad %-escape in the path), else 500. */
export function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 600) return status;
  // Express 5 throws a URIError for a malformed %-escape in a path parameter.
  if (error instanceof URIError) return 400;
  return 500;
}

/**
 * The answer to a request whose handler failed: JSON, never an HTML stack trace; a 5xx is
 * logged with the error and told only by request id, a 4xx says what was wrong.
 */
export function answerError(
  error: unknown,
  res: ServerResponse,
  request: Pick<RequestScope, 'id' | 'log'>,
): void {
  const status = statusOf(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  if (res.headersSent) return;
  sendJson(res, status, {
    error: status >= 500 ? 'internal_error' : 'bad_request',
    message: status >= 500 ? `request failed (request id ${request.id})` : (error as Error).message,
  });
}
