import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CrmEvent } from '@hookpost/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { dialectCases } from '../../test/support/databases.js';
import { createRegistry } from '../adapters/compose.js';
import { parseConfigText } from '../config/load.js';
import { type DatabaseHandle, openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrations.js';
import { createLogger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { createInbox } from '../store/inbox.js';
import { createWorkspaceIndex } from '../workspaces.js';
import { createWorker, type Worker } from './worker.js';

const CONFIG = `
server: { publicUrl: http://test.hookpost.local }
hubspot: { clientSecret: test-secret }
workspaces:
  - id: acme
    hubspot: { portalId: 62515, dataset: ./dataset.json }
    destinations: { log: { type: log } }
    campaigns:
      - id: welcome
        destination: log
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer }
      - id: vip
        destination: log
        trigger: { platform: hubspot, object: contact, on: property_change, property: hs_lead_status, to: VIP }
`;

const PEOPLE = 5;

const contacts = Object.fromEntries(
  Array.from({ length: PEOPLE }, (_, i) => [
    String(i),
    {
      firstname: `Erika${i}`,
      lastname: 'Muster',
      address: 'Heidestraße 1',
      zip: '50667',
      city: 'Köln',
      country: 'DE',
    },
  ]),
);

function changeEvent(i: number): CrmEvent {
  return {
    id: `evt_prefetch_${i}`,
    platform: 'hubspot',
    accountId: '62515',
    externalId: `prefetch-${i}`,
    objectType: 'contact',
    objectId: String(i % PEOPLE),
    kind: 'updated',
    occurredAt: new Date(1_700_000_000_000 + i).toISOString(),
    changes: { lifecyclestage: { value: i % 3 === 0 ? 'customer' : 'subscriber', previous: 'lead' } },
  };
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`worker claiming ahead on ${dialect.name}`, () => {
    const opened: DatabaseHandle[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((h) => h.close()));
    });

    /** A database holding `count` stored events, and a factory of workers on their own connections. */
    async function inboxOf(count: number) {
      const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-prefetch-'));
      writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ contacts }));
      const parsed = parseConfigText(CONFIG, path.join(dir, 'hookpost.config.yaml'), {});
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      const config = parsed.value;
      const url = await dialect.url();
      const open = () => {
        const handle = openDatabase(url);
        opened.push(handle);
        const registry = createRegistry({
          config,
          configDir: dir,
          db: handle.db,
          dialect: handle.dialect,
          env: {},
        });
        return { handle, registry, workspaces: createWorkspaceIndex(config, registry) };
      };
      const first = open();
      await migrateToLatest(first.handle.db as never);
      await createInbox({
        db: first.handle.db,
        dialect: first.handle.dialect,
        workspaces: first.workspaces,
      }).ingest({
        platform: 'hubspot',
        channel: 'webhook',
        accountId: '62515',
        signatureVersion: 'v3',
        body: '[]',
        events: Array.from({ length: count }, (_, i) => changeEvent(i)),
      });
      const worker = (owner: string, batchSize: number, prefetch = true): Worker => {
        // Each worker on its own connections, like a separate `hookpost worker` process.
        const { handle, registry, workspaces } = open();
        return createWorker({
          db: handle.db,
          dialect: handle.dialect,
          relaxed: handle.relaxed,
          workspaces,
          registry,
          logger: createLogger({ level: 'silent', pretty: false }),
          metrics: createMetrics(),
          owner,
          batchSize,
          prefetch,
        });
      };
      return { db: first.handle.db, worker };
    }

    type Db = Awaited<ReturnType<typeof inboxOf>>['db'];

    /** Every event decided exactly once: none pending, one run each, every campaign explained once. */
    async function expectDecidedOnce(db: Db, count: number) {
      const events = await db.selectFrom('events').select(['id', 'status', 'decision_run']).execute();
      expect(events).toHaveLength(count);
      for (const e of events) expect(e.status).not.toBe('pending');
      const decisions = await db.selectFrom('decisions').select(['event_id', 'run', 'campaign_id']).execute();
      const perEvent = new Map<string, string[]>();
      for (const d of decisions) {
        expect(d.run).toBe(1);
        perEvent.set(d.event_id, [...(perEvent.get(d.event_id) ?? []), d.campaign_id]);
      }
      expect(perEvent.size).toBe(count);
      for (const campaigns of perEvent.values()) expect(campaigns.sort()).toEqual(['vip', 'welcome']);
      const triggers = await db.selectFrom('triggers').select('event_id').execute();
      expect(new Set(triggers.map((t) => t.event_id)).size).toBe(triggers.length);
    }

    it('a stopped worker releases the batch it claimed ahead: another worker claims those events at once', async () => {
      const { db, worker } = await inboxOf(10);
      const first = worker('first', 4);
      expect(await first.runOnce()).toBe(4);
      // The next four are claimed ahead, leased to the first worker while it decided.
      const ahead = await db.selectFrom('events').select('id').where('lease_owner', '=', 'first').execute();
      expect(ahead).toHaveLength(4);
      await first.stop();
      const released = await db
        .selectFrom('events')
        .select(['status', 'lease_owner', 'lease_until'])
        .where(
          'id',
          'in',
          ahead.map((r) => r.id),
        )
        .execute();
      expect(released).toEqual(Array(4).fill({ status: 'pending', lease_owner: null, lease_until: 0 }));
      // Long before the 60 s lease would have run out, the oldest pending events are those four.
      const second = worker('second', 4, false);
      expect(await second.runOnce()).toBe(4);
      const taken = await db.selectFrom('events').select('id').where('status', '<>', 'pending').execute();
      expect(taken).toHaveLength(8);
      for (const { id } of ahead) expect(taken.map((t) => t.id)).toContain(id);
      expect(await second.runOnce()).toBe(2);
      expect(await second.runOnce()).toBe(0);
      await expectDecidedOnce(db, 10);
    });

    it('releases nothing that another side changed meanwhile', async () => {
      const { db, worker } = await inboxOf(8);
      const first = worker('first', 4);
      await first.runOnce();
      const ahead = (
        await db.selectFrom('events').select('id').where('lease_owner', '=', 'first').execute()
      ).map((r) => r.id);
      const [cancelled, ...rest] = ahead as [string, ...string[]];
      await db
        .updateTable('events')
        .set({ status: 'failed', reason: 'by hand' })
        .where('id', '=', cancelled)
        .execute();
      await first.stop();
      const rows = await db
        .selectFrom('events')
        .select(['id', 'status', 'lease_owner'])
        .where('id', 'in', ahead)
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(cancelled)).toMatchObject({ status: 'failed', lease_owner: 'first' });
      for (const id of rest) expect(byId.get(id)).toMatchObject({ status: 'pending', lease_owner: null });
    });

    async function roundOf(workers: readonly Worker[]): Promise<number[]> {
      if (dialect.name === 'postgres') return Promise.all(workers.map((w) => w.runOnce()));
      const found: number[] = [];
      for (const w of workers) found.push(await w.runOnce());
      return found;
    }

    it('workers claiming ahead over one inbox decide every event exactly once, whatever the batch sizes and stops', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 30 }),
          fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 2, maxLength: 3 }),
          fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
          async (count, batchSizes, stopAfterRound) => {
            const { db, worker } = await inboxOf(count);
            const workers = batchSizes.map((size, n) => worker(`w${n}`, size));
            // Every worker runs a round (at the same time on PostgreSQL; on SQLite in turn: its
            // one writer in this one thread would wait out the busy timeout), the first worker
            // may stop after some round (holding a batch claimed ahead). After a round that
            // finds nothing they poll again after a pause, as the loop does, until no event is
            // pending: a claim made ahead may have come back empty before another worker
            // released its batch, and on PostgreSQL a batch that lost a lock race to another
            // worker's goes back for a moment (≤ 0.5 s).
            let active = workers;
            let claimed = 0;
            for (let round = 0, idleMs = 0; idleMs < 5_000; round++) {
              const found = await roundOf(active);
              claimed += found.reduce((a, b) => a + b, 0);
              if (round === stopAfterRound && active.length > 1) {
                await active[0]?.stop();
                active = active.slice(1);
              } else if (found.every((n) => n === 0)) {
                const pending = await db
                  .selectFrom('events')
                  .select('id')
                  .where('status', '=', 'pending')
                  .execute();
                if (pending.length === 0) break;
                await new Promise((resolve) => setTimeout(resolve, 50));
                idleMs += 50;
              }
            }
            await Promise.all(active.map((w) => w.stop()));
            // Each event handed to exactly one round: a released batch is claimed anew, never decided twice.
            const left = await db
              .selectFrom('events')
              .select('id')
              .where('lease_owner', 'is not', null)
              .execute();
            expect(left).toEqual([]);
            await expectDecidedOnce(db, count);
            // On SQLite each event is claimed once; on PostgreSQL a batch that lost a lock race
            // is claimed again (not decided: one run each, above).
            if (dialect.name === 'sqlite') expect(claimed).toBe(count);
            else expect(claimed).toBeGreaterThanOrEqual(count);
            await Promise.all(opened.splice(0).map((h) => h.close()));
          },
        ),
        { numRuns: dialect.name === 'postgres' ? 8 : 15 },
      );
    }, 120_000);
  });
}
