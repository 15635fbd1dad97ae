import { HookpostSalesforceError } from '../errors.js';

/** What jsforce throws for an error answer (`HttpApiError`) or a failed token request. */
interface JsforceError {
  errorCode?: string;
  name?: string;
  message?: string;
}

export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { errorCode, name } = error as JsforceError;
  return errorCode ?? name;
}

/** Salesforce's answer for an expired or revoked session (REST 401). */
export function isSessionExpired(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code === 'INVALID_SESSION_ID' || code === 'ERROR_HTTP_401';
}

/** Converts whatever jsforce threw into the package's error, keeping it as `cause`. */
export function toApiError(error: unknown, action: string): HookpostSalesforceError {
  if (error instanceof HookpostSalesforceError) return error;
  const code = errorCodeOf(error);
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    return new HookpostSalesforceError(
      'api_limit',
      `${action}: the org's daily API request limit is exhausted (REQUEST_LIMIT_EXCEEDED); retry after usage resets`,
      { cause: error },
    );
  }
  if (isSessionExpired(error)) {
    return new HookpostSalesforceError(
      'auth_failed',
      `${action}: the session is invalid or expired (${code})`,
      {
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new HookpostSalesforceError(
    'api_error',
    `${action} failed: ${code ?? 'error'}: ${message.slice(0, 300)}`,
    {
      cause: error,
    },
  );
}
