import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HookpostHubSpotError } from '../errors.js';
import { checkSignatureHeaders } from './precheck.js';
import { signRequestV3 } from './sign.js';
import { verifySignature } from './verify.js';

const secret = 'precheck-secret';
const url = 'https://hooks.example.com/webhooks/hubspot';
const body = '[]';
const now = 1_800_000_000_000;
const v3 = (timestamp: number) =>
  signRequestV3({ clientSecret: secret, method: 'POST', url, body, timestamp });
const check = (headers: Record<string, string>, extra: { now?: unknown; allowLegacy?: boolean } = {}) =>
  checkSignatureHeaders({
    headers,
    now: (extra.now ?? now) as number,
    toleranceMs: 300_000,
    allowLegacy: extra.allowLegacy ?? false,
  });
const legacy = { 'x-hubspot-signature': 'a'.repeat(64), 'x-hubspot-signature-version': 'v2' };

describe('checkSignatureHeaders — before the body is read', () => {
  it('refuses missing, malformed, stale and future headers, and passes a fresh v3 set', () => {
    expect(check({})).toEqual({ ok: false, reason: 'missing_signature' });
    expect(check({ 'x-hubspot-signature-v3': v3(now)['x-hubspot-signature-v3'] })).toEqual({
      ok: false,
      reason: 'missing_timestamp',
    });
    expect(check({ ...v3(now), 'x-hubspot-signature-v3': 'not base64!' })).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
    expect(check(v3(now - 300_001))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(check(v3(now + 300_001))).toEqual({ ok: false, reason: 'future_timestamp' });
    expect(check(v3(now))).toMatchObject({ ok: true, version: 'v3', timestamp: String(now) });
  });

  it('validates a legacy request’s timestamp header when it is sent (no backdating, no huge values)', () => {
    expect(check(legacy, { allowLegacy: true })).toMatchObject({ ok: true, version: 'v2' });
    for (const [timestamp, reason] of [
      ['0', 'stale_timestamp'],
      ['9007199254740993', 'future_timestamp'],
      ['1e300', 'invalid_timestamp'],
      ['-5', 'invalid_timestamp'],
      ['99999999999999999999', 'invalid_timestamp'],
    ] as const) {
      expect(check({ ...legacy, 'x-hubspot-request-timestamp': timestamp }, { allowLegacy: true })).toEqual({
        ok: false,
        reason,
      });
    }
    expect(check({ ...legacy, 'x-hubspot-signature': 'zz' }, { allowLegacy: true })).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
  });

  it('fails closed on a clock that is not a finite number (a function, NaN, Infinity, a string)', () => {
    for (const clock of [() => Date.now(), Number.NaN, Number.POSITIVE_INFINITY, '1800000000000', null]) {
      expect(() => check(v3(now), { now: clock === null ? Number.NaN : clock })).toThrow(
        HookpostHubSpotError,
      );
      expect(() =>
        verifySignature({
          method: 'POST',
          url,
          rawBody: body,
          headers: v3(now - 10 * 300_000),
          clientSecrets: [secret],
          now: clock as number,
        }),
      ).toThrow(/now must be a finite number/);
    }
  });

  it('never accepts a timestamp outside the window, for any clock value and header text (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.integer(), fc.constant(Number.NaN)),
        fc.oneof(fc.string(), fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String)),
        (clock, timestamp) => {
          let result: ReturnType<typeof check>;
          try {
            result = check({ ...v3(now), 'x-hubspot-request-timestamp': timestamp }, { now: clock });
          } catch (error) {
            expect(Number.isFinite(clock)).toBe(false);
            expect(error).toBeInstanceOf(HookpostHubSpotError);
            return;
          }
          if (result.ok) expect(Math.abs(clock - Number(timestamp))).toBeLessThanOrEqual(300_000);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
