import { afterAll, describe, expect, it } from 'vitest';
import { dialectCases } from '../support/databases.js';
import { type CrashablePostgres, startCrashablePostgres } from './crashable-postgres.js';
import { runScenario } from './scenario.js';

const postgres = dialectCases().find((c) => c.name === 'postgres');
const CRASHES_AT = [0.3, 0.65];
const DOWN_MS = 3_000;

let cluster: CrashablePostgres | null = null;
afterAll(() => cluster?.destroy());

describe.skipIf(postgres?.skipReason !== null)(
  `PostgreSQL server crashes${postgres?.skipReason ? ` (skipped: ${postgres.skipReason})` : ''}`,
  () => {
    it('the database crashes twice under load (immediate stop, down 3 s, crash recovery): the processes ride it out, nothing acknowledged is lost', async () => {
      cluster = await startCrashablePostgres();
      const db = cluster;
      const result = await runScenario({
        name: 'database-crash',
        databaseUrl: db.url,
        processes: 3,
        kills: 0,
        loadMs: 20_000,
        async alsoDuringLoad(loadMs) {
          const started = Date.now();
          for (const at of CRASHES_AT) {
            await new Promise((r) => setTimeout(r, Math.max(0, started + at * loadMs - Date.now())));
            await db.crash();
            await new Promise((r) => setTimeout(r, DOWN_MS));
            await db.start();
          }
          return `database-crashes=${CRASHES_AT.length}`;
        },
      });
      expect(result.unexpectedExits).toEqual([]);
      expect(result.givenUp).toBe(0);
      expect(result.violations).toEqual([]);
      expect(result.drained).toBe(true);
      expect(result.counts.acknowledged).toBeGreaterThan(1_000);
      expect(result.counts.decided).toBe(result.counts.acknowledged);
      expect(result.counts.delivered).toBe(result.counts.triggered);
      expect(result.counts.dead).toBe(0);
    }, 180_000);
  },
);
