import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

describe('crash safety on SQLite', () => {
  it('one process under HubSpot load, SIGKILLed and restarted twenty times: every acknowledged event decided once, every trigger delivered', async () => {
    const result = await runScenario({
      name: 'sqlite',
      databaseUrl: (dir) => `sqlite:${path.join(dir, 'h.db')}`,
      processes: 1,
      kills: 20,
      loadMs: 50_000,
    });
    expect(result.unexpectedExits).toEqual([]);
    expect(result.givenUp).toBe(0);
    expect(result.violations).toEqual([]);
    expect(result.drained).toBe(true);
    expect(result.counts.acknowledged).toBeGreaterThan(1_000);
    expect(result.counts.decided).toBe(result.counts.acknowledged);
    expect(result.counts.delivered).toBe(result.counts.triggered);
    expect(result.counts.distinctWebhookIds).toBe(result.counts.triggered);
    expect(result.counts.dead).toBe(0);
  }, 240_000);
});
