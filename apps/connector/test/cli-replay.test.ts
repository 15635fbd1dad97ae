import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeHubSpot, startFakeHubSpot } from '@hookpost/hubspot/testing';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTestConfig, hubspotBatch, postHubSpot, propertyChange } from './support/api-client.js';
import { runCli } from './support/cli.js';
import { eventually, startTestConnector, TEST_SECRET } from './support/connector.js';
import { type Receiver, startReceiver } from './support/receiver.js';

let hubspot: FakeHubSpot;
let receiver: Receiver;
let databaseUrl: string;
let dead: string[] = [];

async function withConnector<T>(work: (c: Awaited<ReturnType<typeof startTestConnector>>) => Promise<T>) {
  const connector = await startTestConnector(apiTestConfig(hubspot.url, receiver.url), { databaseUrl });
  try {
    return await work(connector);
  } finally {
    await connector.stop();
  }
}

/** Trigger statuses read straight from the file, with no connector running to change them. */
function statuses(ids: string[]): Record<string, string> {
  const sqlite = new SQLite(databaseUrl.slice('sqlite:'.length), { readonly: true });
  try {
    const rows = sqlite
      .prepare(`select id, status from triggers where id in (${ids.map(() => '?').join(',')})`)
      .all(...ids) as { id: string; status: string }[];
    return Object.fromEntries(rows.map((r) => [r.id, r.status]));
  } finally {
    sqlite.close();
  }
}

beforeAll(async () => {
  hubspot = await startFakeHubSpot();
  for (const id of ['401', '402', '403'])
    hubspot.addRecord('contact', id, {
      firstname: 'Max',
      lastname: 'Muster',
      address: 'Hauptstraße 5',
      zip: '01067',
      city: 'Dresden',
      country: 'DE',
    });
  receiver = await startReceiver(TEST_SECRET);
  databaseUrl = `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-replay-')), 'hookpost.db')}`;
  // Three triggers the destination rejects (400: dead at once), in a database file the CLI opens next.
  receiver.always(400);
  dead = await withConnector(async (c) => {
    const batch = hubspotBatch([401, 402, 403].map((id) => propertyChange(id, 'zip', '01067')));
    expect(await postHubSpot(c.baseUrl, batch.body)).toBe(204);
    return eventually(async () => {
      const rows = await c.handle.db
        .selectFrom('triggers')
        .select('id')
        .where('status', '=', 'dead')
        .execute();
      return rows.length === 3 ? rows.map((r) => r.id).sort() : undefined;
    });
  });
  receiver.always(null);
});

afterAll(async () => {
  await receiver?.close();
  await hubspot?.close();
});

describe('hookpost replay', { timeout: 120_000 }, () => {
  it('replays one dead trigger by id, then all dead ones of a workspace, and a connector delivers them', async () => {
    const [first, ...rest] = dead as [string, ...string[]];
    const one = runCli(['replay', first], { DATABASE_URL: databaseUrl });
    expect(one.stderr).toBe(`database: ${databaseUrl}\n`);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(`replayed ${first} (was dead); now pending\n`);
    expect(statuses(dead)).toEqual({
      [first]: 'pending',
      [rest[0] as string]: 'dead',
      [rest[1] as string]: 'dead',
    });

    const none = runCli(['replay', '--dead', '--workspace', 'other'], { DATABASE_URL: databaseUrl });
    expect(none.stdout).toBe('replayed 0 dead trigger(s) in workspace other\n');
    const all = runCli(['replay', '--dead', '--workspace', 'acme'], { DATABASE_URL: databaseUrl });
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('replayed 2 dead trigger(s) in workspace acme');
    for (const id of rest) expect(all.stdout).toContain(id);
    expect(Object.values(statuses(dead))).toEqual(['pending', 'pending', 'pending']);

    await withConnector(async (c) => {
      await eventually(async () => {
        const rows = await c.handle.db
          .selectFrom('triggers')
          .select('status')
          .where('id', 'in', dead)
          .execute();
        return rows.every((r) => r.status === 'delivered') ? rows : undefined;
      });
    });
    const delivered = receiver.received.filter((r) => dead.includes(r.webhookId) && r.status === 200);
    expect(delivered.map((r) => r.webhookId).sort()).toEqual(dead);
  });

  it('refuses a delivered or unknown trigger, and a call without a target, with exit code 1', () => {
    const delivered = runCli(['replay', dead[0] as string], { DATABASE_URL: databaseUrl });
    expect(delivered.code).toBe(1);
    expect(delivered.stderr).toContain('is delivered; only dead or cancelled triggers can be replayed');
    const unknown = runCli(['replay', 'trg_unknown'], { DATABASE_URL: databaseUrl });
    expect(unknown).toMatchObject({
      code: 1,
      stderr: `database: ${databaseUrl}\nhookpost replay: no trigger with id trg_unknown\n`,
    });
    const neither = runCli(['replay'], { DATABASE_URL: databaseUrl });
    expect(neither).toMatchObject({
      code: 1,
      stderr: 'hookpost replay: pass either a trigger id or --dead\n',
    });
  });
});
