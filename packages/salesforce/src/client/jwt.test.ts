import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { checkAssertion } from '../testing/fake-token.js';
import { JWT_MAX_LIFETIME_SECONDS, signJwtAssertion } from './jwt.js';

const pem = (type: 'pkcs1' | 'pkcs8') =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type, format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

describe('signJwtAssertion', () => {
  it.each(['pkcs1', 'pkcs8'] as const)(
    'signs RS256 with the Salesforce claims from a %s key',
    async (type) => {
      const { privateKey, publicKey } = pem(type);
      const assertion = await signJwtAssertion({
        clientId: 'client-1',
        username: 'integration@acme.example',
        privateKey,
        audience: 'https://login.salesforce.com/',
      });
      expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256' });
      const claims = decodeJwt(assertion);
      expect(claims).toMatchObject({
        iss: 'client-1',
        sub: 'integration@acme.example',
        aud: 'https://login.salesforce.com',
      });
      expect((claims.exp ?? 0) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(JWT_MAX_LIFETIME_SECONDS);
      expect(
        await checkAssertion(assertion, {
          publicKey,
          clientId: 'client-1',
          audience: 'https://login.salesforce.com',
        }),
      ).toBeNull();
    },
  );

  it('is refused by the fake token endpoint for a wrong key, audience or a far expiry', async () => {
    const { privateKey, publicKey } = pem('pkcs8');
    const sign = (audience: string, now?: () => Date) =>
      signJwtAssertion({ clientId: 'c', username: 'u', privateKey, audience, ...(now ? { now } : {}) });
    const check = (assertion: string, key = publicKey) =>
      checkAssertion(assertion, { publicKey: key, audience: 'https://login.salesforce.com' });
    expect(await check(await sign('https://login.salesforce.com'), pem('pkcs8').publicKey)).toMatch(
      /signature/,
    );
    expect(await check(await sign('https://test.salesforce.com'))).toMatch(/audience/);
    const later = () => new Date(Date.now() + 3_600_000);
    expect(await check(await sign('https://login.salesforce.com', later))).toMatch(/too far ahead/);
    expect(await check('not.a.jwt')).toMatch(/invalid assertion/);
  });
});
