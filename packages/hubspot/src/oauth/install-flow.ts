import { createHash, randomBytes } from 'node:crypto';
import { safeEqual } from '../signature/compare.js';
import type { OAuth } from './oauth.js';
import type { StateFailureReason } from './state.js';

/** The cookie that ties an install's `state` to the browser that started it. */
export const INSTALL_COOKIE = 'hookpost_oauth_install';

/** Remembers used state nonces; `claim` is atomic and true only for the first use. */
export interface UsedStates {
  claim(nonce: string, expiresAtMs: number): Promise<boolean>;
}

export type InstallCheckFailure = StateFailureReason | 'missing_state' | 'not_this_browser' | 'already_used';

export interface InstallFlowOptions {
  oauth: Pick<OAuth, 'installUrl' | 'verifyState'>;
  usedStates: UsedStates;
  /** Send the cookie with `Secure` (the public URL is https). */
  secureCookie: boolean;
  /** Path the cookie is sent to; the callback must be under it. */
  cookiePath?: string;
  /** Cookie lifetime; match the state's (10 minutes by default). */
  cookieMaxAgeSeconds?: number;
}

export interface InstallFlow {
  /** The authorize URL to redirect to and the `Set-Cookie` header binding it to this browser. */
  begin(): { location: string; setCookie: string };
  /** Checks the callback's `state`: signed, unexpired, from this browser, and not used before (then uses it). */
  check(
    state: unknown,
    cookieHeader: string | undefined,
  ): Promise<{ ok: true } | { ok: false; reason: InstallCheckFailure }>;
}

const hash = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * The OAuth install flow's defences against login CSRF and code injection (RFC 6749 §10.12,
 * RFC 9700 §4.7): the `state` is single-use (its nonce is claimed on the callback) and bound
 * to the installing browser by an HttpOnly, SameSite=Lax cookie whose hash the state carries.
 *
 * @example
 * const flow = createInstallFlow({ oauth, usedStates, secureCookie: true });
 * // GET /oauth/hubspot/install:  const { location, setCookie } = flow.begin(); res.setHeader('set-cookie', setCookie).redirect(location)
 * // GET /oauth/hubspot/callback: if (!(await flow.check(req.query.state, req.headers.cookie)).ok) res.status(400)
 */
export function createInstallFlow(options: InstallFlowOptions): InstallFlow {
  const path = options.cookiePath ?? '/oauth/hubspot';
  const maxAge = options.cookieMaxAgeSeconds ?? 600;
  return {
    begin() {
      const binding = randomBytes(32).toString('base64url');
      const attributes = [`Path=${path}`, `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Lax'];
      if (options.secureCookie) attributes.push('Secure');
      return {
        location: options.oauth.installUrl({ bindingHash: hash(binding) }),
        setCookie: [`${INSTALL_COOKIE}=${binding}`, ...attributes].join('; '),
      };
    },
    async check(state, cookieHeader) {
      if (typeof state !== 'string' || state.length === 0 || state.length > 2_000) {
        return { ok: false, reason: 'missing_state' };
      }
      const verified = options.oauth.verifyState(state);
      if (!verified.ok) return verified;
      const binding = readCookie(cookieHeader, INSTALL_COOKIE);
      if (!verified.bindingHash || !binding || !safeEqual(verified.bindingHash, hash(binding))) {
        return { ok: false, reason: 'not_this_browser' };
      }
      const first = await options.usedStates.claim(verified.nonce, verified.expiresAt.getTime());
      return first ? { ok: true } : { ok: false, reason: 'already_used' };
    },
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
