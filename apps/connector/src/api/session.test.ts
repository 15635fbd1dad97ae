import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSessions, readCookie } from './session.js';

const TOKEN = 'session-test-token-0123456789';

describe('console sessions', () => {
  it('accepts the session it issued, with its CSRF token, until it expires', () => {
    let now = 1_000;
    const sessions = createSessions(TOKEN, () => now);
    const { session, csrf, expiresAt } = sessions.issue();
    expect(sessions.problem(session)).toBeNull();
    expect(sessions.csrfMatches(session, csrf)).toBe(true);
    now = expiresAt + 1;
    expect(sessions.problem(session)).toBe('session expired: sign in again');
  });

  it('refuses any altered session, and any CSRF token but its own', () => {
    const sessions = createSessions(TOKEN);
    const { session, csrf } = sessions.issue();
    fc.assert(
      fc.property(
        fc.nat({ max: session.length - 1 }),
        fc.string({ minLength: 1, maxLength: 1 }),
        (index, char) => {
          fc.pre(session[index] !== char);
          const altered = session.slice(0, index) + char + session.slice(index + 1);
          expect(sessions.problem(altered)).not.toBeNull();
          expect(sessions.csrfMatches(session, altered)).toBe(false);
        },
      ),
    );
    expect(sessions.csrfMatches(session, undefined)).toBe(false);
    expect(sessions.csrfMatches(sessions.issue().session, csrf)).toBe(false);
  });

  it('signs everyone out when the admin token changes', () => {
    const { session } = createSessions(TOKEN).issue();
    expect(createSessions(`${TOKEN}-rotated`).problem(session)).toBe(
      'session cookie not signed with the current admin token',
    );
  });

  it('checks the admin token in full', () => {
    const sessions = createSessions(TOKEN);
    expect(sessions.isAdminToken(TOKEN)).toBe(true);
    fc.assert(fc.property(fc.string(), (other) => other === TOKEN || !sessions.isAdminToken(other)));
  });

  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; hookpost_session=x.y.z; b=2', 'hookpost_session')).toBe('x.y.z');
    expect(readCookie('hookpost_session_old=1', 'hookpost_session')).toBeUndefined();
    expect(readCookie(undefined, 'hookpost_session')).toBeUndefined();
  });
});
