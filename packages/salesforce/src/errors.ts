/** Every way this package can fail, closed so callers can `switch` over it. */
export type HookpostSalesforceErrorCode =
  | 'empty_body'
  | 'unsupported_media_type'
  | 'body_too_large'
  | 'doctype_forbidden'
  | 'malformed_xml'
  | 'xml_limit_exceeded'
  | 'not_outbound_message'
  | 'missing_field'
  | 'too_many_notifications'
  | 'unknown_token'
  | 'organization_mismatch'
  | 'store_failed'
  | 'invalid_id'
  | 'auth_failed'
  | 'api_limit'
  | 'api_error'
  | 'invalid_change_event'
  | 'transport_failed'
  | 'invalid_options';

const STATUS_BY_CODE: Record<HookpostSalesforceErrorCode, number> = {
  empty_body: 400,
  unsupported_media_type: 415,
  body_too_large: 413,
  doctype_forbidden: 400,
  malformed_xml: 400,
  xml_limit_exceeded: 400,
  not_outbound_message: 400,
  missing_field: 400,
  too_many_notifications: 400,
  unknown_token: 401,
  organization_mismatch: 401,
  store_failed: 503,
  invalid_id: 400,
  auth_failed: 401,
  api_limit: 429,
  api_error: 502,
  invalid_change_event: 400,
  transport_failed: 502,
  invalid_options: 500,
};

/**
 * The one error class of `@hookpost/salesforce`. `status` is the HTTP status to answer with
 * where the error crosses the wire (the outbound-message endpoint).
 *
 * @example
 * try { parseOutboundMessage(body); }
 * catch (error) {
 *   if (error instanceof HookpostSalesforceError) res.status(error.status).end(error.message);
 * }
 */
export class HookpostSalesforceError extends Error {
  override readonly name = 'HookpostSalesforceError';
  readonly code: HookpostSalesforceErrorCode;
  readonly status: number;

  constructor(code: HookpostSalesforceErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[@hookpost/salesforce] ${message}`, options);
    this.code = code;
    this.status = STATUS_BY_CODE[code];
  }
}
