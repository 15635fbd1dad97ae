const MAX_ENTRIES = 256;

/**
 * Caches a reason per distinct input (platform, object type, event kind: a handful of
 * values), so the no-match path of the hot loop does not build the same string again.
 * Bounded: past the limit it just builds.
 */
export function memoReason(build: (key: string) => string): (key: string) => string {
  const cache = new Map<string, string>();
  return (key) => {
    let reason = cache.get(key);
    if (reason === undefined) {
      reason = build(key);
      if (cache.size < MAX_ENTRIES) cache.set(key, reason);
    }
    return reason;
  };
}
