import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTACT, memoryLeases, subscriberFor } from '../../test/pubsub-harness.js';
import { type FakePubSub, startFakePubSub } from '../testing/pubsub/server.js';
import type { CdcSubscriber } from './subscriber.js';

let pubsub: FakePubSub;
const running: CdcSubscriber[] = [];
const track = <T extends { subscriber: CdcSubscriber }>(harness: T): T => {
  running.push(harness.subscriber);
  return harness;
};
const waitFor = <T>(check: () => T) => vi.waitFor(check, { timeout: 8_000, interval: 20 });

beforeEach(async () => {
  pubsub = await startFakePubSub();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await pubsub.stop();
});

const created = (id: string) => ({
  entity: 'Contact',
  changeType: 'CREATE',
  recordIds: [id],
  values: {
    Name: { FirstName: 'Erika', LastName: 'Mustermann' },
    MailingAddress: { Street: 'Heidestraße 17', City: 'Köln', PostalCode: '51147', CountryCode: 'DE' },
    LastModifiedDate: 1_796_444_400_000,
  },
  changedFields: [],
});

describe('CDC over the real Pub/Sub transport and the gRPC test server', () => {
  it('subscribes LATEST, decodes Avro events and stores each replay id after the write', async () => {
    const { subscriber, stored, replay } = track(subscriberFor(pubsub));
    await subscriber.start();
    await waitFor(() => expect(pubsub.openStreams()).toBe(1));
    const replayId = pubsub.publish(created(CONTACT));
    await waitFor(() => expect(replay.values.get('/data/ContactChangeEvent')).toBe(replayId));
    expect(pubsub.subscriptions()[0]).toMatchObject({ topic: '/data/ContactChangeEvent', preset: 'LATEST' });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: 'created',
      objectId: CONTACT,
      properties: {
        FirstName: 'Erika',
        MailingCity: 'Köln',
        MailingPostalCode: '51147',
        MailingCountryCode: 'DE',
      },
    });
    expect(subscriber.status()).toMatchObject({ state: 'subscribed', retries: 0 });
  });

  it('UPDATE: changed values kept, diffFields never used as values, nulledFields set to null, all named for the re-read', async () => {
    const { subscriber, stored } = track(subscriberFor(pubsub));
    await subscriber.start();
    await waitFor(() => expect(pubsub.openStreams()).toBe(1));
    pubsub.publish({
      entity: 'Contact',
      changeType: 'UPDATE',
      recordIds: [CONTACT],
      values: {
        MailingAddress: { City: 'Bonn' },
        Description: '@@ -1 +1 @@\n-old\n+new',
        Status__c: 'Customer',
      },
      changedFields: ['MailingAddress.City', 'Description', 'Status__c', 'Email'],
      diffFields: ['Description'],
      nulledFields: ['Email'],
    });
    await waitFor(() => expect(stored).toHaveLength(1));
    const [event] = stored;
    expect(event?.changes).toEqual({
      MailingCity: { value: 'Bonn' },
      Status__c: { value: 'Customer' },
      Email: { value: null },
    });
    expect(event?.changes).not.toHaveProperty('Description');
    expect(event?.source?.reread).toEqual({
      recordIds: [CONTACT],
      changedFields: ['Email', 'Description', 'Status__c', 'MailingCity'], // schema order (bitmaps)
      diffFields: ['Description'],
      nulledFields: ['Email'],
      all: false,
    });
  });

  it('flow control: never more events in flight than num_requested, more asked for only after storing', async () => {
    let release: () => void = () => {};
    let gate = new Promise<void>((resolve) => (release = resolve));
    const { subscriber, stored } = track(
      subscriberFor(pubsub, {
        batchSize: 4,
        onEvents: async (events) => {
          await gate;
          stored.push(...events);
        },
      }),
    );
    await subscriber.start();
    await waitFor(() => expect(pubsub.openStreams()).toBe(1));
    for (let i = 0; i < 10; i += 1) pubsub.publish(created(`003RM000006Ddn${String(i).padStart(2, '0')}AAA`));
    await waitFor(() => expect(pubsub.subscriptions()[0]?.sent).toBe(4));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pubsub.subscriptions()[0]?.sent).toBe(4); // the server waits for the client's next FetchRequest
    release();
    gate = Promise.resolve();
    await waitFor(() => expect(stored).toHaveLength(10));
    // 4 up front, then 2 more each time 2 were stored (half the batch).
    expect(pubsub.subscriptions()[0]?.requested.slice(0, 5)).toEqual([4, 2, 2, 2, 2]);
    expect(pubsub.subscriptions()[0]?.sent).toBe(10);
  });

  it('stream reset: resubscribes (jittered back-off) from the stored replay id, nothing lost or repeated', async () => {
    const { subscriber, stored, replay, errors } = track(subscriberFor(pubsub));
    await subscriber.start();
    await waitFor(() => expect(pubsub.openStreams()).toBe(1));
    const first = pubsub.publish(created('003RM000006DdnAAAA'));
    await waitFor(() => expect(replay.values.get('/data/ContactChangeEvent')).toBe(first));
    pubsub.resetStreams();
    pubsub.publish(created('003RM000006DdnBAAA')); // while no stream is open
    await waitFor(() =>
      expect(stored.map((e) => e.objectId)).toEqual(['003RM000006DdnAAAA', '003RM000006DdnBAAA']),
    );
    expect(pubsub.subscriptions().map((s) => [s.preset, s.replayId])).toEqual([
      ['LATEST', null],
      ['CUSTOM', first],
    ]);
    expect(errors.map((e) => e.code)).toContain('transport_failed');
    expect(subscriber.status()).toMatchObject({ state: 'subscribed', retries: 0 });
  });

  it('invalid replay id (past retention): resumes from EARLIEST and records the gap', async () => {
    const old = pubsub.publish(created('003RM000006DdnAAAA'));
    const harness = track(subscriberFor(pubsub));
    harness.replay.values.set('/data/ContactChangeEvent', old);
    const kept = pubsub.publish(created('003RM000006DdnBAAA'));
    pubsub.publish(created('003RM000006DdnCAAA'));
    pubsub.expireBefore(kept);
    await harness.subscriber.start();
    await waitFor(() =>
      expect(harness.stored.map((e) => e.objectId)).toEqual(['003RM000006DdnBAAA', '003RM000006DdnCAAA']),
    );
    expect(pubsub.subscriptions().map((s) => s.preset)).toEqual(['CUSTOM', 'EARLIEST']);
    expect(harness.gaps).toEqual([
      expect.objectContaining({
        reason: 'replay_id_invalid',
        lastReplayId: old,
        resumedFrom: 'EARLIEST',
        from: null,
      }),
    ]);
    expect(harness.subscriber.status()).toMatchObject({ gaps: 1, lastGap: { resumedFrom: 'EARLIEST' } });
  });

  it('GAP_* events become normal events that re-read the whole record', async () => {
    const { subscriber, stored } = track(subscriberFor(pubsub));
    await subscriber.start();
    await waitFor(() => expect(pubsub.openStreams()).toBe(1));
    pubsub.publish({
      entity: 'Contact',
      changeType: 'GAP_UPDATE',
      recordIds: [CONTACT, '003RM000006DdnSYAS'],
    });
    pubsub.publish({ entity: 'Contact', changeType: 'GAP_CREATE', recordIds: ['003RM000006DdnTYAS'] });
    await waitFor(() => expect(stored).toHaveLength(3));
    expect(stored.map((e) => [e.kind, e.objectId, e.source?.gap])).toEqual([
      ['updated', CONTACT, true],
      ['updated', '003RM000006DdnSYAS', true],
      ['created', '003RM000006DdnTYAS', true],
    ]);
    expect(stored[2]?.source?.reread).toMatchObject({ recordIds: ['003RM000006DdnTYAS'], all: true });
    expect(stored[2]).not.toHaveProperty('properties');
  });

  it('GAP_OVERFLOW re-reads the entity changes since the last event, never an event for 000000000000000AAA', async () => {
    const asked: [string, string, string][] = [];
    const { subscriber, stored } = track(
      subscriberFor(pubsub, {
        changedRecordIds: async (entity, since, until) => {
          asked.push([entity, since.toISOString(), until.toISOString()]);
          return ['003RM000006DdnXAAA', '003RM000006DdnYAAA'];
        },
      }),
    );
    await subscriber.start();
    await waitFor(() => expect(pubsub.openStreams()).toBe(1));
    pubsub.publish({
      ...created(CONTACT),
      values: { ...created(CONTACT).values },
      commitTimestamp: Date.parse('2026-11-30T10:00:00Z'),
    });
    pubsub.publish({
      entity: 'Contact',
      changeType: 'GAP_OVERFLOW',
      recordIds: ['000000000000000AAA'],
      commitTimestamp: Date.parse('2026-11-30T10:05:00Z'),
    });
    await waitFor(() => expect(stored).toHaveLength(3));
    expect(asked).toEqual([['Contact', '2026-11-30T10:00:00.000Z', '2026-11-30T10:05:00.000Z']]);
    expect(stored.slice(1).map((e) => [e.kind, e.objectId, e.source?.changeType])).toEqual([
      ['updated', '003RM000006DdnXAAA', 'GAP_OVERFLOW'],
      ['updated', '003RM000006DdnYAAA', 'GAP_OVERFLOW'],
    ]);
    expect(stored.some((e) => e.objectId === '000000000000000AAA')).toBe(false);
  });

  it('two processes with one lease: one subscription; the other takes over when the holder dies', async () => {
    let clock = 0;
    const leases = memoryLeases(1_000, () => clock);
    const a = track(subscriberFor(pubsub, { lease: leases.leaseFor('a'), leaseRenewMs: 20 }));
    const b = track(
      subscriberFor(pubsub, { lease: leases.leaseFor('b'), leaseRenewMs: 20, replayStore: a.replay.store }),
    );
    await a.subscriber.start();
    await b.subscriber.start();
    await waitFor(() => expect(pubsub.openStreams()).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pubsub.subscriptions()).toHaveLength(1);
    expect(b.subscriber.status().state).toBe('standby');
    const first = pubsub.publish(created('003RM000006DdnAAAA'));
    await waitFor(() => expect(a.stored).toHaveLength(1));
    await waitFor(() => expect(a.replay.values.get('/data/ContactChangeEvent')).toBe(first));

    // "a" dies: its stream and renewals stop but its lease row stays until the TTL passes.
    await a.subscriber.stop();
    await leases.leaseFor('a').acquire(); // what a crash leaves behind (stop() released it)
    clock += 5_000;
    pubsub.publish(created('003RM000006DdnBAAA'));
    await waitFor(() => expect(b.stored.map((e) => e.objectId)).toEqual(['003RM000006DdnBAAA']));
    expect(leases.holder()).toBe('b');
    expect(pubsub.subscriptions().at(-1)).toMatchObject({ preset: 'CUSTOM', replayId: first });
  });
});
