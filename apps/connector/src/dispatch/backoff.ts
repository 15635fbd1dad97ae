export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  maxAgeMs: number;
}

/**
 * Exponential back-off with "equal jitter" (half fixed, half random): retries spread
 * out instead of arriving in lock-step, yet never come sooner than half the step.
 * A `Retry-After` from the destination is a floor.
 */
export function nextDelayMs(
  attempt: number,
  { initialDelayMs, maxDelayMs }: RetryPolicy,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
