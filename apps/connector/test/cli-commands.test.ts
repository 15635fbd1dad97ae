import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync as runCli } from './support/cli.js';
import { dialectCases } from './support/databases.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../../examples/events');
const VERSION = (
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../package.json'), 'utf8')) as {
    version: string;
  }
).version;
/** No stray configuration or database from the environment the tests run in. */
const CLEAN = { HOOKPOST_CONFIG: '', DATABASE_URL: '', HOOKPOST_URL: '', HOOKPOST_ADMIN_TOKEN: '' };

const temp = (name: string) => mkdtempSync(path.join(tmpdir(), `hookpost-${name}-`));

/** A port nobody listens on: a connector that is not running. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('hookpost --help and --version', { timeout: 60_000 }, () => {
  it('prints the package version', async () => {
    const run = await runCli(['--version'], CLEAN);
    expect(run.stdout.trim()).toBe(VERSION);
    expect(run.code).toBe(0);
  });

  it('answers through the `hookpost` launcher too (built CLI, or the sources without a build)', async () => {
    const { spawnSync } = await import('node:child_process');
    const launcher = path.resolve(import.meta.dirname, '../bin/hookpost.mjs');
    const run = spawnSync(process.execPath, [launcher, '--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout.trim()).toBe(VERSION);
    expect(run.status).toBe(0);
  });

  it('lists every command, and dry-run help shows the file formats', async () => {
    const run = await runCli(['--help'], CLEAN);
    for (const command of ['start', 'events', 'triggers', 'tail', 'suppress', 'prune', 'simulate', 'dry-run'])
      expect(run.stdout).toContain(`  ${command}`);
    const help = await runCli(['dry-run', '--help'], CLEAN);
    expect(help.stdout).toContain('Salesforce change event');
    expect(help.stdout).toContain('HubSpot webhook batch');
  });
});

describe('commands aimed at a database that does not exist', { timeout: 60_000 }, () => {
  it.each([
    [['dry-run', path.join(EXAMPLES, 'hubspot/contact-lifecycle-customer.json')]],
    [['replay', '--dead']],
    [['suppress', 'list', '-w', 'demo']],
    [['prune', '--older-than', 'P90D']],
  ])('%j says so, exits 1 and creates nothing', async (args) => {
    const cwd = temp('missing');
    const run = await runCli(args, CLEAN, cwd);
    expect(run.stderr).toContain('database: sqlite:./data/hookpost.db');
    expect(run.stderr).toContain(`no database at ${path.join(cwd, 'data/hookpost.db')}`);
    expect(run.code).toBe(1);
    expect(existsSync(path.join(cwd, 'data'))).toBe(false);
  });

  it('a PostgreSQL URL nobody answers is an error, not an empty result', async () => {
    const port = await closedPort();
    const run = await runCli(
      ['replay', '--dead'],
      { ...CLEAN, DATABASE_URL: `postgres://u:secret@127.0.0.1:${port}/x` },
      temp('pg'),
    );
    expect(run.stderr).toContain(`database: postgres://u:***@127.0.0.1:${port}/x`);
    expect(run.stderr).not.toContain('secret');
    expect(run.code).toBe(1);
  });
});

describe('with a database', { timeout: 90_000 }, () => {
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    cwd = temp('db');
    env = { ...CLEAN, DATABASE_URL: `sqlite:${path.join(cwd, 'hook.db')}` };
    expect((await runCli(['migrate'], env, cwd)).code).toBe(0);
  });

  it('dry-run reads every sample event file and opens the database read-only', async () => {
    const before = readFileSync(path.join(cwd, 'hook.db'));
    for (const file of [
      'hubspot/mixed-batch.json',
      'salesforce/contact-closed-won.xml',
      'cdc/contact-update.json',
    ]) {
      const run = await runCli(['dry-run', path.join(EXAMPLES, file), '--json'], env, cwd);
      expect(run.stderr).toContain('(read-only)');
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { events: unknown[] }).events.length).toBeGreaterThan(0);
    }
    expect(readFileSync(path.join(cwd, 'hook.db')).equals(before)).toBe(true);
  });

  it('suppress add, list, import and remove store hashes only', async () => {
    const add = await runCli(['suppress', 'add', '-w', 'demo', '--email', 'Erika@Example.de'], env, cwd);
    expect(add.stdout).toContain('suppressed: email erika@example.de in workspace demo');
    writeFileSync(
      path.join(cwd, 'list.csv'),
      'name,email,record\nA,a@example.de,\nB,,hubspot:contact:7\nC,not-an-address,\n',
    );
    const imported = await runCli(['suppress', 'import', 'list.csv', '-w', 'demo'], env, cwd);
    expect(imported.stdout).toContain('imported 2 new suppression(s)');
    expect(imported.stderr).toContain('line 4');
    const list = JSON.parse(
      (await runCli(['suppress', 'list', '-w', 'demo', '--json'], env, cwd)).stdout,
    ) as {
      data: { kind: string; hash: string; reason: string }[];
    };
    expect(list.data.map((d) => d.kind).sort()).toEqual(['crm', 'email', 'email']);
    expect(list.data.every((d) => /^[0-9a-f]{64}$/.test(d.hash) && d.reason === 'operator')).toBe(true);
    const sqlite = new SQLite(path.join(cwd, 'hook.db'), { readonly: true });
    const dump = JSON.stringify(sqlite.prepare('select * from suppressions').all());
    sqlite.close();
    expect(dump).not.toContain('example.de');
    const removed = await runCli(
      ['suppress', 'remove', '-w', 'demo', '--email', 'erika@example.de'],
      env,
      cwd,
    );
    expect(removed.stdout).toContain('removed');
    const again = await runCli(['suppress', 'remove', '-w', 'demo', '--email', 'erika@example.de'], env, cwd);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('has no operator suppression');
  });

  it('prune deletes finished events older than the duration and keeps newer ones', async () => {
    const sqlite = new SQLite(path.join(cwd, 'hook.db'));
    const old = Date.now() - 100 * 86_400_000;
    const row = (id: string, at: number, status: string, decisionSet: string | null = null) =>
      sqlite
        .prepare(
          `insert into events (id, platform, account_id, external_id, workspace_id, channel, object_type, object_id, kind, occurred_at, received_at, raw_delivery_id, payload, status, attempts, lease_until, processed_at, decision_set, decision_run)
           values (?, 'hubspot', '1', ?, 'demo', 'webhook', 'contact', '1', 'updated', ?, ?, 'raw_x', '{}', ?, 0, 0, ?, ?, 1)`,
        )
        .run(id, id, at, at, status, at, decisionSet);
    try {
      // Quiet decisions: a set only an old event names, and one an old and a new event share.
      const set = sqlite.prepare('insert into decision_sets (id, entries) values (?, ?)');
      set.run('set_old', JSON.stringify([['welcome', 'trigger.to: expected "customer", got "lead"', null]]));
      set.run('set_shared', JSON.stringify([['welcome', 'trigger.object: not about contact', null]]));
      row('evt_old', old, 'no_match', 'set_shared');
      row('evt_old_2', old, 'no_match', 'set_old');
      row('evt_new', Date.now(), 'no_match', 'set_shared');
      row('evt_old_pending', old, 'pending');
    } catch (error) {
      sqlite.close();
      throw error;
    }
    sqlite.close();
    const bad = await runCli(['prune', '--older-than', '90 days'], env, cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ISO-8601 duration');
    const run = await runCli(['prune', '--older-than', 'P90D', '--json'], env, cwd);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ events: 2 });
    const check = new SQLite(path.join(cwd, 'hook.db'), { readonly: true });
    const ids = check
      .prepare('select id from events order by id')
      .all()
      .map((r) => (r as { id: string }).id);
    const sets = check.prepare('select id from decision_sets order by id').all();
    const shown = check.prepare("select event_id, reason from decisions where event_id = 'evt_new'").all();
    check.close();
    expect(ids).toEqual(['evt_new', 'evt_old_pending']);
    // The set no remaining event names is gone with its events; the shared one stays readable.
    expect(sets).toEqual([{ id: 'set_shared' }]);
    expect(shown).toEqual([{ event_id: 'evt_new', reason: 'trigger.object: not about contact' }]);
  });
});

describe('.env in the working directory', { timeout: 60_000 }, () => {
  it('sets DATABASE_URL for the command', async () => {
    const cwd = temp('dotenv');
    writeFileSync(path.join(cwd, '.env'), 'DATABASE_URL=sqlite:./from-dotenv.db\n');
    const run = await runCli(
      ['migrate'],
      { HOOKPOST_CONFIG: '', HOOKPOST_URL: '', DATABASE_URL: undefined },
      cwd,
    );
    expect(run.stderr).toContain('database: sqlite:./from-dotenv.db');
    expect(existsSync(path.join(cwd, 'from-dotenv.db'))).toBe(true);
    expect(run.code).toBe(0);
  });
});

describe('.env beside an already set variable', { timeout: 60_000 }, () => {
  it('the environment wins over the file', async () => {
    const cwd = temp('dotenv-wins');
    writeFileSync(path.join(cwd, '.env'), 'DATABASE_URL=sqlite:./from-dotenv.db\n');
    const run = await runCli(['migrate'], { ...CLEAN, DATABASE_URL: 'sqlite:./from-env.db' }, cwd);
    expect(run.stderr).toContain('database: sqlite:./from-env.db');
    expect(existsSync(path.join(cwd, 'from-dotenv.db'))).toBe(false);
  });
});

describe('connector commands without a running connector', { timeout: 60_000 }, () => {
  it.each([['events'], ['triggers'], ['tail']])('%s names the URL and exits 1', async (command) => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(
      [command, '--url', url],
      { ...CLEAN, HOOKPOST_ADMIN_TOKEN: 'a-token-of-at-least-16-chars' },
      temp('down'),
    );
    expect(run.stderr).toContain(`connector: ${url}`);
    expect(run.stderr).toContain(`cannot reach the connector at ${url}`);
    expect(run.code).toBe(1);
  });

  it('without a token it says how to give one', async () => {
    const run = await runCli(['events'], { ...CLEAN, HOOKPOST_URL: 'http://127.0.0.1:9' }, temp('notoken'));
    expect(run.stderr).toContain('HOOKPOST_ADMIN_TOKEN');
    expect(run.code).toBe(1);
  });
});

describe('hookpost config check', { timeout: 60_000 }, () => {
  const check = async (yaml: string, env: NodeJS.ProcessEnv = {}) => {
    const cwd = temp('config');
    writeFileSync(path.join(cwd, 'c.yaml'), yaml);
    return await runCli(['config', 'check', 'c.yaml'], { ...CLEAN, ...env }, cwd);
  };
  const destinations = 'destinations: { log: { type: log } }';

  it('reports an unset environment variable once, with every place it is used', async () => {
    const run = await check(`server: { publicUrl: "\${PUBLIC}" }
hubspot: { clientSecret: "\${HUBSPOT_SECRET_UNSET}", clientId: "\${HUBSPOT_SECRET_UNSET}" }
`);
    expect(run.code).toBe(1);
    expect(run.stderr.match(/HUBSPOT_SECRET_UNSET is not set/g)).toHaveLength(1);
    expect(run.stderr).toContain('also used at hubspot.clientId');
    expect(run.stderr.match(/PUBLIC is not set/g)).toHaveLength(1);
    expect(run.stderr).not.toMatch(/server\.publicUrl: expected an http/);
  });

  it('warns about an Opportunity campaign for the associated contact without Salesforce API access', async () => {
    const run = await check(`server: { publicUrl: "https://hooks.example.com" }
workspaces:
  - id: acme
    salesforce: { organizationId: 00D5e000000KQ2eEAG, endpointToken: abcdefghijklmnop1234 }
    ${destinations}
    campaigns:
      - id: won
        destination: log
        trigger: { platform: salesforce, object: Opportunity, on: outbound_message }
        recipient: associated_contact
`);
    expect(run.stderr).toMatch(/warning: workspaces\[0\]\.campaigns\[0\]\.recipient: .*no salesforce\.auth/);
    expect(run.stdout).toContain('ok (1 workspace(s), 1 campaign(s), 1 warning(s))');
    expect(run.code).toBe(0);
  });

  it('rejects an appId or portalId that is not a HubSpot id', async () => {
    const run = await check(`server: { publicUrl: "https://hooks.example.com" }
hubspot: { clientSecret: s, appId: my-app }
workspaces:
  - id: acme
    hubspot: { portalId: "acme-portal" }
    ${destinations}
`);
    expect(run.stderr).toContain('problem: hubspot.appId');
    expect(run.stderr).toContain('problem: workspaces[0].hubspot.portalId');
    expect(run.code).toBe(1);
  });
});

const postgres = dialectCases().find((d) => d.name === 'postgres');
describe.skipIf(!postgres || postgres.skipReason !== null)('on PostgreSQL', { timeout: 90_000 }, () => {
  it('suppress, suppress list (read-only session) and prune work against a PostgreSQL database', async () => {
    const url = await (postgres as NonNullable<typeof postgres>).url();
    const env = { ...CLEAN, DATABASE_URL: url };
    const cwd = temp('pg-db');
    expect((await runCli(['migrate'], env, cwd)).code).toBe(0);
    const add = await runCli(
      ['suppress', 'add', '-w', 'acme', '--record', 'salesforce:contact:0035e00000AbCdEAAV'],
      env,
      cwd,
    );
    expect(add.stdout).toContain('suppressed: crm salesforce:contact:0035e00000AbCdEAAV');
    const list = await runCli(['suppress', 'list', '-w', 'acme', '--json'], env, cwd);
    expect(list.stderr).toContain('(read-only)');
    expect((JSON.parse(list.stdout) as { data: { kind: string }[] }).data).toEqual([
      expect.objectContaining({ kind: 'crm', reason: 'operator' }),
    ]);
    const prune = await runCli(['prune', '--older-than', 'P1D', '--json'], env, cwd);
    expect(prune.code).toBe(0);
    expect(JSON.parse(prune.stdout)).toMatchObject({ events: 0, triggers: 0 });
  });
});
