import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildOutboundMessage } from '@hookpost/salesforce';
import SQLite from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

let dir: string;
let env: NodeJS.ProcessEnv;

const batch = (objectId: number, portalId = 62515) => ({
  eventId: objectId,
  subscriptionId: 1,
  portalId,
  appId: 1,
  occurredAt: 1_795_000_000_000,
  subscriptionType: 'contact.propertyChange',
  objectId,
  propertyName: 'lifecyclestage',
  propertyValue: 'customer',
  changeSource: 'CRM_UI',
});

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hookpost-dry-run-'));
  // No HOOKPOST_CONFIG and no ./hookpost.config.yaml: the bundled demo config and dataset.
  env = { HOOKPOST_CONFIG: '', DATABASE_URL: `sqlite:${path.join(dir, 'hookpost.db')}` };
  // dry-run reads an existing database (read-only) and never creates one.
  expect(runCli(['migrate'], env, dir).code).toBe(0);
  writeFileSync(
    path.join(dir, 'batch.json'),
    JSON.stringify([batch(101), batch(102), batch(103), batch(7, 1)]),
  );
});

describe('hookpost dry-run', { timeout: 90_000 }, () => {
  it("prints each campaign's decision and why for a HubSpot batch, from the demo dataset", () => {
    const result = runCli(['dry-run', 'batch.json'], env, dir);
    // stderr only says which configuration and database (read-only) the command used.
    expect(result.stderr).toMatch(/^config: .*demo\.config\.yaml\ndatabase: sqlite:.* \(read-only\)\n$/);
    expect(result.code).toBe(0);
    const blocks = result.stdout.split('\n\n');
    expect(blocks).toHaveLength(4);
    expect(blocks[0]).toContain('hubspot contact 101 updated  workspace demo');
    expect(blocks[0]).toContain('=> triggered: welcome-pack');
    expect(blocks[0]).toMatch(/welcome-pack\s+triggered\s+would send trg_\S+ to "log"/);
    expect(blocks[1]).toMatch(/welcome-pack\s+no_match\s+conditions\.all\[0\]: address\.country .*"FR"/);
    expect(blocks[2]).toMatch(/welcome-pack\s+skipped\s+incomplete_address/);
    expect(blocks[3]).toContain('=> unrouted: no workspace for hubspot account 1');
  });

  it('prints JSON with --json and stores nothing', () => {
    const result = runCli(['dry-run', 'batch.json', '--json'], env, dir);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      events: { status: string; decisions: { campaignId: string; trigger: { payload: unknown } | null }[] }[];
    };
    expect(parsed.events.map((e) => e.status)).toEqual(['triggered', 'no_match', 'skipped', 'unrouted']);
    expect(parsed.events[0]?.decisions[0]?.trigger?.payload).toMatchObject({
      recipient: { firstName: 'Erika', address: { city: 'Köln', country: 'DE' } },
    });
    const sqlite = new SQLite(path.join(dir, 'hookpost.db'), { readonly: true });
    const counts = ['events', 'decisions', 'triggers', 'raw_deliveries'].map(
      (t) => (sqlite.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n,
    );
    sqlite.close();
    expect(counts).toEqual([0, 0, 0, 0]);
  });

  it('reads Salesforce outbound-message XML and a normalised CrmEvent', () => {
    const xml = buildOutboundMessage({
      organizationId: '00D5e000000KQ2eEAG',
      actionId: '04k5e000000AbCdAAK',
      notifications: [
        {
          id: '04l5e000001XyZaAAK',
          objectType: 'Opportunity',
          fields: { Id: '0065e00000DemoOpAAA', StageName: 'Closed Won' },
        },
      ],
    });
    writeFileSync(path.join(dir, 'message.xml'), xml);
    const sf = runCli(['dry-run', 'message.xml'], env, dir);
    expect(sf.code).toBe(0);
    expect(sf.stdout).toMatch(/closed-won-gift\s+triggered\s+would send trg_/);

    const event = {
      id: 'evt_manual',
      platform: 'hubspot',
      accountId: '62515',
      externalId: 'manual',
      objectType: 'contact',
      objectId: '101',
      kind: 'updated',
      changes: { lifecyclestage: { value: 'lead' } },
      occurredAt: '2026-11-27T10:00:00Z',
    };
    writeFileSync(path.join(dir, 'event.json'), JSON.stringify(event));
    const manual = runCli(['dry-run', 'event.json'], env, dir);
    expect(manual.code).toBe(0);
    expect(manual.stdout).toMatch(/welcome-pack\s+no_match\s+trigger\.to: expected "customer", got "lead"/);
  });

  it('exits 1 with the problem for an unreadable or malformed file', () => {
    const missing = runCli(['dry-run', 'nope.json'], env, dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^hookpost dry-run: cannot read nope\.json/);
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ id: 'x', platform: 'hubspot' }));
    const bad = runCli(['dry-run', 'bad.json'], env, dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('event.accountId');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
