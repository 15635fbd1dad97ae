/**
 * How long an accepted workflow-action signature is remembered. v1/v2 signatures carry no
 * signed time, so a captured request is only refused while its signature is remembered:
 * 3 days is the period over which HubSpot retries an action, and a repeat after it is
 * still de-duplicated by its `callbackId` downstream.
 * https://developers.hubspot.com/docs/api/automation/custom-workflow-actions
 */
export const DEFAULT_REPLAY_WINDOW_MS = 3 * 24 * 60 * 60 * 1_000;

/**
 * Remembers accepted signatures so a repeat is refused (`reason: 'replayed'`).
 * `claim` must be atomic (one winner among concurrent repeats); `release` undoes a claim
 * whose delivery could not be stored, so HubSpot's retry of it is accepted.
 */
export interface ReplayGuard {
  /** True when `key` was not yet claimed (or its claim expired); then it is claimed until `expiresAtMs`. */
  claim(key: string, expiresAtMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

/**
 * A process-local guard for tests and single-process receivers; a fleet needs a shared
 * store (the connector keeps claims in its database).
 *
 * @example
 * createWorkflowActionMiddleware({ ..., replayGuard: createMemoryReplayGuard() });
 */
export function createMemoryReplayGuard(now: () => number = Date.now): ReplayGuard {
  const claims = new Map<string, number>();
  return {
    async claim(key, expiresAtMs) {
      const current = now();
      for (const [seen, expiry] of claims) if (expiry <= current) claims.delete(seen);
      if (claims.has(key)) return false;
      claims.set(key, expiresAtMs);
      return true;
    },
    async release(key) {
      claims.delete(key);
    },
  };
}
