import { createPrivateKey } from 'node:crypto';

/** Salesforce accepts a JWT bearer assertion whose `exp` is at most 3 minutes away. */
export const JWT_MAX_LIFETIME_SECONDS = 180;

export interface JwtAssertionOptions {
  clientId: string;
  username: string;
  /** PEM, PKCS#8 or PKCS#1 (the `openssl genrsa` default). */
  privateKey: string;
  /** The login URL (`https://login.salesforce.com`, `https://test.salesforce.com` or My Domain). */
  audience: string;
  now?: () => Date;
}

/**
 * Signs the OAuth 2.0 JWT bearer assertion (RS256, `iss` client id, `sub` username,
 * `aud` login URL). https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 *
 * @example
 * const assertion = await signJwtAssertion({ clientId, username, privateKey, audience: 'https://login.salesforce.com' });
 */
export async function signJwtAssertion(options: JwtAssertionOptions): Promise<string> {
  // node:crypto reads both PKCS#1 and PKCS#8 PEM; jose's importPKCS8 only the latter.
  const key = createPrivateKey(options.privateKey);
  const issuedAt = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  // Loaded on first use: only JWT sign-ins need jose (≈1 MB of heap a process would keep).
  const { SignJWT } = await import('jose');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(options.clientId)
    .setSubject(options.username)
    .setAudience(options.audience.replace(/\/+$/, ''))
    .setExpirationTime(issuedAt + JWT_MAX_LIFETIME_SECONDS)
    .sign(key);
}
