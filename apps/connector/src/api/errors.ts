import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

export type AdminApiErrorCode =
  | 'unauthorized'
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'internal_error';

const STATUS: Record<AdminApiErrorCode, number> = {
  unauthorized: 401,
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  internal_error: 500,
};

/** Every answer of the admin API that is not a success: `{ error: code, message, issues? }`. */
export class AdminApiError extends Error {
  readonly code: AdminApiErrorCode;
  readonly status: number;
  readonly issues: { path: string; message: string }[] | undefined;

  constructor(
    code: AdminApiErrorCode,
    message: string,
    options: { cause?: unknown; issues?: { path: string; message: string }[] } = {},
  ) {
    super(`[@hookpost/connector] ${message}`, { cause: options.cause });
    this.name = 'AdminApiError';
    this.code = code;
    this.status = STATUS[code];
    this.issues = options.issues;
  }
}

/** zod issues as `{ path, message }`, e.g. `{ path: 'query.limit', message: 'expected a number' }`. */
export function issuesOf(error: z.ZodError, prefix: string): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** Parses `value` or throws a 400 that lists every problem with its path. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error, prefix);
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new AdminApiError('bad_request', `invalid ${prefix}: ${summary}`, { issues, cause: parsed.error });
}

/** Converts anything thrown in a route (ours, body-parser's, a CRM package's) into the JSON error shape. */
export function toAdminApiError(error: unknown): AdminApiError {
  if (error instanceof AdminApiError) return error;
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 413)
    return new AdminApiError(
      'payload_too_large',
      'request body is too large for the admin API (limit 1 MB)',
      { cause: error },
    );
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new AdminApiError('bad_request', message.replace(/^\[@hookpost\/connector\] /, ''), {
      cause: error,
    });
  return new AdminApiError('internal_error', 'request failed', { cause: error });
}

/** The router's error handler: JSON always, details only for client errors, never a stack trace. */
export function adminErrorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const apiError = toAdminApiError(error);
  if (apiError.status >= 500) req.log.error({ err: error }, 'admin API request failed');
  if (res.headersSent) return;
  const message =
    apiError.status >= 500
      ? `request failed (request id ${req.id})`
      : apiError.message.replace(/^\[@hookpost\/connector\] /, '');
  res.status(apiError.status).json({
    error: apiError.code,
    message,
    ...(apiError.issues ? { issues: apiError.issues } : {}),
  });
}
