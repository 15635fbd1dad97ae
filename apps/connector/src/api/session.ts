import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** Cookie names of the console's sign-in. `__Host-` is not used: the connector may run on plain HTTP locally. */
export const SESSION_COOKIE = 'hookpost_session';
export const CSRF_COOKIE = 'hookpost_csrf';
/** The header a console page copies the CSRF cookie into (double-submit, OWASP CSRF cheat sheet). */
export const CSRF_HEADER = 'x-hookpost-csrf';
/** How long a console sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * Stateless console sessions: `<expiresAtMs>.<nonce>.<HMAC-SHA256(token, expiry.nonce)>`.
 * Keyed by the admin token, so rotating `HOOKPOST_ADMIN_TOKEN` signs every session out;
 * no session table, so any number of connector processes accept the same cookie.
 */
export function createSessions(token: string, now: () => number = Date.now) {
  const mac = (text: string) => createHmac('sha256', token).update(text).digest('base64url');
  const same = (a: string, b: string) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  };

  /** A new session value and its CSRF token (HMAC of the session, so it cannot be forged apart). */
  function issue(): { session: string; csrf: string; expiresAt: number } {
    const expiresAt = now() + SESSION_TTL_MS;
    const body = `${expiresAt}.${randomBytes(16).toString('base64url')}`;
    const session = `${body}.${mac(body)}`;
    return { session, csrf: csrfFor(session), expiresAt };
  }

  function csrfFor(session: string): string {
    return mac(`csrf:${session}`);
  }

  /** Why a cookie value is not a live session, or null when it is. */
  function problem(session: string | undefined): string | null {
    if (!session) return 'no session cookie';
    const parts = session.split('.');
    if (parts.length !== 3) return 'malformed session cookie';
    const [expiry, nonce, signature] = parts as [string, string, string];
    if (!same(mac(`${expiry}.${nonce}`), signature))
      return 'session cookie not signed with the current admin token';
    if (Number(expiry) < now()) return 'session expired: sign in again';
    return null;
  }

  function csrfMatches(session: string, header: string | undefined): boolean {
    return typeof header === 'string' && same(csrfFor(session), header);
  }

  /** Whether `candidate` is the admin token, compared in constant time. */
  function isAdminToken(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), sha256(token));
  }

  return { issue, problem, csrfMatches, isAdminToken };
}

export type Sessions = ReturnType<typeof createSessions>;

/** Reads one cookie from a `Cookie` header (RFC 6265 §5.4), without a dependency for two names. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name)
      return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}
