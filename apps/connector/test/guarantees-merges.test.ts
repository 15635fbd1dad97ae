import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectCases } from './support/databases.js';
import { type EventView, GERMAN, type Scenario, startScenario } from './support/guarantees.js';
import {
  GERMAN_CONTACT,
  type SalesforceScenario,
  startSalesforceScenario,
} from './support/salesforce-scenario.js';

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

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `a Salesforce merge (CDC delete, MasterRecordId) resolves to the master (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let s: SalesforceScenario;
      const piece = async (id: string) => (await s.api.get<TriggerDetail>(`/triggers/${id}`)).body;
      const customerWelcome = (event: EventView) =>
        event.decisions.find((d) => d.campaignId === 'customer-welcome');

      beforeAll(async () => {
        s = await startSalesforceScenario(dialect);
      });
      afterAll(async () => {
        await s?.stop();
      });

      it('the ContactChangeEvent DELETE of a merge loser moves its pending piece to the master and cancels the duplicate', async () => {
        const [loser, master] = ['003xx00000M6001AAA', '003xx00000M6002AAA'];
        for (const id of [loser, master]) s.salesforce.addRecord('Contact', id, { ...GERMAN_CONTACT });
        const mailed = async (id: string) =>
          customerWelcome(await s.decided(await s.outbound('Contact', { Id: id, ...GERMAN_CONTACT })));
        const p1 = (await mailed(loser))?.triggerId as string;
        const p2 = (await mailed(master))?.triggerId as string;
        expect([(await piece(p1)).status, (await piece(p2)).status]).toEqual(['pending', 'pending']);

        // Salesforce deletes the loser and sets its MasterRecordId; the DELETE change event carries no fields,
        // so the connector reads the recycle bin (queryAll) to tell the merge from an erasure.
        s.salesforce.mergeRecords('Contact', master, [loser]);
        const merge = await s.decided(
          s.change({ entityName: 'Contact', changeType: 'DELETE', recordId: loser }),
        );
        expect(merge).toMatchObject({ status: 'skipped', reason: 'merged', kind: 'deleted' });
        expect(customerWelcome(merge)?.detail).toBe(
          `salesforce:contact:${loser} merged into salesforce:contact:${master}: 1 piece(s) moved to the survivor, 1 duplicate pending piece(s) cancelled (${p2})`,
        );
        expect(s.salesforce.stats.queries.some((q) => q.includes('MasterRecordId'))).toBe(true);
        expect(await piece(p1)).toMatchObject({
          status: 'pending',
          recipientRef: `salesforce:contact:${master}`,
        });
        expect(await piece(p2)).toMatchObject({ status: 'cancelled' });

        // A late message for the merged-away id is the master's: it already has its piece.
        const late = await s.decided(await s.outbound('Contact', { Id: loser, ...GERMAN_CONTACT }));
        expect(customerWelcome(late)).toMatchObject({
          outcome: 'skipped',
          reason: 'already_sent',
          recipientRef: `salesforce:contact:${master}`,
        });
      });

      it('a plain DELETE (no MasterRecordId) stays an erasure, not a merge', async () => {
        const id = '003xx00000M6003AAA';
        s.salesforce.addRecord('Contact', id, { ...GERMAN_CONTACT, IsDeleted: true });
        const erased = await s.decided(
          s.change({ entityName: 'Contact', changeType: 'DELETE', recordId: id }),
        );
        expect(erased.reason).not.toBe('merged');
        const later = await s.decided(await s.outbound('Contact', { Id: id, ...GERMAN_CONTACT }));
        expect(customerWelcome(later)).toMatchObject({ outcome: 'skipped', reason: 'erased' });
      });
    },
  );
}
