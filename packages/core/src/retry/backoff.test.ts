import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, nextRetry } from './backoff.js';
import { parseRetryAfter } from './retry-after.js';

const policyArb = fc
  .record({
    initialDelayMs: fc.integer({ min: 1, max: 60_000 }),
    capFactor: fc.integer({ min: 1, max: 1_000 }),
    maxAgeMs: fc.integer({ min: 1, max: 7 * 86_400_000 }),
  })
  .map(({ initialDelayMs, capFactor, maxAgeMs }) => ({
    initialDelayMs,
    maxDelayMs: initialDelayMs * capFactor,
    maxAgeMs,
  }));
const attemptArb = fc.integer({ min: 1, max: 60 });
const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const retryAfterArb = fc.option(fc.integer({ min: 0, max: 10 * 86_400_000 }), { nil: null });

describe('backoffDelayMs', () => {
  it('is never below Retry-After', () => {
    fc.assert(
      fc.property(attemptArb, policyArb, retryAfterArb, randomArb, (attempt, policy, retryAfterMs, r) => {
        expect(backoffDelayMs(attempt, policy, { retryAfterMs, random: () => r })).toBeGreaterThanOrEqual(
          retryAfterMs ?? 0,
        );
      }),
    );
  });

  it('is never above the cap unless Retry-After asks for more', () => {
    fc.assert(
      fc.property(attemptArb, policyArb, retryAfterArb, randomArb, (attempt, policy, retryAfterMs, r) => {
        const delay = backoffDelayMs(attempt, policy, { retryAfterMs, random: () => r });
        expect(delay).toBeLessThanOrEqual(Math.max(policy.maxDelayMs, retryAfterMs ?? 0));
      }),
    );
  });

  it('stays within [step/2, step] and its bounds never shrink as attempts grow', () => {
    fc.assert(
      fc.property(attemptArb, policyArb, (attempt, policy) => {
        const low = (n: number) => backoffDelayMs(n, policy, { random: () => 0 });
        const high = (n: number) => backoffDelayMs(n, policy, { random: () => 1 - Number.EPSILON });
        const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
        expect(low(attempt)).toBe(Math.floor(step / 2));
        expect(high(attempt)).toBeLessThanOrEqual(step);
        expect(low(attempt + 1)).toBeGreaterThanOrEqual(low(attempt));
        expect(high(attempt + 1)).toBeGreaterThanOrEqual(high(attempt));
      }),
    );
  });
});

describe('nextRetry', () => {
  it('gives up (dead) exactly when the next attempt would fall beyond the max age', () => {
    fc.assert(
      fc.property(
        attemptArb,
        policyArb,
        retryAfterArb,
        randomArb,
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        (attempt, policy, retryAfterMs, r, elapsedMs) => {
          const windowStart = 1_700_000_000_000;
          const now = windowStart + elapsedMs;
          const verdict = nextRetry({ attempt, now, windowStart, policy, retryAfterMs, random: () => r });
          const delay = backoffDelayMs(attempt, policy, { retryAfterMs, random: () => r });
          if (now + delay - windowStart > policy.maxAgeMs)
            expect(verdict).toEqual({ retry: false, reason: 'max_age' });
          else expect(verdict).toEqual({ retry: true, nextAttemptAt: now + delay, delayMs: delay });
        },
      ),
    );
  });

  it('gives up after maxAttempts failed attempts', () => {
    const policy = { initialDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 86_400_000, maxAttempts: 3 };
    expect(nextRetry({ attempt: 2, now: 0, windowStart: 0, policy }).retry).toBe(true);
    expect(nextRetry({ attempt: 3, now: 0, windowStart: 0, policy })).toEqual({
      retry: false,
      reason: 'max_attempts',
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('turns any delta-seconds into that many milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        expect(parseRetryAfter(String(seconds), now)).toBe(seconds * 1_000);
      }),
    );
  });
});
