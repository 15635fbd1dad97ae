import { backoffDelayMs } from '@hookpost/core';

/** Options of {@link createBackoff}. */
export interface BackoffOptions {
  /** First delay ceiling, ms. Default 1 000. */
  minMs?: number;
  /** Cap, ms. Default 60 000. */
  maxMs?: number;
  /** `[0, 1)`; injectable for tests. */
  random?: () => number;
}

/**
 * Capped exponential back-off with jitter, counting attempts: the shared formula of
 * `@hookpost/core` (`backoffDelayMs`: retry n waits a random time in `[step/2, step]`,
 * `step = min(maxMs, minMs·2ⁿ⁻¹)`), so many processes that lost the same stream do not
 * retry in step. Salesforce asks for exponential back-off on Pub/Sub retries:
 * https://developer.salesforce.com/docs/platform/pub-sub-api/guide/retry-rpc-calls.html
 */
export function createBackoff(options: BackoffOptions = {}) {
  const minMs = options.minMs ?? 1_000;
  const maxMs = options.maxMs ?? 60_000;
  const random = options.random ?? Math.random;
  let attempt = 0;
  return {
    /** The delay before the next retry, in ms; each call counts one attempt. */
    nextDelayMs(): number {
      attempt = Math.min(attempt + 1, 30);
      return backoffDelayMs(attempt, { initialDelayMs: minMs, maxDelayMs: maxMs }, { random });
    },
    reset(): void {
      attempt = 0;
    },
    attempts: () => attempt,
  };
}
