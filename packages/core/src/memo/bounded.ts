const CLOCK_EVERY = 64;

/** Options of {@link boundedCache}. */
export interface BoundedCacheOptions {
  /** Entries kept at most; when full the cache starts over (default 4,096). */
  maxEntries?: number;
  /** How long an entry may be kept, in milliseconds: an older cache starts over (default 10,000). */
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * A cache for a pure function's results by a string key that stands for all of its input:
 * the same key always gives the same value, so an entry is never stale. Bounded in size and
 * age — the whole cache is dropped when full or older than `maxAgeMs` — because keys may be
 * personal data (an e-mail address, a postal address) that should not linger in memory long
 * after the batch that read them. `undefined` results are not kept (computed on every call).
 *
 * @example
 * const hashes = boundedCache<string>();
 * hashes(email, () => sha256Hex(email)); // computed once, then read from the cache for 10 s
 */
export function boundedCache<T>({
  maxEntries = 4096,
  maxAgeMs = 10_000,
  now = Date.now,
}: BoundedCacheOptions = {}): (key: string, compute: () => T) => T {
  let cache = new Map<string, T>();
  let startedAt = now();
  // The clock is read on a miss and every CLOCK_EVERY calls, not per hit (Date.now() cost
  // as much as the lookup itself).
  let calls = 0;
  return (key, compute) => {
    if (++calls >= CLOCK_EVERY) {
      calls = 0;
      const time = now();
      if (time - startedAt >= maxAgeMs) {
        cache = new Map();
        startedAt = time;
      }
    }
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    const time = now();
    if (cache.size >= maxEntries || time - startedAt >= maxAgeMs) {
      cache = new Map();
      startedAt = time;
    }
    cache.set(key, value);
    return value;
  };
}
