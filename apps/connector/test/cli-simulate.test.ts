import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCliAsync as runCli, spawnCli } from './support/cli.js';

function freePort(): Promise<number> {
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

const EXAMPLES = path.resolve(import.meta.dirname, '../../../examples/events');
const TOKEN = 'cli-simulate-admin-token-0123456789';
let cwd: string;
let env: NodeJS.ProcessEnv;
let connector: CliProcess;

// The bundled demo connector as a real process: HubSpot records from the demo dataset,
// triggers to the log destination; the CLI sends, then reads the decision back.
beforeAll(async () => {
  cwd = mkdtempSync(path.join(tmpdir(), 'hookpost-simulate-'));
  const port = await freePort();
  env = {
    HOOKPOST_CONFIG: '',
    DATABASE_URL: '',
    HOOKPOST_ADMIN_TOKEN: TOKEN,
    HOOKPOST_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    HOST: '127.0.0.1',
  };
  connector = spawnCli(['start'], env, cwd);
  await connector.waitFor(/connector listening/);
}, 90_000);

afterAll(async () => {
  connector?.child.kill('SIGINT');
  await connector?.exited;
});

const simulate = (...args: string[]) => runCli(['simulate', ...args, '--demo', '--wait', '20'], env, cwd);

describe('hookpost simulate, ending in the decision at a running connector', () => {
  it('HubSpot contact property change: the welcome pack is triggered and delivered', async () => {
    const run = await simulate('hubspot', '--type', 'contact.propertyChange', '--object-id', '101');
    expect(run.stderr).toContain(`connector: http://127.0.0.1:${env.PORT}`);
    expect(run.stdout).toMatch(/<- 20\d accepted: event evt_/);
    expect(run.stdout).toMatch(/event evt_\S+: triggered/);
    expect(run.stdout).toMatch(/welcome-pack: triggered - trigger trg_\S+ delivered/);
    expect(run.code).toBe(0);
  }, 60_000);

  it('HubSpot deal reaching closedwon: decided, no campaign of the demo matches', async () => {
    const run = await simulate(
      'hubspot',
      '--type',
      'deal.propertyChange',
      '--object-id',
      '301',
      '--property',
      'dealstage',
      '--value',
      'closedwon',
    );
    expect(run.stdout).toMatch(/deal\.propertyChange dealstage=closedwon for deal 301/);
    expect(run.stdout).toMatch(/: no_match/);
    expect(run.code).toBe(0);
  }, 60_000);

  it.each([
    ['object.creation', 'company', '201'],
    ['contact.merge', 'contact', '101'],
    ['contact.associationChange', 'contact', '101'],
  ])(
    'HubSpot %s (%s) is accepted and decided',
    async (type, object, id) => {
      const run = await simulate('hubspot', '--type', type, '--object', object, '--object-id', id);
      expect(run.stdout).toMatch(/<- 20\d accepted/);
      expect(run.stdout).toMatch(/event evt_\S+: (no_match|skipped)/);
      expect(run.code).toBe(0);
    },
    60_000,
  );

  it('HubSpot privacy deletion is accepted and decided', async () => {
    const run = await simulate('hubspot', '--type', 'contact.privacyDeletion', '--object-id', '103');
    expect(run.stdout).toMatch(/<- 20\d accepted/);
    expect(run.stdout).toMatch(/event evt_\S+: (no_match|skipped|triggered)/);
    expect(run.code).toBe(0);
  }, 60_000);

  it('HubSpot workflow action from a sample file is signed for its route and decided', async () => {
    const run = await simulate('hubspot', '--file', path.join(EXAMPLES, 'hubspot/workflow-action.json'));
    expect(run.stdout).toContain('-> POST');
    expect(run.stdout).toContain('/webhooks/hubspot/workflow-action');
    expect(run.stdout).toMatch(/<- 20\d accepted/);
    expect(run.stdout).toMatch(/event evt_\S+: \w+/);
  }, 60_000);

  it('Salesforce Opportunity outbound message with --field: the closed-won gift goes to its contact role', async () => {
    const run = await simulate(
      'salesforce',
      '--object',
      'Opportunity',
      '--object-id',
      '0065e00000DemoOpAAA',
      '--field',
      'StageName=Closed Won',
    );
    expect(run.stdout).toContain('/webhooks/salesforce/…');
    expect(run.stdout).not.toContain('demo-endpoint-token');
    expect(run.stdout).toMatch(/closed-won-gift: triggered/);
    expect(run.code).toBe(0);
  }, 60_000);

  it.each(['Contact', 'Lead', 'Opportunity', 'Account'])(
    'Salesforce %s outbound message is accepted and decided',
    async (object) => {
      const run = await simulate('salesforce', '--object', object, '--field', 'Status=Qualified');
      expect(run.stdout).toMatch(/<- 20\d accepted/);
      // An Opportunity without a contact has no recipient, whatever its conditions say.
      expect(run.stdout).toMatch(
        object === 'Opportunity' ? /closed-won-gift: skipped - no_recipient/ : /closed-won-gift: no_match/,
      );
    },
    60_000,
  );

  it('Salesforce change event (CDC) is decided by the running connector', async () => {
    const run = await simulate('cdc', '--file', path.join(EXAMPLES, 'cdc/contact-update.json'));
    expect(run.stdout).toContain('/api/dry-run');
    expect(run.stdout).toMatch(/salesforce contact 0035e00000AbCdEAAV updated/);
    expect(run.stdout).toMatch(/closed-won-gift\s+no_match/);
    expect(run.code).toBe(0);
  }, 60_000);

  it('events and triggers read the connector admin API: table, and clean JSON on stdout', async () => {
    const table = await runCli(['events', '--limit', '5'], env, cwd);
    expect(table.stdout).toMatch(/^EVENT\s+RECEIVED\s+RECORD/);
    expect(table.stderr).toContain('connector: http://127.0.0.1');
    const json = await runCli(['triggers', '--json', '--status', 'delivered'], env, cwd);
    const page = JSON.parse(json.stdout) as { data: { campaign: string; status: string }[] };
    expect(page.data.map((t) => t.campaign)).toContain('welcome-pack');
    expect(page.data.every((t) => t.status === 'delivered')).toBe(true);
  }, 60_000);

  it('tail prints an event sent after it started', async () => {
    const tail = spawnCli(['tail', '--json', '--interval', '0.3'], env, cwd);
    try {
      await tail.waitFor(/watching for new events/);
      const run = await simulate(
        'hubspot',
        '--type',
        'contact.creation',
        '--object-id',
        '102',
        '--wait',
        '0',
      );
      const id = /accepted: event (evt_\S+)/.exec(run.stdout)?.[1];
      expect(id).toBeDefined();
      await tail.waitFor(new RegExp(`"id":"${id}"`), 20_000);
    } finally {
      tail.child.kill('SIGINT');
      await tail.exited;
    }
  }, 60_000);
});
