import { type Kysely, type Migration, Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialectCases } from '../../test/support/databases.js';
import { readOutboxRow } from '../store/outbox-row.js';
import { openDatabase } from './connect.js';
import { migrateToLatest, migrations } from './migrations.js';
import type { Database } from './types.js';

const T0 = 1_800_000_000_000;

async function migrateToInitial(db: Kysely<Database>): Promise<void> {
  const initial = { '0001_initial': migrations['0001_initial'] as Migration };
  const migrator = new Migrator({ db, provider: { getMigrations: async () => initial } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

const old = (id: string, kind: string, payload: unknown, status = 'pending') => ({
  id,
  kind,
  workspace_id: 'acme',
  payload: JSON.stringify(payload),
  status,
  attempts: 0,
  next_attempt_at: T0,
  lease_owner: null,
  lease_until: 0,
  last_error: null,
  created_at: T0,
  updated_at: T0,
});

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`0002_queue_final_state on ${dialect.name}`, () => {
    it('rewrites old outbox kinds into the payload union and failed into dead', async () => {
      const handle = openDatabase(await dialect.url());
      try {
        await migrateToInitial(handle.db);
        await handle.db
          .insertInto('outbox')
          .values([
            old('o1', 'hubspot_callback', { callbackId: 'cb-9', state: 'FAIL_CONTINUE', reason: 'cooldown' }),
            old(
              'o2',
              'hubspot_postal_mail',
              {
                contactId: '51',
                body: 'Direct mail "Welcome" handed to the mail platform (trigger trg_abc).',
                timestamp: T0,
              },
              'failed',
            ),
            old('o3', 'salesforce_task', {
              whoId: '00Q5e000001',
              subject: 'Direct mail sent',
              description: 'sent',
            }),
          ] as never)
          .execute();
        await handle.db
          .insertInto('events')
          .values({
            id: 'evt_1',
            platform: 'hubspot',
            account_id: '1',
            external_id: 'x',
            workspace_id: 'acme',
            channel: 'webhook',
            object_type: 'contact',
            object_id: '51',
            kind: 'updated',
            occurred_at: T0,
            received_at: T0,
            raw_delivery_id: 'raw_1',
            payload: '{}',
            status: 'failed',
            reason: 'timeout',
            attempts: 5,
            lease_owner: null,
            lease_until: 0,
            processed_at: T0,
          })
          .execute();
        expect(await migrateToLatest(handle.db as never)).toContain('0002_queue_final_state');

        const rows = await handle.db.selectFrom('outbox').selectAll().orderBy('id').execute();
        expect(rows.map((r) => [r.id, r.kind, r.status])).toEqual([
          ['o1', 'workflow_callback', 'pending'],
          ['o2', 'mail_activity', 'dead'],
          ['o3', 'mail_activity', 'pending'],
        ]);
        expect(rows.map((r) => readOutboxRow(r).payload)).toEqual([
          {
            type: 'workflow_callback',
            platform: 'hubspot',
            callbackId: 'cb-9',
            state: 'FAIL_CONTINUE',
            reason: 'cooldown',
          },
          {
            type: 'mail_activity',
            platform: 'hubspot',
            objectType: 'contact',
            objectId: '51',
            triggerId: 'trg_abc',
            campaignId: '',
            subject: 'Direct mail sent',
            body: 'Direct mail "Welcome" handed to the mail platform (trigger trg_abc).',
            occurredAt: T0,
          },
          {
            type: 'mail_activity',
            platform: 'salesforce',
            objectType: 'lead',
            objectId: '00Q5e000001',
            triggerId: '',
            campaignId: '',
            subject: 'Direct mail sent',
            body: 'sent',
            occurredAt: 0,
          },
        ]);
        const event = await handle.db.selectFrom('events').select('status').executeTakeFirstOrThrow();
        expect(event.status).toBe('dead');
      } finally {
        await handle.close();
      }
    });
  });
}
