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
 * after the batch that read them.
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
  return (key, compute) => {
    if (cache.has(key) && now() - startedAt < maxAgeMs) return cache.get(key) as T;
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
