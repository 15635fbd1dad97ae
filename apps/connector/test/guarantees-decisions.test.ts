import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectCases } from './support/databases.js';
import { type EventView, GERMAN, item, type Scenario, startScenario } from './support/guarantees.js';

const MINUTE_MS = 60_000;
const stage = (objectId: number, value: string, occurredAt: number) => ({
  objectId,
  propertyName: 'lifecyclestage',
  propertyValue: value,
  occurredAt,
});
const welcome = (event: EventView) => event.decisions.find((d) => d.campaignId === 'welcome-pack');

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `mailing guarantees when deciding (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let s: Scenario;
      const decideOne = async (fields: Record<string, unknown>) => {
        const posted = await s.post([fields]);
        expect(posted.status).toBe(204);
        return s.decided(posted.ids[0] as string);
      };
      const triggerStatus = async (id: string) =>
        (await s.api.get<{ status: string }>(`/triggers/${id}`)).body.status;

      beforeAll(async () => {
        s = await startScenario(dialect);
        for (const id of ['8101', '8201', '8301'])
          s.hubspot.addRecord('contact', id, { ...GERMAN, lifecyclestage: 'customer' });
      });
      afterAll(async () => {
        await s?.stop();
      });

      it('a reversal frees the person: a cancelled piece never handed off does not block qualifying again', async () => {
        const t0 = Date.now() - 30 * MINUTE_MS;
        const first = await decideOne(stage(8101, 'customer', t0));
        const firstPiece = welcome(first)?.triggerId as string;
        expect(welcome(first)?.outcome).toBe('triggered');

        const reversal = await decideOne(stage(8101, 'lead', t0 + MINUTE_MS));
        expect(reversal.status).toBe('no_match');
        expect(await triggerStatus(firstPiece)).toBe('cancelled');

        const again = await decideOne(stage(8101, 'customer', t0 + 2 * MINUTE_MS));
        expect(welcome(again)).toMatchObject({ outcome: 'triggered', reason: null });
        const secondPiece = welcome(again)?.triggerId as string;
        expect(secondPiece).not.toBe(firstPiece);
        expect(await triggerStatus(secondPiece)).toBe('pending');
        expect(await triggerStatus(firstPiece)).toBe('cancelled');

        // already_sent means pending or handed off: the pending second piece blocks a third.
        const third = await decideOne(stage(8101, 'customer', t0 + 3 * MINUTE_MS));
        expect(welcome(third)).toMatchObject({ outcome: 'skipped', reason: 'already_sent' });
      });

      it('an older event is decided skipped:stale_event and neither triggers nor reverses', async () => {
        const t0 = Date.now() - 60 * MINUTE_MS;
        const customer = await decideOne(stage(8201, 'customer', t0 + 10 * MINUTE_MS));
        const piece = welcome(customer)?.triggerId as string;
        expect(await triggerStatus(piece)).toBe('pending');

        const late = await decideOne(stage(8201, 'lead', t0));
        expect(late.status).toBe('skipped');
        expect(late.reason).toBe('stale_event');
        expect(welcome(late)?.detail).toMatch(/^lifecyclestage changed at .* \(event evt_/);
        // A campaign the event does not concern (another property) keeps its no_match.
        expect(late.decisions.find((d) => d.campaignId === 'address-update')).toMatchObject({
          outcome: 'no_match',
        });
        expect(await triggerStatus(piece)).toBe('pending');

        // A dry run applies the same guard and writes nothing.
        const dry = await s.api.post<{ events: { status: string; reason: string }[] }>('/dry-run', {
          hubspot: [item(stage(8201, 'customer', t0 + 5 * MINUTE_MS))],
        });
        expect(dry.body.events[0]).toMatchObject({ status: 'skipped', reason: 'stale_event' });

        const lateCustomer = await decideOne(stage(8201, 'customer', t0 + 5 * MINUTE_MS));
        expect(lateCustomer.reason).toBe('stale_event');
        expect(lateCustomer.triggers).toHaveLength(0);

        // A newer reversal still reverses.
        const newer = await decideOne(stage(8201, 'lead', t0 + 20 * MINUTE_MS));
        expect(newer.status).toBe('no_match');
        expect(await triggerStatus(piece)).toBe('cancelled');
      });

      it('property: in any arrival order, only events newer than all before them act, and at most one piece is live', async () => {
        let contact = 8400;
        await fc.assert(
          fc.asyncProperty(
            fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 5 }),
            fc.array(fc.constantFrom('customer', 'lead'), { minLength: 5, maxLength: 5 }),
            async (minutes, values) => {
              const objectId = contact++;
              s.hubspot.addRecord('contact', String(objectId), { ...GERMAN, lifecyclestage: 'lead' });
              const t0 = Date.now() - 1_000 * MINUTE_MS;
              let newest = -1;
              let lastApplied: string | null = null;
              for (const [i, minute] of minutes.entries()) {
                const value = values[i] as string;
                const event = await decideOne(stage(objectId, value, t0 + minute * MINUTE_MS));
                expect(event.reason === 'stale_event').toBe(minute < newest);
                if (minute > newest) {
                  newest = minute;
                  lastApplied = value;
                }
              }
              const pieces = await s.connector.handle.db
                .selectFrom('triggers')
                .select('status')
                .where('recipient_ref', 'like', `%:contact:${objectId}`)
                .execute();
              expect(pieces.filter((p) => p.status !== 'cancelled')).toHaveLength(
                lastApplied === 'customer' ? 1 : 0,
              );
            },
          ),
          { numRuns: 6 },
        );
      });

      it('a replay appends a decision run; the earlier run and the trigger it made stay', async () => {
        const event = await decideOne({ objectId: 8301, propertyName: 'zip', propertyValue: '51149' });
        const piece = event.decisions.find((d) => d.campaignId === 'address-update')?.triggerId as string;
        expect(piece).toMatch(/^trg_/);
        await s.receiver.waitFor((r) => r.some((x) => x.webhookId === piece && x.status < 300));
        expect(event.runs.map((r) => r.run)).toEqual([1]);

        const replay = await s.api.post(`/events/${event.id}/replay`);
        expect(replay.status).toBe(202);
        const replayed = await s.decided(event.id, (e) => e.runs.length === 2);
        const [run1, run2] = replayed.runs;
        expect(run1?.decisions).toEqual(event.decisions);
        expect(run2?.decisions.find((d) => d.campaignId === 'address-update')).toMatchObject({
          outcome: 'triggered',
          reason: 'replayed',
          triggerId: piece,
        });
        expect(replayed.decisions).toEqual(run2?.decisions);
        expect(replayed.status).toBe('triggered');
        expect(replayed.triggers.map((t) => [t.id, t.status])).toEqual([[piece, 'delivered']]);
        expect(s.receiver.received.filter((r) => r.webhookId === piece && r.status < 300)).toHaveLength(1);

        await s.api.post(`/events/${event.id}/replay`);
        const third = await s.decided(event.id, (e) => e.runs.length === 3);
        expect(third.runs.map((r) => r.run)).toEqual([1, 2, 3]);
        expect(third.runs[0]?.decisions).toEqual(event.decisions);
      });
    },
  );
}
