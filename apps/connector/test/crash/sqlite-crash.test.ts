import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopAllFleets } from './fleet.js';
import { runScenario } from './scenario.js';

const EVENTS = 3_000;

afterAll(stopAllFleets);

describe('crash safety on SQLite', () => {
  it('one process under HubSpot load, SIGKILLed and restarted twenty times: every acknowledged event decided once, every trigger delivered', async () => {
    const result = await runScenario({
      name: 'sqlite',
      databaseUrl: (dir) => `sqlite:${path.join(dir, 'h.db')}`,
      processes: 1,
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
});
