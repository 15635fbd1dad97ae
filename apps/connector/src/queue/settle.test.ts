import { describe, expect, it } from 'vitest';
import { EVENT_RETRY, isTransientConflict, settleFailure } from './settle.js';

describe('settleFailure', () => {
  const policy = { initialDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 3_600_000 };

  it('reschedules within the back-off and honours Retry-After as a floor', () => {
    const at = 1_000_000;
    const settled = settleFailure(
      { error: 'HTTP 429', attempt: 1, at, windowStart: at, retryAfterMs: 30_000 },
      policy,
    );
    expect(settled).toEqual({ status: 'pending', reason: 'HTTP 429', notBefore: at + 30_000 });
  });

  it('is dead once the next attempt would pass the max age, saying why', () => {
    const settled = settleFailure({ error: 'HTTP 503', attempt: 9, at: 3_599_000, windowStart: 0 }, policy);
    expect(settled).toEqual({
      status: 'dead',
      reason: 'retries exhausted after 9 attempts (max age): HTTP 503',
    });
  });

  it('is dead at once for a final failure', () => {
    expect(
      settleFailure({ error: 'HTTP 422', attempt: 1, at: 0, windowStart: 0, final: true }, policy),
    ).toEqual({
      status: 'dead',
      reason: 'HTTP 422',
    });
  });

  it('gives an event five attempts however old it is', () => {
    const old = { at: 10 * 365 * 86_400_000, windowStart: 0, error: 'timeout' };
    expect(settleFailure({ ...old, attempt: 4 }, EVENT_RETRY).status).toBe('pending');
    expect(settleFailure({ ...old, attempt: 5 }, EVENT_RETRY)).toEqual({
      status: 'dead',
      reason: 'retries exhausted after 5 attempts (max attempts): timeout',
    });
  });
});

describe('isTransientConflict', () => {
  it('recognises PostgreSQL deadlocks and serialization failures, nothing else', () => {
    expect(isTransientConflict(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
    expect(isTransientConflict(Object.assign(new Error('could not serialize'), { code: '40001' }))).toBe(
      true,
    );
    expect(isTransientConflict(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isTransientConflict(new Error('timeout'))).toBe(false);
    expect(isTransientConflict(null)).toBe(false);
  });
});
