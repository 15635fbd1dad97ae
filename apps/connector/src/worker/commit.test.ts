import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CrmEvent } from '@hookpost/core';
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
import { createWorker } from './worker.js';

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

const contacts = Object.fromEntries(
  Array.from({ length: 6 }, (_, i) => [
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
    id: `evt_lease_${i}`,
    platform: 'hubspot',
    accountId: '62515',
    externalId: `lease-${i}`,
    objectType: 'contact',
    objectId: String(i),
    kind: 'updated',
    occurredAt: new Date(1_700_000_000_000 + i).toISOString(),
    changes: { lifecyclestage: { value: i % 2 === 0 ? 'customer' : 'subscriber', previous: 'lead' } },
  };
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`decision batch and its leases on ${dialect.name}`, () => {
    let handle: DatabaseHandle | undefined;
    afterEach(async () => {
      await handle?.close();
      handle = undefined;
    });

    it('decides only the events still leased to it; a taken or changed event is left as the other side left it', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-commit-'));
      writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ contacts }));
      const parsed = parseConfigText(CONFIG, path.join(dir, 'hookpost.config.yaml'), {});
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      const config = parsed.value;
      handle = openDatabase(await dialect.url());
      const { db } = handle;
      await migrateToLatest(db as never);
      const registry = createRegistry({ config, configDir: dir, db, dialect: handle.dialect, env: {} });
      const workspaces = createWorkspaceIndex(config, registry);
      await createInbox({ db, dialect: handle.dialect, workspaces }).ingest({
        platform: 'hubspot',
        channel: 'webhook',
        accountId: '62515',
        signatureVersion: 'v3',
        body: '[]',
        events: Array.from({ length: 6 }, (_, i) => changeEvent(i)),
      });
      const ids = (await db.selectFrom('events').select('id').orderBy('received_at').execute()).map(
        (r) => r.id,
      );
      const [taken, changed] = [ids[0] as string, ids[1] as string];
      let interfered = false;
      const worker = createWorker({
        db,
        dialect: handle.dialect,
        relaxed: handle.relaxed,
        workspaces,
        // Between the claim and the batch's commit (while the batch is enriched), another
        // process takes one event over and an operator settles another.
        registry: {
          crmFor(workspace, platform) {
            if (!interfered) {
              interfered = true;
              void db
                .updateTable('events')
                .set({ lease_owner: 'other', lease_until: Date.now() + 60_000 })
                .where('id', '=', taken)
                .execute()
                .then(() =>
                  db
                    .updateTable('events')
                    .set({ status: 'failed', reason: 'by hand' })
                    .where('id', '=', changed)
                    .execute(),
                );
            }
            return registry.crmFor(workspace, platform);
          },
        },
        logger: createLogger({ level: 'silent', pretty: false }),
        metrics: createMetrics(),
        owner: 'me',
      });
      // The interference runs on the pool while enrichment awaits; give it a moment to land.
      const claimed = await worker.runOnce();
      expect(claimed).toBe(6);
      const rows = await db.selectFrom('events').select(['id', 'status', 'lease_owner', 'reason']).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(taken)).toMatchObject({ status: 'pending', lease_owner: 'other' });
      expect(byId.get(changed)).toMatchObject({ status: 'failed', reason: 'by hand' });
      for (const id of ids.slice(2)) expect(byId.get(id)?.status).not.toBe('pending');
      const decided = await db.selectFrom('decisions').select('event_id').distinct().execute();
      expect(decided.map((d) => d.event_id).sort()).toEqual(ids.slice(2).sort());
      const triggers = await db.selectFrom('triggers').select('event_id').execute();
      expect(triggers.every((t) => ids.slice(2).includes(t.event_id))).toBe(true);
    });
  });
}
