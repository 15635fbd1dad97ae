import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectCases } from './support/databases.js';
import { type EventView, GERMAN, type Scenario, startScenario } from './support/guarantees.js';

const MINUTE_MS = 60_000;
const welcome = (event: EventView) => event.decisions.find((d) => d.campaignId === 'welcome-pack');

interface TriggerDetail {
  id: string;
  status: string;
  reason: string | null;
  recipientRef: string;
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `merges resolve to one person (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let s: Scenario;
      const t0 = Date.now() - 60 * MINUTE_MS;
      const decideOne = async (fields: Record<string, unknown>) => {
        const posted = await s.post([fields]);
        expect(posted.status).toBe(204);
        return s.decided(posted.ids[0] as string);
      };
      const customer = (objectId: number, minute: number, extra: Record<string, unknown> = {}) =>
        decideOne({
          objectId,
          propertyName: 'lifecyclestage',
          propertyValue: 'customer',
          occurredAt: t0 + minute * MINUTE_MS,
          ...extra,
        });
      const piece = async (id: string) => (await s.api.get<TriggerDetail>(`/triggers/${id}`)).body;

      beforeAll(async () => {
        s = await startScenario(dialect);
        for (const id of ['5101', '5104', '5201', '5202'])
          s.hubspot.addRecord('contact', id, {
            ...GERMAN,
            email: `p${id}@example.de`,
            lifecyclestage: 'customer',
          });
      });
      afterAll(async () => {
        await s?.stop();
      });

      it('a contact merge moves pending pieces to the survivor, cancels the duplicate and says so', async () => {
        const first = await customer(5101, 1);
        const second = await customer(5104, 2);
        const p1 = welcome(first)?.triggerId as string;
        const p2 = welcome(second)?.triggerId as string;
        expect([await piece(p1), await piece(p2)].map((p) => p.status)).toEqual(['pending', 'pending']);

        const merge = await decideOne({
          subscriptionType: 'contact.merge',
          objectId: 5104,
          primaryObjectId: 5104,
          mergedObjectIds: [5101],
          newObjectId: 5104,
          occurredAt: t0 + 3 * MINUTE_MS,
        });
        expect(merge.status).toBe('skipped');
        expect(merge.reason).toBe('merged');
        expect(welcome(merge)?.detail).toMatch(
          /^hubspot:contact:5101 merged into hubspot:contact:5104: 1 piece\(s\) moved .* 1 duplicate pending piece\(s\) cancelled/,
        );
        expect(await piece(p1)).toMatchObject({ status: 'pending', recipientRef: 'hubspot:contact:5104' });
        expect(await piece(p2)).toMatchObject({ status: 'cancelled' });
        expect((await piece(p2)).reason).toMatch(/^duplicate_after_merge: .* trigger .* stays pending/);

        // HubSpot then reports the survivor qualifying (changeSource MERGE_CONTACTS): one piece already waits.
        s.hubspot.mergeRecords('contact', '5101', '5104');
        const again = await customer(5104, 4, { changeSource: 'MERGE_CONTACTS' });
        expect(welcome(again)).toMatchObject({ outcome: 'skipped', reason: 'already_sent' });

        // A late event for the merged-away id is read as the survivor's.
        const late = await customer(5101, 5);
        expect(welcome(late)).toMatchObject({
          outcome: 'skipped',
          reason: 'already_sent',
          recipientRef: 'hubspot:contact:5104',
        });
      });

      it('with newObjectId the new record survives, and the old ids map to it', async () => {
        const first = await customer(5201, 1);
        const p1 = welcome(first)?.triggerId as string;
        s.hubspot.addRecord('contact', '5299', {
          ...GERMAN,
          email: 'p5299@example.de',
          lifecyclestage: 'customer',
        });
        const merge = await decideOne({
          subscriptionType: 'contact.merge',
          objectId: 5201,
          primaryObjectId: 5201,
          mergedObjectIds: [5202],
          newObjectId: 5299,
          occurredAt: t0 + 6 * MINUTE_MS,
        });
        expect(welcome(merge)?.detail).toMatch(
          /^hubspot:contact:5201, hubspot:contact:5202 merged into hubspot:contact:5299: 1 piece\(s\) moved/,
        );
        expect(await piece(p1)).toMatchObject({ status: 'pending', recipientRef: 'hubspot:contact:5299' });
        const late = await customer(5202, 7);
        expect(welcome(late)).toMatchObject({ reason: 'already_sent', recipientRef: 'hubspot:contact:5299' });
        const events = await s.api.get<{ data: { id: string }[] }>('/events?recipient=5299');
        expect(events.body.data.map((e) => e.id)).toContain(late.id);
      });
    },
  );
}
