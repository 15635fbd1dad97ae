import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { auditRun } from './audit.js';
import type { Hit } from './destination.js';
import type { SentEvent } from './load.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const city = (id: string): SentEvent => ({ id, contactId: '1', property: 'city' });
const hit = (id: string, status = 200): Hit => ({
  webhookId: id,
  bodyId: id,
  campaignId: 'moved',
  recipientId: '1',
  verified: true,
  status,
});

/** A store with event `evt_ok` decided into delivered trigger `trg_ok`, and `evt_late` still pending. */
async function store(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-audit-'));
  dirs.push(dir);
  const url = `sqlite:${path.join(dir, 'h.db')}`;
  const handle = openDatabase(url);
  await migrateToLatest(handle.db as never);
  const event = (id: string, status: 'triggered' | 'pending') => ({
    id,
    platform: 'hubspot',
    account_id: '62515',
    external_id: id,
    workspace_id: 'crash',
    channel: 'webhook',
    object_type: 'contact',
    object_id: '1',
    kind: 'updated',
    occurred_at: 0,
    received_at: 0,
    raw_delivery_id: 'raw_1',
    payload: '{}',
    status,
    reason: null,
    attempts: 0,
    lease_owner: null,
    lease_until: 0,
    processed_at: null,
  });
  await handle.db
    .insertInto('events')
    .values([event('evt_ok', 'triggered'), event('evt_late', 'pending')])
    .execute();
  const decision = {
    event_id: 'evt_ok',
    run: 1,
    workspace_id: 'crash',
    reason: null,
    detail: null,
    recipient_ref: '',
    created_at: 0,
  };
  await handle.db
    .insertInto('decision_rows')
    .values([
      { ...decision, campaign_id: 'moved', outcome: 'triggered', trigger_id: 'trg_ok' },
      { ...decision, campaign_id: 'welcome', outcome: 'no_match', trigger_id: null },
    ])
    .execute();
  await handle.db
    .insertInto('triggers')
    .values({
      id: 'trg_ok',
      dedupe_key: 'k1',
      workspace_id: 'crash',
      campaign_id: 'moved',
      destination: 'mailer',
      event_id: 'evt_ok',
      recipient_key: 'r1',
      recipient_ref: 'r1',
      source_ref: 'hubspot:contact:1',
      recipient_hashes: '{}',
      status: 'delivered',
      payload: '{}',
      next_attempt_at: 0,
      attempts: 1,
      lease_until: 0,
      retry_window_start: 0,
      created_at: 0,
      updated_at: 0,
    })
    .execute();
  await handle.close();
  return url;
}

const audit = (databaseUrl: string, acknowledged: SentEvent[], hits: Hit[]) =>
  auditRun({
    databaseUrl,
    load: { batches: 1, acknowledged, sent: acknowledged, resends: 0, givenUp: 0 },
    hits,
    campaigns: ['moved', 'welcome'],
    everyEventCampaign: 'moved',
    oncePerRecipientCampaign: 'welcome',
  });

describe('the crash audit', () => {
  it('passes a run where the one acknowledged event was decided and its trigger delivered (twice, same id)', async () => {
    const url = await store();
    const result = await audit(url, [city('evt_ok')], [hit('trg_ok', 503), hit('trg_ok'), hit('trg_ok')]);
    expect(result.violations.filter((v) => !v.includes('evt_late'))).toEqual([]);
    expect(result.counts).toMatchObject({ acknowledged: 1, decided: 1, triggered: 1, delivered: 1, dead: 0 });
    expect(result.duplicateDeliveries).toBe(1);
  });

  it('reports an undecided event, a missing trigger, an unknown webhook-id and a bad signature', async () => {
    const url = await store();
    const forged = { ...hit('trg_forged'), verified: false };
    const result = await audit(
      url,
      [city('evt_ok'), city('evt_late'), city('evt_lost')],
      [hit('trg_ok'), forged],
    );
    expect(result.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^1 acknowledged events missing from the store: evt_lost/),
        expect.stringMatching(/^1 events not decided \(pending, dead or failed\): evt_late=pending/),
        expect.stringMatching(/^2 acknowledged events without exactly 2 decisions/),
        expect.stringMatching(/^1 delivered webhook-ids the database does not know: trg_forged/),
        expect.stringMatching(/^1 destination requests with a bad signature: trg_forged/),
        expect.stringMatching(/^2 acknowledged city events without exactly one "moved" trigger/),
      ]),
    );
    expect(result.counts.decided).toBe(1);
  });

  it('reports a trigger the destination never got', async () => {
    const url = await store();
    const result = await audit(url, [city('evt_ok')], [hit('trg_ok', 503)]);
    expect(result.violations).toContainEqual(
      expect.stringMatching(/^1 triggers never delivered to the destination: trg_ok/),
    );
  });
});
