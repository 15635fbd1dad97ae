import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postHubSpot } from './support/api-client.js';
import { dialectCases } from './support/databases.js';
import { type EventView, GERMAN, item, type Scenario, startScenario } from './support/guarantees.js';

interface Page {
  data: { id: string; objectType: string; objectId: string; status: string; reason: string | null }[];
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `mailing guarantees at ingest (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let s: Scenario;
      beforeAll(async () => {
        s = await startScenario(dialect);
        for (const id of ['7101', '7102', '7103', '7501', '7502'])
          s.hubspot.addRecord('contact', id, { ...GERMAN, lifecyclestage: 'lead' });
      });
      afterAll(async () => {
        await s?.stop();
      });

      it('one odd item never loses a batch: readable items are stored, each unreadable one is a failed event', async () => {
        const items = [
          { objectId: 7101, propertyName: 'city', propertyValue: 'Bonn' },
          { objectId: '7102', propertyName: 'city', propertyValue: 'Bonn' },
          { objectId: 7103, propertyName: 'city', propertyValue: 'Bonn' },
          { objectId: 7104, subscriptionType: undefined },
        ];
        const posted = await s.post(items);
        expect(posted.status).toBe(204);
        const [good1, good2, bad1, bad2] = posted.ids as [string, string, string, string];
        for (const id of [good1, good2]) expect((await s.decided(id)).status).toBe('no_match');

        const failed = await s.api.get<Page>('/events?status=failed');
        const mine = failed.body.data.filter((e) => e.id === bad1 || e.id === bad2);
        expect(mine).toHaveLength(2);
        expect(mine.every((e) => e.reason === 'malformed')).toBe(true);
        const detail = (await s.api.get<EventView>(`/events/${bad1}`)).body;
        expect(detail).toMatchObject({
          status: 'failed',
          reason: 'malformed',
          objectType: 'contact',
          objectId: '7102',
        });
        expect(detail.payload.source).toMatchObject({
          malformed: true,
          parseError: '[1].objectId: expected a number',
        });
        expect(JSON.parse(String(detail.payload.source?.raw))).toMatchObject({
          objectId: '7102',
          propertyValue: 'Bonn',
        });
        const other = (await s.api.get<EventView>(`/events/${bad2}`)).body;
        expect(other.payload.source?.parseError).toMatch(
          /^\[3\]\.subscriptionType: expected subscriptionType or eventType/,
        );

        // Nothing to decide in an unreadable item: a replay is refused, saying why.
        const replay = await s.api.post(`/events/${bad1}/replay`);
        expect(replay).toMatchObject({ status: 409, body: { error: 'conflict' } });

        // HubSpot retries the same delivery: nothing is stored twice.
        const status = await postRaw(s, posted.body);
        expect(status).toBe(204);
        const again = await s.api.get<Page>('/events?status=failed');
        expect(again.body.data.filter((e) => e.id === bad1 || e.id === bad2)).toHaveLength(2);
      });

      it('only an unreadable envelope gets 400', async () => {
        for (const body of [
          '[{"eventId":',
          '{"eventId":1}',
          JSON.stringify(Array.from({ length: 101 }, () => item({ objectId: 1 }))),
        ])
          expect(await postRaw(s, body)).toBe(400);
      });

      it('association changes are typed from fromObjectTypeId and keep one event per link and direction', async () => {
        const link = {
          subscriptionType: 'contact.associationChange',
          associationType: 'CONTACT_TO_COMPANY',
          fromObjectId: 7201,
          associationRemoved: false,
          objectId: undefined,
        };
        const generic = {
          subscriptionType: 'object.associationChange',
          toObjectTypeId: '0-2',
          fromObjectId: 7202,
          toObjectId: 9,
          associationTypeId: 1,
          associationRemoved: false,
          objectId: undefined,
        };
        const shared = { eventId: 880_001, occurredAt: 1_764_237_600_000 };
        const posted = await s.post([
          { ...link, ...shared, toObjectId: 9001 },
          { ...link, ...shared, toObjectId: 9002 },
          { ...link, ...shared, toObjectId: 9002, associationRemoved: true },
          { ...generic, fromObjectTypeId: '0-1' },
          { ...generic, fromObjectTypeId: '0-3' },
          { ...generic, fromObjectTypeId: '2-3456' },
        ]);
        expect(posted.status).toBe(204);
        expect(new Set(posted.ids).size).toBe(6);
        const stored = await Promise.all(posted.ids.map((id) => s.decided(id)));
        expect(stored.map((e) => [e.kind, e.objectType])).toEqual([
          ['association_changed', 'contact'],
          ['association_changed', 'contact'],
          ['association_changed', 'contact'],
          ['association_changed', 'contact'],
          ['association_changed', 'deal'],
          ['association_changed', '2-3456'],
        ]);
      });

      it('after a privacy deletion, later events of the record are stored without personal data and decided skipped:erased', async () => {
        const deletion = await s.post([{ subscriptionType: 'contact.privacyDeletion', objectId: 7501 }]);
        await s.decided(deletion.ids[0] as string);
        const later = await s.post([
          { objectId: 7501, propertyName: 'email', propertyValue: 'erika.new@example.de' },
          { objectId: 7501, propertyName: 'lifecyclestage', propertyValue: 'customer' },
          { objectId: 7502, propertyName: 'city', propertyValue: 'Bonn' },
          { objectId: '7501', propertyName: 'email', propertyValue: 'erika.new@example.de' },
        ]);
        expect(later.status).toBe(204);
        const [email, stage, neighbour, malformed] = later.ids as [string, string, string, string];
        // An unreadable item about the erased record keeps its error, not its data.
        const odd = (await s.api.get<EventView>(`/events/${malformed}`)).body;
        expect(odd).toMatchObject({ status: 'failed', reason: 'malformed', objectId: '7501' });
        expect(odd.payload.source).toMatchObject({
          erased: true,
          parseError: '[3].objectId: expected a number',
        });
        expect(JSON.stringify(odd)).not.toContain('erika.new@example.de');
        for (const id of [email, stage]) {
          const event = await s.decided(id);
          expect(event.status).toBe('skipped');
          expect(event.reason).toBe('erased');
          expect(event.decisions.every((d) => d.outcome === 'skipped' && d.reason === 'erased')).toBe(true);
          expect(event.payload.changes).toBeUndefined();
          expect(JSON.stringify(event)).not.toContain('erika.new@example.de');
        }
        expect(s.receiver.received).toHaveLength(0);
        const { rawDeliveryId } = await s.decided(neighbour);
        const raw = await s.connector.handle.db
          .selectFrom('raw_deliveries')
          .select('body')
          .where('id', '=', rawDeliveryId)
          .executeTakeFirstOrThrow();
        expect(raw.body).not.toContain('erika.new@example.de');
        // The other record's item in the same delivery is kept as received.
        expect(raw.body).toContain('"objectId":7502');
        expect((await s.decided(neighbour)).payload.changes).toEqual({ city: { value: 'Bonn' } });
      });
    },
  );
}

const postRaw = (s: Scenario, body: string) => postHubSpot(s.connector.baseUrl, body);
