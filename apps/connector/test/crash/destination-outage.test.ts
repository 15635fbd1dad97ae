import { afterAll, describe, expect, it } from 'vitest';
import { dialectCases } from '../support/databases.js';
import type { DestinationMode } from './destination.js';
import { stopAllFleets } from './fleet.js';
import { runScenario } from './scenario.js';

const postgres = dialectCases().find((c) => c.name === 'postgres');
const EVENTS = 3_000;

afterAll(stopAllFleets);

/**
 * First half of the events the destination is down — answering 503, then refusing
 * connections, then accepting and never answering (each attempt runs into the 1 s
 * timeout while the process holds the trigger's lease) — and in the second half it
 * answers 503 to every other request, also while the queue drains.
 */
function outage(progress: number): DestinationMode {
  if (progress < 0.2) return 'error';
  if (progress < 0.35) return 'closed';
  if (progress < 0.5) return 'hang';
  return 'flap';
}

describe.skipIf(postgres?.skipReason !== null)(
  `destination outage on PostgreSQL${postgres?.skipReason ? ` (skipped: ${postgres.skipReason})` : ''}`,
  () => {
    it('destination down for the first half and flapping 50 % 503 in the second, with processes SIGKILLed: everything delivered, nothing dead', async () => {
      const result = await runScenario({
        name: 'outage',
        databaseUrl: await postgres!.url(),
        processes: 3,
        kills: 10,
        events: EVENTS,
        loadTimeoutMs: 300_000,
        destination: outage,
      });
      expect(result.unexpectedExits).toEqual([]);
      expect(result.kills).toBe(10);
      expect(result.givenUp).toBe(0);
      expect(result.violations).toEqual([]);
      expect(result.drained).toBe(true);
      expect(result.counts.acknowledged).toBe(EVENTS);
      expect(result.counts.decided).toBe(result.counts.acknowledged);
      expect(result.counts.delivered).toBe(result.counts.triggered);
      expect(result.counts.distinctWebhookIds).toBe(result.counts.triggered);
      expect(result.counts.dead).toBe(0);
      expect(result.failedAttempts).toBeGreaterThan(result.counts.triggered);
    }, 420_000);
  },
);
