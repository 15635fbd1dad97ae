import type { Connection } from 'jsforce';
import { HookpostSalesforceError } from '../errors.js';
import { errorCodeOf, isSessionExpired } from './api-error.js';
import { signJwtAssertion } from './jwt.js';

/** JWT bearer (recommended: a connected app with a certificate) or a ready access token. */
export type SalesforceAuth =
  | { type: 'jwt'; clientId: string; username: string; privateKey: string }
  | { type: 'accessToken'; accessToken: string };

export interface SessionOptions {
  instanceUrl: string;
  loginUrl: string;
  apiVersion: string;
  auth: SalesforceAuth;
}

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * One jsforce connection, authorised lazily, re-authorised once when Salesforce says the
 * session expired — one token request for all callers in flight (single flight).
 * jsforce's own refresh delegate is not used: it retries without bound.
 */
export function createSession(options: SessionOptions) {
  const { instanceUrl, loginUrl, apiVersion, auth } = options;
  let ready: Promise<Connection> | null = null;
  let current: Connection | null = null;

  async function authorize(): Promise<Connection> {
    // jsforce is loaded on first use: it adds ~30 MB to a process that only receives
    // outbound messages. `version` explicitly: jsforce defaults to API 50.0.
    const { Connection } = await import('jsforce');
    const conn = new Connection({ instanceUrl, loginUrl, version: apiVersion });
    if (auth.type === 'accessToken') {
      conn.accessToken = auth.accessToken;
      current = conn;
      return conn;
    }
    try {
      const assertion = await signJwtAssertion({ ...auth, audience: loginUrl });
      await conn.authorize({ grant_type: JWT_GRANT, assertion });
      current = conn;
      return conn;
    } catch (cause) {
      const detail =
        cause instanceof Error ? `${errorCodeOf(cause) ?? 'error'}: ${cause.message.slice(0, 200)}` : 'error';
      throw new HookpostSalesforceError(
        'auth_failed',
        `JWT bearer login to ${loginUrl} failed (${detail}): check clientId, username, the connected app's certificate and loginUrl`,
        { cause },
      );
    }
  }

  function connection(): Promise<Connection> {
    ready ??= authorize().catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  }

  /**
   * Forgets `stale` so the next `connection()` authorises again. Single flight: only the
   * first caller holding the stale connection resets; callers that failed with the same
   * stale session join the one token request already in flight.
   */
  function invalidate(stale: Connection): void {
    if (current !== stale) return;
    current = null;
    ready = null;
  }

  /** Runs `call`; on an expired session, re-authorises once (JWT only) and runs it again. */
  async function run<T>(call: (conn: Connection) => Promise<T>): Promise<{ result: T; conn: Connection }> {
    const conn = await connection();
    try {
      return { result: await call(conn), conn };
    } catch (error) {
      if (!isSessionExpired(error) || auth.type !== 'jwt') throw error;
      invalidate(conn);
      const fresh = await connection();
      return { result: await call(fresh), conn: fresh };
    }
  }

  return { connection, run, invalidate, current: () => current };
}
