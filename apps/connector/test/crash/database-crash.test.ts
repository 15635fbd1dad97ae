import { afterAll, describe, expect, it } from 'vitest';
import { dialectCases } from '../support/databases.js';
import { type CrashablePostgres, startCrashablePostgres } from './crashable-postgres.js';
import { stopAllFleets } from './fleet.js';
import { runScenario } from './scenario.js';

const postgres = dialectCases().find((c) => c.name === 'postgres');
const EVENTS = 2_000;

afterAll(stopAllFleets);
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
        events: EVENTS,
        async alsoDuringLoad(progress) {
          for (const at of CRASHES_AT) {
            while (progress() < at) await new Promise((r) => setTimeout(r, 50));
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
      expect(result.counts.acknowledged).toBe(EVENTS);
      expect(result.counts.decided).toBe(result.counts.acknowledged);
      expect(result.counts.delivered).toBe(result.counts.triggered);
      expect(result.counts.dead).toBe(0);
    }, 180_000);
  },
);
