/** Server-side view of HubSpot's rolling window: request times per access token. */
export interface RateWindow {
  /** Records the request and says whether it fits, with the headers HubSpot would send. */
  admit(token: string): { ok: boolean; remaining: number; retryAfterSeconds: number };
}

export function createRateWindow(max: number, intervalMs: number, now: () => number = Date.now): RateWindow {
  const seen = new Map<string, number[]>();
  return {
    admit(token) {
      const time = now();
      const times = (seen.get(token) ?? []).filter((at) => at > time - intervalMs);
      seen.set(token, times);
      if (times.length >= max) {
        const oldest = times[0] ?? time;
        return {
          ok: false,
          remaining: 0,
          retryAfterSeconds: Math.max(1, Math.ceil((oldest + intervalMs - time) / 1_000)),
        };
      }
      times.push(time);
      return { ok: true, remaining: max - times.length, retryAfterSeconds: 0 };
    },
  };
}
