/** Every way `@hookpost/hubspot` can fail; closed so callers can switch on it. */
export type HookpostHubSpotErrorCode =
  | 'invalid_options'
  | 'malformed_payload'
  | 'payload_too_large'
  | 'body_unavailable'
  | 'rate_limited'
  | 'api_error'
  | 'network_error'
  | 'oauth_error'
  | 'not_installed';

/**
 * The one error class of this package. `status` is the HTTP status to answer with
 * when the error crosses the wire (400 for a malformed delivery, 413 for an oversized one),
 * or the status HubSpot answered with for `api_error`.
 *
 * @example
 * try { parseWebhookBatch(body) } catch (error) {
 *   if (error instanceof HookpostHubSpotError && error.code === 'malformed_payload') res.status(400);
 * }
 */
export class HookpostHubSpotError extends Error {
  override readonly name = 'HookpostHubSpotError';
  readonly code: HookpostHubSpotErrorCode;
  readonly status: number;

  constructor(
    code: HookpostHubSpotErrorCode,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(`[@hookpost/hubspot] ${message}`, { cause: options.cause });
    this.code = code;
    this.status = options.status ?? DEFAULT_STATUS[code];
  }
}

const DEFAULT_STATUS: Record<HookpostHubSpotErrorCode, number> = {
  invalid_options: 500,
  malformed_payload: 400,
  payload_too_large: 413,
  body_unavailable: 500,
  rate_limited: 429,
  api_error: 502,
  network_error: 502,
  oauth_error: 401,
  not_installed: 401,
};
