import { type BackoffPolicy, nextRetry } from '@hookpost/core';

/** A failed attempt of one queued row. Times are epoch ms. */
export interface Failure {
  /** What went wrong, for the operator (stored as the row's reason / last error). */
  error: string;
  /** The attempt that failed, 1 for the first. */
  attempt: number;
  at: number;
  /** When the row's retry window opened (created, first due or last replayed). */
  windowStart: number;
  /** The destination's `Retry-After`, a floor on the delay. */
  retryAfterMs?: number | null | undefined;
  /** The work can never succeed (e.g. the destination rejected the content): dead now. */
  final?: boolean | undefined;
}

/** Where a failed row goes: back to `pending`, not before `notBefore`, or to `dead`. */
export type Settlement =
  | { status: 'pending'; reason: string; notBefore: number }
  | { status: 'dead'; reason: string };

/**
 * The one retry rule of every queue (events, triggers, outbox): the shared back-off
 * (`nextRetry` of `@hookpost/core`: exponential with equal jitter, `Retry-After` as a
 * floor, capped, dead past the max age or max attempts), or `dead` at once for a final
 * failure. Pure.
 *
 * @example
 * settleFailure({ error: 'HTTP 503', attempt: 2, at: now, windowStart: createdAt }, policy);
 * // { status: 'pending', reason: 'HTTP 503', notBefore: now + 5_000…10_000 }
 */
export function settleFailure(failure: Failure, policy: BackoffPolicy, random?: () => number): Settlement {
  if (failure.final) return { status: 'dead', reason: failure.error };
  const verdict = nextRetry({
    attempt: failure.attempt,
    now: failure.at,
    windowStart: failure.windowStart,
    policy,
    retryAfterMs: failure.retryAfterMs ?? null,
    ...(random ? { random } : {}),
  });
  if (verdict.retry) return { status: 'pending', reason: failure.error, notBefore: verdict.nextAttemptAt };
  return {
    status: 'dead',
    reason: `retries exhausted after ${failure.attempt} attempts (${verdict.reason.replace('_', ' ')}): ${failure.error}`,
  };
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Back-off of events whose decision failed (a CRM read timed out, the store was busy):
 * five attempts, then `dead` (replayable). No max age: a replayed old event gets its five.
 */
export const EVENT_RETRY: BackoffPolicy = {
  initialDelayMs: 2_000,
  maxDelayMs: 5 * MINUTE_MS,
  maxAgeMs: Number.POSITIVE_INFINITY,
  maxAttempts: 5,
};

/** Back-off of CRM side effects (workflow callbacks, write-back): a day, at most twelve attempts. */
export const OUTBOX_RETRY: BackoffPolicy = {
  initialDelayMs: 5_000,
  maxDelayMs: 15 * MINUTE_MS,
  maxAgeMs: 24 * HOUR_MS,
  maxAttempts: 12,
};

/**
 * Back-off after a lost lock race (see `isTransientConflict`): short, jittered so the
 * batches that collided do not meet again. Such a retry does not count as an attempt.
 */
export const CONFLICT_RETRY: BackoffPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 500,
  maxAgeMs: Number.POSITIVE_INFINITY,
};

/**
 * PostgreSQL's deadlock (`40P01`) and serialization failure (`40001`): the transaction
 * lost a race with another and is safe to run again; nothing is wrong with its work.
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
