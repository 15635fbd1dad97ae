/** Every way a core call can fail; closed so callers can switch on it exhaustively. */
export type HookpostCoreErrorCode =
  | 'invalid_event'
  | 'invalid_campaign'
  | 'invalid_record'
  | 'unsupported_object'
  | 'invalid_trigger'
  | 'invalid_secret'
  | 'invalid_signature';

const STATUS: Record<HookpostCoreErrorCode, number> = {
  invalid_event: 400,
  invalid_campaign: 400,
  invalid_record: 422,
  unsupported_object: 422,
  invalid_trigger: 422,
  // A bad signing secret is our configuration problem, not the caller's.
  invalid_secret: 500,
  invalid_signature: 401,
};

/** One problem found in an input, by dotted path (`recipient.address.postalCode`). */
export interface Issue {
  path: string;
  message: string;
}

/**
 * The one error class of `@hookpost/core`. Messages never contain secrets.
 *
 * @example
 * try { verifyTrigger(body, headers, secret); }
 * catch (error) { if (error instanceof HookpostCoreError && error.code === 'invalid_signature') res.status(error.status); }
 */
export class HookpostCoreError extends Error {
  override readonly name = 'HookpostCoreError';
  readonly code: HookpostCoreErrorCode;
  /** HTTP status to answer with when this error crosses the wire. */
  readonly status: number;
  readonly issues: readonly Issue[];

  constructor(
    code: HookpostCoreErrorCode,
    message: string,
    options: { cause?: unknown; issues?: Issue[] } = {},
  ) {
    super(`[@hookpost/core] ${message}`, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.status = STATUS[code];
    this.issues = options.issues ?? [];
  }
}
