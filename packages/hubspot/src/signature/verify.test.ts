import { readFileSync } from 'node:fs';
import { Signature } from '@hubspot/api-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRequestV3 } from './sign.js';
import { verifySignature } from './verify.js';

const fixtures = new URL('../../test/fixtures/', import.meta.url);
const vectors = JSON.parse(readFileSync(new URL('signature-vectors.json', fixtures), 'utf8')) as {
  secret: string;
  url: string;
  vectors: Array<{
    version: 'v1' | 'v2' | 'v3';
    method: string;
    body?: string;
    bodyFile?: string;
    timestamp?: string;
    expected: string;
  }>;
};

const bodyOf = (vector: (typeof vectors.vectors)[number]) =>
  vector.bodyFile ? readFileSync(new URL(vector.bodyFile, fixtures), 'utf8').trimEnd() : (vector.body ?? '');

describe('verifySignature — published test vectors', () => {
  it.each(vectors.vectors)('$version $method $expected', (vector) => {
    const headers =
      vector.version === 'v3'
        ? { 'x-hubspot-signature-v3': vector.expected, 'x-hubspot-request-timestamp': vector.timestamp }
        : { 'x-hubspot-signature': vector.expected, 'x-hubspot-signature-version': vector.version };
    const result = verifySignature({
      method: vector.method,
      url: vectors.url,
      rawBody: bodyOf(vector),
      headers,
      clientSecrets: [vectors.secret],
      now: Number(vector.timestamp ?? 0) + 1_000,
      allowLegacy: true,
    });
    expect(result).toEqual({ ok: true, version: vector.version });
  });
});

const secret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const url = 'https://hooks.example.com/webhooks/hubspot?portal=62515';
const body = '[{"eventId":1,"portalId":62515}]';
const now = 1_800_000_000_000;

function signed(overrides: { timestamp?: number; secret?: string; body?: string; url?: string } = {}) {
  return signRequestV3({
    clientSecret: overrides.secret ?? secret,
    method: 'POST',
    url: overrides.url ?? url,
    body: overrides.body ?? body,
    timestamp: overrides.timestamp ?? now,
  });
}

const verify = (
  headers: Record<string, string>,
  extra: Partial<Parameters<typeof verifySignature>[0]> = {},
) => verifySignature({ method: 'POST', url, rawBody: body, headers, clientSecrets: [secret], now, ...extra });

