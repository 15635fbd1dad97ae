/** How a piece of work is retried. Durations in milliseconds. */
export interface BackoffPolicy {
  /** Delay before the second attempt (the first retry), before jitter. */
  initialDelayMs: number;
  /** Cap on the exponential step; a longer `Retry-After` still wins. */
  maxDelayMs: number;
  /** No retry is scheduled later than this after the retry window opened: the work is `dead`. */
  maxAgeMs: number;
  /** Optional cap on attempts; the work is `dead` once this many have failed. */
  maxAttempts?: number | undefined;
}

export interface BackoffOptions {
  /** The destination's `Retry-After` in ms (see `parseRetryAfter`): a floor on the delay. */
  retryAfterMs?: number | null | undefined;
  /** Uniform in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * The delay before the next attempt after `attempt` failed attempts (1 = the first one
 * failed): exponential `initialDelayMs · 2^(attempt-1)`, capped at `maxDelayMs`, with
 * "equal jitter" — half the step fixed, half random — so retries spread out instead of
 * arriving in lock-step, yet never come sooner than half the step
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). A
 * `Retry-After` is a floor (RFC 9110 §10.2.3: the server says when it can take more), so
 * the result may exceed the cap only when `Retry-After` asks for it. Whole milliseconds.
 *
 * @example
 * backoffDelayMs(1, { initialDelayMs: 5_000, maxDelayMs: 3_600_000, maxAgeMs: 86_400_000 }); // 2_500…5_000
 */
export function backoffDelayMs(
  attempt: number,
  policy: Pick<BackoffPolicy, 'initialDelayMs' | 'maxDelayMs'>,
  { retryAfterMs = null, random = Math.random }: BackoffOptions = {},
): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(step / 2 + random() * (step / 2));
  return Math.max(jittered, Math.ceil(retryAfterMs ?? 0));
}

/** What to do after a failed attempt: retry at `nextAttemptAt`, or give up (`dead`). */
export type RetryVerdict =
  | { retry: true; nextAttemptAt: number; delayMs: number }
  | { retry: false; reason: 'max_age' | 'max_attempts' };

/**
 * Decides the fate of work whose attempt number `attempt` just failed at `now` (epoch ms):
 * the next attempt time from `backoffDelayMs`, or `dead` when that time falls beyond
 * `windowStart + maxAgeMs` or `maxAttempts` attempts have failed. `windowStart` is when
 * the work was first due (or last replayed), epoch ms.
 *
 * @example
 * nextRetry({ attempt: 3, now, windowStart: createdAt, policy }); // { retry: true, nextAttemptAt, delayMs }
 */
export function nextRetry(input: {
  attempt: number;
  now: number;
  windowStart: number;
  policy: BackoffPolicy;
  retryAfterMs?: number | null | undefined;
  random?: () => number;
}): RetryVerdict {
  const { attempt, now, windowStart, policy } = input;
  if (policy.maxAttempts !== undefined && attempt >= policy.maxAttempts)
    return { retry: false, reason: 'max_attempts' };
  const delayMs = backoffDelayMs(attempt, policy, {
    retryAfterMs: input.retryAfterMs ?? null,
    ...(input.random ? { random: input.random } : {}),
  });
  const nextAttemptAt = now + delayMs;
  if (nextAttemptAt - windowStart > policy.maxAgeMs) return { retry: false, reason: 'max_age' };
  return { retry: true, nextAttemptAt, delayMs };
}
