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
  // A Map keys by SameValueZero, so "5000" and 5000 stay apart with no key string to build.
  const cache = new Map<PropertyValue | undefined, string>();
  return (value) => {
    let reason = cache.get(value);
    if (reason === undefined) {
      reason = build(value);
      if (cache.size < MAX_ENTRIES) cache.set(value, reason);
    }
    return reason;
  };
}