describe('verifySignature — v3', () => {
  it('accepts a fresh signature and is case-insensitive about header names', () => {
    const headers = signed();
    expect(verify(headers)).toEqual({ ok: true, version: 'v3' });
    expect(
      verify({
        'X-HubSpot-Signature-V3': headers['x-hubspot-signature-v3'],
        'X-HubSpot-Request-Timestamp': headers['x-hubspot-request-timestamp'],
      }),
    ).toEqual({ ok: true, version: 'v3' });
  });

  it('accepts the edge of the tolerance window and rejects past it, both directions', () => {
    expect(verify(signed({ timestamp: now - 300_000 }))).toEqual({ ok: true, version: 'v3' });
    expect(verify(signed({ timestamp: now - 300_001 }))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify(signed({ timestamp: now + 300_000 }))).toEqual({ ok: true, version: 'v3' });
    expect(verify(signed({ timestamp: now + 300_001 }))).toEqual({ ok: false, reason: 'future_timestamp' });
    expect(verify(signed({ timestamp: now - 60_000 }), { toleranceMs: 30_000 })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('rejects a tampered body, a tampered URL and a wrong secret as mismatch', () => {
    expect(verify(signed(), { rawBody: body.replace('62515', '62516') })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verify(signed(), { url: url.replace('portal=62515', 'portal=1') })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verify(signed({ secret: 'another-secret' }))).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(signed(), { method: 'PUT' })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('verifies with the second secret during rotation', () => {
    const headers = signed({ secret: 'new-secret' });
    expect(verify(headers)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(headers, { clientSecrets: ['old-secret', 'new-secret'] })).toEqual({
      ok: true,
      version: 'v3',
    });
  });

  it('names a missing or malformed timestamp and a missing signature', () => {
    const { 'x-hubspot-signature-v3': v3 } = signed();
    expect(verify({ 'x-hubspot-signature-v3': v3 })).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(verify({ 'x-hubspot-signature-v3': v3, 'x-hubspot-request-timestamp': '17e11' })).toEqual({
      ok: false,
      reason: 'invalid_timestamp',
    });
    expect(verify({})).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('decodes exactly the twelve documented sequences, and %20 stays', () => {
    const encodedUrl = 'https://hooks.example.com/a%3Ab%2Fc%3Fd%40e%21f%24g%27h%28i%29j%2Ak%2Cl%3Bm%20n%5B';
    const decodedUrl = "https://hooks.example.com/a:b/c?d@e!f$g'h(i)j*k,l;m%20n%5B";
    const signature = Signature.getSignature('POST', 'v3', {
      signature: '',
      clientSecret: secret,
      url: decodedUrl,
      requestBody: body,
      timestamp: now,
    });
    const headers = { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(now) };
    expect(verify(headers, { url: encodedUrl })).toEqual({ ok: true, version: 'v3' });
    const fullyDecoded = "https://hooks.example.com/a:b/c?d@e!f$g'h(i)j*k,l;m n[";
    expect(verify(headers, { url: fullyDecoded })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('agrees with Signature.getSignature from @hubspot/api-client on 1,000 random requests', () => {
    const urlArb = fc.webUrl({ withQueryParameters: true }).filter((candidate) => !candidate.includes('%'));
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        urlArb,
        fc.integer({ min: -300_000, max: 300_000 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.constantFrom('POST', 'GET', 'PUT'),
        (randomBody, randomUrl, skewMs, randomSecret, method) => {
          const timestamp = now + skewMs;
          const expected = Signature.getSignature(method, 'v3', {
            signature: '',
            clientSecret: randomSecret,
            url: randomUrl,
            requestBody: randomBody,
            timestamp,
          });
          const headers = {
            'x-hubspot-signature-v3': expected,
            'x-hubspot-request-timestamp': String(timestamp),
          };
          const result = verifySignature({
            method,
            url: randomUrl,
            rawBody: randomBody,
            headers,
            clientSecrets: [randomSecret],
            now,
          });
          expect(result).toEqual({ ok: true, version: 'v3' });
          expect(
            signRequestV3({
              clientSecret: randomSecret,
              method,
              url: randomUrl,
              body: randomBody,
              timestamp,
            }),
          ).toEqual(headers);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('verifySignature — legacy v1/v2', () => {
  const v2 = Signature.getSignature('POST', 'v2', {
    signature: '',
    clientSecret: secret,
    url,
    requestBody: body,
  });

  it('refuses legacy signatures unless enabled, and only when v3 headers are absent', () => {
    const headers = { 'x-hubspot-signature': v2, 'x-hubspot-signature-version': 'v2' };
    expect(verify(headers)).toEqual({ ok: false, reason: 'legacy_disabled' });
    expect(verify(headers, { allowLegacy: true })).toEqual({ ok: true, version: 'v2' });
    const withBadV3 = {
      ...headers,
      'x-hubspot-signature-v3': 'AAAA',
      'x-hubspot-request-timestamp': String(now),
    };
    expect(verify(withBadV3, { allowLegacy: true })).toEqual({ ok: false, reason: 'malformed_signature' });
  });

  it('rejects a tampered v1 body and an unknown version', () => {
    const v1 = Signature.getSignature('POST', 'v1', {
      signature: '',
      clientSecret: secret,
      requestBody: body,
    });
    const headers = { 'x-hubspot-signature': v1, 'x-hubspot-signature-version': 'v1' };
    expect(verify(headers, { allowLegacy: true })).toEqual({ ok: true, version: 'v1' });
    expect(verify(headers, { allowLegacy: true, rawBody: `${body} ` })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verify({ ...headers, 'x-hubspot-signature-version': 'v9' }, { allowLegacy: true })).toEqual({
      ok: false,
      reason: 'unsupported_version',
    });
  });

  it('refuses to run without a secret', () => {
    expect(() => verify(signed(), { clientSecrets: [] })).toThrow(/clientSecrets is empty/);
  });
});
