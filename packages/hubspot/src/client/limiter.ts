/**
 * A sliding-window limiter: at most `max` requests in any `intervalMs`, matching HubSpot's
 * rolling "110 per 10 s" window. Hand-written because bottleneck's reservoir refills on a
 * fixed schedule (a burst at the end of one refill plus the start of the next breaks a
 * rolling window) and a 429 must pause the whole queue.
 * https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details#rate-limits
 */
export interface SlidingWindowLimiter {
  /** Waits for a slot; call the returned `release` when the response has arrived. */
  acquire(): Promise<() => void>;
  /** Holds every request back until `ms` from now (HubSpot said 429). */
  pauseFor(ms: number): void;
  /**
   * Resolves once a request would be admitted at once (a free slot, no pause, nobody queued),
   * without taking the slot: callers that batch keep collecting ids until then, so a spent
   * budget yields fuller batches instead of many small ones queued behind it.
   */
  whenFree(): Promise<void>;
}

export interface SlidingWindowOptions {
  max: number;
  intervalMs: number;
  now?: () => number;
}

interface Slot {
  /** When the response arrived; Infinity while in flight, so a slow request never frees its slot early. */
  at: number;
}

/**
 * @example
 * const limiter = createSlidingWindowLimiter({ max: 110, intervalMs: 10_000 });
 * const release = await limiter.acquire();
 * try { await fetch(url) } finally { release() }
 */
export function createSlidingWindowLimiter(options: SlidingWindowOptions): SlidingWindowLimiter {
  const now = options.now ?? Date.now;
  let slots: Slot[] = [];
  const waiting: Array<(release: () => void) => void> = [];
  const freeWaiters: Array<() => void> = [];
  let pausedUntil = 0;
  let timer: NodeJS.Timeout | undefined;

  function pump(): void {
    const time = now();
    slots = slots.filter((slot) => slot.at + options.intervalMs > time);
    while (waiting.length > 0 && slots.length < options.max && time >= pausedUntil) {
      const slot: Slot = { at: Number.POSITIVE_INFINITY };
      slots.push(slot);
      waiting.shift()?.(() => {
        slot.at = now();
        pump();
      });
    }
    // Whoever waits for acquire goes first; those only asking whether a slot is free go after.
    while (
      freeWaiters.length > 0 &&
      waiting.length === 0 &&
      slots.length < options.max &&
      time >= pausedUntil
    )
      freeWaiters.shift()?.();
    if (waiting.length > 0 || freeWaiters.length > 0) schedule(time);
  }

  function schedule(time: number): void {
    const oldest = Math.min(...slots.map((slot) => slot.at));
    const freeAt = slots.length < options.max ? time : oldest + options.intervalMs;
    const wakeAt = Math.max(freeAt, pausedUntil);
    // Every slot in flight: the next release pumps again.
    if (!Number.isFinite(wakeAt)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(
      () => {
        timer = undefined;
        pump();
      },
      Math.max(1, wakeAt - time),
    );
  }

  return {
    acquire() {
      return new Promise((resolve) => {
        waiting.push(resolve);
        pump();
      });
    },
    pauseFor(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
    whenFree() {
      return new Promise((resolve) => {
        freeWaiters.push(resolve);
        pump();
      });
    },
  };
}
