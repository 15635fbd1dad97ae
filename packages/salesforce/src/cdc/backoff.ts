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
 * Capped exponential back-off with full jitter: attempt n waits a random time in
 * `[minMs/2, min(maxMs, minMs·2ⁿ)]`, so many processes that lost the same stream do not
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
      const ceiling = Math.min(maxMs, minMs * 2 ** attempt);
      attempt = Math.min(attempt + 1, 30);
      return Math.round(minMs / 2 + random() * Math.max(0, ceiling - minMs / 2));
    },
    reset(): void {
      attempt = 0;
    },
    attempts: () => attempt,
  };
}
