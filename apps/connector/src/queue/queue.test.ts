import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialectCases } from '../../test/support/databases.js';
import { type DatabaseHandle, openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrations.js';
import { createLogger } from '../log.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { outboxRow } from '../store/outbox-row.js';
import { createQueue } from './queue.js';
import { OUTBOX_RETRY, settleFailure } from './settle.js';

const T0 = 1_800_000_000_000;
const LEASE_MS = 60_000;

const metricValue = async (metrics: Metrics, name: string, queue: string) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values as { labels: Record<string, string>; value: number }[] | undefined)?.find(
    (v) => v.labels.queue === queue,
  )?.value;
};

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`leased queue on ${dialect.name}`, () => {
    let handle: DatabaseHandle;
    let metrics: Metrics;
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    });
    let clock = T0;
    const queueFor = (owner: string) =>
      createQueue({
        name: 'outbox',
        db: handle.db,
        dialect: handle.dialect,
        owner,
        leaseMs: LEASE_MS,
        metrics,
        logger,
        now: () => clock,
      });
    const row = (id: string) =>
      handle.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    beforeEach(async () => {
      handle = openDatabase(await dialect.url());
      await migrateToLatest(handle.db as never);
      metrics = createMetrics();
      lines.length = 0;
      clock = T0;
      const payload = {
        type: 'workflow_callback',
        platform: 'hubspot',
        callbackId: 'cb-1',
        state: 'SUCCESS',
      } as const;
      await handle.db
        .insertInto('outbox')
        .values([
          { ...outboxRow('acme', payload, T0), id: 'obx_a' },
          { ...outboxRow('acme', payload, T0 + 10_000), id: 'obx_later' },
        ])
        .execute();
    });
    afterEach(async () => {
      await handle.close();
    });

    it('claims due rows once, with a lease that a crashed holder loses', async () => {
      const a = queueFor('a');
      const b = queueFor('b');
      expect((await a.claim(10)).map((r) => r.id)).toEqual(['obx_a']);
      expect(await b.claim(10)).toEqual([]);
      expect(await row('obx_a')).toMatchObject({ lease_owner: 'a', lease_until: T0 + LEASE_MS });
      clock = T0 + LEASE_MS + 1; // a crashed: its lease ran out
      expect((await b.claim(10)).map((r) => r.id).sort()).toEqual(['obx_a', 'obx_later']);
      expect(await a.settle(handle.db, 'obx_a', 'done')).toBe(false);
      expect((await row('obx_a')).status).toBe('pending');
      expect(await metricValue(metrics, 'hookpost_queue_claims_total', 'outbox')).toBe(3);
    });

    it('completes a held row and releases its lease', async () => {
      const a = queueFor('a');
      await a.claim(10);
      expect(await a.settle(handle.db, 'obx_a', 'done', { attempts: 1 })).toBe(true);
      expect(await row('obx_a')).toMatchObject({
        status: 'done',
        attempts: 1,
        lease_owner: null,
        lease_until: 0,
      });
      expect(await a.settle(handle.db, 'obx_a', 'done')).toBe(false);
    });

    it('retries a failed row not before its back-off, then declares it dead', async () => {
      const a = queueFor('a');
      const [claimed] = await a.claim(1);
      if (!claimed) throw new Error('nothing claimed');
      const retry = settleFailure(
        { error: 'HTTP 503', attempt: 1, at: clock, windowStart: T0 },
        OUTBOX_RETRY,
      );
      expect(retry.status).toBe('pending');
      expect(await a.fail(handle.db, claimed, retry, { attempts: 1, last_error: 'HTTP 503' })).toBe(true);
      const waiting = await row('obx_a');
      expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lease_owner: null });
      expect(waiting.next_attempt_at).toBeGreaterThanOrEqual(T0 + OUTBOX_RETRY.initialDelayMs / 2);
      clock = T0 + 1; // not due yet
      expect((await a.claim(10)).map((r) => r.id)).not.toContain('obx_a');
      clock = waiting.next_attempt_at;
      const [again] = (await a.claim(10)).filter((r) => r.id === 'obx_a');
      if (!again) throw new Error('not claimed again');
      const dead = settleFailure(
        { error: 'HTTP 503', attempt: OUTBOX_RETRY.maxAttempts ?? 12, at: clock, windowStart: T0 },
        OUTBOX_RETRY,
      );
      expect(dead.status).toBe('dead');
      expect(await a.fail(handle.db, again, dead, { attempts: 2 })).toBe(true);
      expect(await row('obx_a')).toMatchObject({ status: 'dead', lease_owner: null, lease_until: 0 });
      clock += 365 * 86_400_000;
      expect((await a.claim(10)).map((r) => r.id)).not.toContain('obx_a');
      expect(await metricValue(metrics, 'hookpost_queue_retries_total', 'outbox')).toBe(1);
      expect(await metricValue(metrics, 'hookpost_queue_dead_letters_total', 'outbox')).toBe(1);
      const logged = lines.filter((l) => l.id === 'obx_a').map((l) => l.msg);
      expect(logged).toEqual(['outbox: retry scheduled', 'outbox: dead letter']);
    });
  });
}
