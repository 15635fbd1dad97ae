import type { CrmEvent } from '@hookpost/core';
import { describe, expect, it, vi } from 'vitest';
import { cdcFixture } from '../../test/cdc-fixtures.js';
import type { HookpostSalesforceError } from '../errors.js';
import { createInMemoryCdcTransport } from '../testing/in-memory-cdc.js';
import { createBackoff } from './backoff.js';
import { createCdcSubscriber } from './subscriber.js';
import type { ReplayStore } from './transport.js';

const FIXTURES = [
  'contact-create',
  'account-update',
  'contact-update-several',
  'lead-delete',
  'lead-undelete',
  'event-gap-update',
  'account-gap-overflow',
];

function memoryReplayStore(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  const writes: string[] = [];
  const store: ReplayStore = {
    get: async (channel) => values.get(channel) ?? null,
    set: async (channel, replayId) => {
      writes.push(replayId);
      values.set(channel, replayId);
    },
  };
  return { store, values, writes };
}

function setup(initial: Record<string, string> = {}, skipChangeOrigins: (string | RegExp)[] = []) {
  const bus = createInMemoryCdcTransport();
  const replay = memoryReplayStore(initial);
  const batches: CrmEvent[][] = [];
  const errors: HookpostSalesforceError[] = [];
  let failNext = false;
  const subscriber = createCdcSubscriber({
    transport: bus,
    replayStore: replay.store,
    organizationId: '00D5e000000KQ2eEAG',
    skipChangeOrigins,
    onEvents: async (events) => {
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      batches.push(events);
    },
    onError: (error) => errors.push(error),
    backoff: { minMs: 5, maxMs: 20 },
  });
  return { bus, replay, batches, errors, subscriber, failNext: () => (failNext = true) };
}

describe('createCdcSubscriber', () => {
  it('writes events, then stores each replay id, in delivery order', async () => {
    const { bus, replay, batches, subscriber } = setup();
    await subscriber.start();
    expect(bus.subscriptions).toEqual([{ channel: '/data/ChangeEvents', replayId: null }]);
    for (const name of FIXTURES) bus.publish(cdcFixture(name));
    await subscriber.flush();
    // The overflow event yields nothing without a record reader (and its replay id still advances).
    expect(batches.map((b) => b.length)).toEqual([1, 1, 3, 1, 1, 2]);
    expect(batches.flat().map((e) => e.kind)).toEqual([
      'created',
      'updated',
      'updated',
      'updated',
      'updated',
      'deleted',
      'restored',
      'updated',
      'updated',
    ]);
    expect(replay.writes).toEqual([
      '18098160',
      '18098167',
      '18098170',
      '18098175',
      '18098176',
      '18098180',
      '18098190',
    ]);
  });

  it('opens one stream when start() is called twice at once', async () => {
    const { bus, subscriber } = setup();
    await Promise.all([subscriber.start(), subscriber.start()]);
    await subscriber.start();
    expect(bus.subscriptions).toHaveLength(1);
    expect(bus.listeners()).toBe(1);
  });

  it('resumes from the stored replay id after a restart, without re-delivering older events', async () => {
    const first = setup();
    await first.subscriber.start();
    first.bus.publish(cdcFixture('contact-create'));
    first.bus.publish(cdcFixture('account-update'));
    await first.subscriber.flush();
    await first.subscriber.stop();
    expect(first.bus.listeners()).toBe(0);
    // Published while the connector was down:
    first.bus.publish(cdcFixture('contact-update-several'));
    first.bus.publish(cdcFixture('lead-delete'));

    const batches: CrmEvent[][] = [];
    const restarted = createCdcSubscriber({
      transport: first.bus,
      replayStore: first.replay.store,
      organizationId: '00D5e000000KQ2eEAG',
      onEvents: (events) => void batches.push(events),
    });
    await restarted.start();
    await restarted.flush();
    expect(first.bus.subscriptions.at(-1)).toEqual({ channel: '/data/ChangeEvents', replayId: '18098167' });
    expect(batches.flat().map((e) => e.source?.replayId)).toEqual([
      '18098170',
      '18098170',
      '18098170',
      '18098175',
    ]);
    expect(first.replay.values.get('/data/ChangeEvents')).toBe('18098175');
  });

  it('starts from a replay id stored before (e.g. by another process)', async () => {
    const { bus, batches, subscriber } = setup({ '/data/ChangeEvents': '18098175' });
    for (const name of FIXTURES) bus.publish(cdcFixture(name));
    await subscriber.start();
    await subscriber.flush();
    expect(batches.flat().map((e) => e.source?.changeType)).toEqual(['UNDELETE', 'GAP_UPDATE', 'GAP_UPDATE']);
  });

  it('a failed write stores no replay id; the subscriber resubscribes by itself and redelivers that event', async () => {
    const { bus, replay, batches, errors, subscriber, failNext } = setup();
    await subscriber.start();
    bus.publish(cdcFixture('contact-create'));
    await subscriber.flush();
    failNext();
    bus.publish(cdcFixture('account-update'));
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['store_failed']));
    bus.publish(cdcFixture('lead-delete'));
    await vi.waitFor(() => expect(replay.values.get('/data/ChangeEvents')).toBe('18098175'));
    expect(batches.flat().map((e) => e.source?.changeType)).toEqual(['CREATE', 'UPDATE', 'DELETE']);
    // The failed event's replay id was written only once, after its redelivered write succeeded.
    expect(replay.writes).toEqual(['18098160', '18098167', '18098175']);
    expect(bus.subscriptions.at(-1)).toEqual({ channel: '/data/ChangeEvents', replayId: '18098160' });
    expect(bus.listeners()).toBe(1);
  });

  it('skips its own writes by changeOrigin but still advances the replay id', async () => {
    const { bus, replay, batches, subscriber } = setup({}, ['client=Data Loader']);
    await subscriber.start();
    bus.publish(cdcFixture('contact-update-several'));
    bus.publish(cdcFixture('lead-delete'));
    await subscriber.flush();
    expect(batches.flat().map((e) => e.kind)).toEqual(['deleted']);
    expect(replay.values.get('/data/ChangeEvents')).toBe('18098175');
  });

  it('reports an unreadable event (skipped) and recovers from a dropped stream by itself', async () => {
    const { bus, batches, errors, subscriber, replay } = setup();
    await subscriber.start();
    bus.publish({ replayId: 5n, payload: { Name: 'no header' } });
    await subscriber.flush();
    expect(errors.map((e) => e.code)).toEqual(['invalid_change_event']);
    expect(replay.writes).toEqual(['5']);
    bus.fail(new Error('UNAVAILABLE'));
    bus.publish(cdcFixture('lead-delete')); // while no stream is open
    await vi.waitFor(() => expect(batches.flat().map((e) => e.kind)).toEqual(['deleted']));
    expect(errors.map((e) => e.code)).toEqual(['invalid_change_event', 'transport_failed']);
    expect(bus.subscriptions.at(-1)).toEqual({ channel: '/data/ChangeEvents', replayId: '5' });
    expect(replay.writes).toEqual(['5', '18098175']);
    expect(subscriber.status()).toMatchObject({ state: 'subscribed', retries: 0 });
  });

  it('back-off between retries is jittered, doubles and is capped', () => {
    const backoff = createBackoff({ minMs: 100, maxMs: 1_000, random: () => 1 });
    expect(Array.from({ length: 6 }, () => backoff.nextDelayMs())).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    backoff.reset();
    const low = createBackoff({ minMs: 100, maxMs: 1_000, random: () => 0 });
    expect(low.nextDelayMs()).toBe(50);
  });
});
