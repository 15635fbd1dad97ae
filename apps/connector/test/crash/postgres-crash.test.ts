import { afterAll, describe, expect, it } from 'vitest';
import { dialectCases } from '../support/databases.js';
import { stopAllFleets } from './fleet.js';
import { runScenario } from './scenario.js';

const postgres = dialectCases().find((c) => c.name === 'postgres');
const EVENTS = 3_000;

afterAll(stopAllFleets);

describe.skipIf(postgres?.skipReason !== null)(
  `crash safety on PostgreSQL${postgres?.skipReason ? ` (skipped: ${postgres.skipReason})` : ''}`,
  () => {
    it('three processes under HubSpot load, one SIGKILLed and restarted twenty times: every acknowledged event decided once, every trigger delivered', async () => {
      const result = await runScenario({
        name: 'postgres',
        databaseUrl: await postgres!.url(),
        processes: 3,
        kills: 20,
        events: EVENTS,
        loadTimeoutMs: 300_000,
      });
      expect(result.unexpectedExits).toEqual([]);
      expect(result.kills).toBe(20);
      expect(result.givenUp).toBe(0);
      expect(result.violations).toEqual([]);
      expect(result.drained).toBe(true);
      expect(result.counts.acknowledged).toBe(EVENTS);
      expect(result.counts.decided).toBe(result.counts.acknowledged);
      expect(result.counts.delivered).toBe(result.counts.triggered);
      expect(result.counts.distinctWebhookIds).toBe(result.counts.triggered);
      expect(result.counts.dead).toBe(0);
    }, 420_000);
  },
);
