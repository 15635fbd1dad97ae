import type { PropertyValue } from '../event.js';

const MAX_ENTRIES = 256;

/**
 * Caches a reason per distinct input, so the no-match path of the hot loop does not build
 * the same string again: most mismatches repeat (platform, object type, event kind, a
 * lifecycle stage). Bounded: past the limit it just builds.
 */
export function memoReason<T extends PropertyValue | undefined>(
  build: (value: T) => string,
): (value: T) => string {
  const cache = new Map<string, string>();
  return (value) => {
    // Type-tagged key: "5000" and 5000 explain differently.
    const key = typeof value === 'string' ? `s${value}` : `${typeof value}${String(value)}`;
    let reason = cache.get(key);
    if (reason === undefined) {
      reason = build(value);
      if (cache.size < MAX_ENTRIES) cache.set(key, reason);
    }
    return reason;
  };
}
