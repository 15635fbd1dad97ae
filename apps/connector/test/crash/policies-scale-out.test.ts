import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { dialectCases } from '../support/databases.js';
import { stopAllFleets } from './fleet.js';
import { runScenario } from './scenario.js';

const postgres = dialectCases().find((c) => c.name === 'postgres');

afterAll(stopAllFleets);
const DAILY_CAP = 40;

/** Mailing rules that span events: a campaign-wide daily cap and a per-recipient cooldown. */
const CAMPAIGNS = `
      - id: capped
        name: Capped
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: city }
        policy: { oncePerRecipient: false, dailyCap: ${DAILY_CAP} }
      - id: cooldown
        name: One a day
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: city }
        policy: { oncePerRecipient: false, cooldownDays: 1 }
`;

describe.skipIf(postgres?.skipReason !== null)(
  `cross-event policies with three processes on PostgreSQL${postgres?.skipReason ? ` (skipped: ${postgres.skipReason})` : ''}`,
  () => {
    it('keeps a daily cap and a cooldown when three processes decide events of the same campaign and recipients at once', async () => {
      const databaseUrl = await postgres!.url();
      const result = await runScenario({
        name: 'policies',
        databaseUrl,
        processes: 3,
        kills: 0,
        events: 1_800,
        contacts: 30,
        eventsPerSecond: 150,
        extraCampaigns: { ids: ['capped', 'cooldown'], yaml: CAMPAIGNS },
      });
      expect(result.violations).toEqual([]);
      const handle = openDatabase(databaseUrl);
      try {
        const rows = await handle.db
          .selectFrom('triggers')
          .select(['campaign_id', 'source_ref'])
          .where('campaign_id', 'in', ['capped', 'cooldown'])
          .execute();
        const capped = rows.filter((r) => r.campaign_id === 'capped').length;
        const perRecipient = new Map<string, number>();
        for (const r of rows.filter((r) => r.campaign_id === 'cooldown'))
          perRecipient.set(r.source_ref, (perRecipient.get(r.source_ref) ?? 0) + 1);
        const twice = [...perRecipient].filter(([, n]) => n > 1);
        console.log(
          `[crash:policies] capped=${capped}/${DAILY_CAP} cooldown-recipients-mailed-twice=${twice.length}`,
        );
        expect(capped).toBe(DAILY_CAP);
        expect(twice).toEqual([]);
      } finally {
        await handle.close();
      }
    }, 120_000);
  },
);
