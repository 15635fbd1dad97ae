import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';

/** Salesforce refuses assertions that expire more than 3 minutes ahead. */
const MAX_EXP_AHEAD_SECONDS = 180;
const CLOCK_SKEW_SECONDS = 5;

export interface TokenCheck {
  publicKey?: string | KeyObject;
  clientId?: string;
  username?: string;
  audience: string;
}

/**
 * Verifies a JWT bearer assertion like Salesforce's token endpoint: RS256 signed by the
 * connected app's certificate, `iss`/`sub`/`aud` present and matching, `exp` near.
 * Returns the problem as an OAuth `error_description`, or `null` when valid.
 */
export async function checkAssertion(assertion: string, check: TokenCheck): Promise<string | null> {
  if (!check.publicKey) return 'the fake server was started without a publicKey';
  if (assertion.split('.').length !== 3) return 'assertion is not a JWS compact serialisation';
  try {
    if (decodeProtectedHeader(assertion).alg !== 'RS256') return 'assertion must be signed with RS256';
    const key = typeof check.publicKey === 'string' ? createPublicKey(check.publicKey) : check.publicKey;
    const { payload } = await jwtVerify(assertion, key, {
      algorithms: ['RS256'],
      clockTolerance: CLOCK_SKEW_SECONDS,
    });
    if (!payload.iss || !payload.sub || !payload.aud || !payload.exp)
      return 'assertion lacks iss, sub, aud or exp';
    if (check.clientId && payload.iss !== check.clientId) return 'client identifier invalid';
    if (check.username && payload.sub !== check.username) return "user hasn't approved this consumer";
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(check.audience)) return `audience must be ${check.audience}`;
    if (payload.exp - Date.now() / 1000 > MAX_EXP_AHEAD_SECONDS + CLOCK_SKEW_SECONDS)
      return 'expiration too far ahead';
    return null;
  } catch (error) {
    return `invalid assertion: ${error instanceof Error ? error.message : String(error)}`;
  }
}
