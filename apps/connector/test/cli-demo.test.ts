import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, spawnCli } from './support/cli.js';

/** A port nobody listens on right now, for `PORT` (the CLI prints it, but the test needs it first). */
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

// Offline demo: no HOOKPOST_CONFIG, no ./hookpost.config.yaml, no admin token in the environment.
const DEMO_ENV = { HOOKPOST_CONFIG: '', HOOKPOST_ADMIN_TOKEN: '', DATABASE_URL: '', LOG_LEVEL: 'info' };
const TOKEN_BANNER = /Admin API token \(shown once[^\n]*\n\s+(\S+)/;

let cwd: string;
let base: string;
let port: number;
let cli: CliProcess;

async function stop(process: CliProcess): Promise<number | null> {
  process.child.kill('SIGINT');
  return process.exited;
}

beforeAll(async () => {
  cwd = mkdtempSync(path.join(tmpdir(), 'hookpost-demo-'));
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  cli = spawnCli(['start'], { ...DEMO_ENV, PORT: String(port) }, cwd);
  await cli.waitFor(/connector listening/);
});

afterAll(async () => {
  if (cli && cli.child.exitCode === null) await stop(cli);
});

describe('the offline demo, as real processes', { timeout: 120_000 }, () => {
  it('generates the admin token at first start, shows it once and stores it with mode 0600', async () => {
    const banner = TOKEN_BANNER.exec(cli.output());
    const token = banner?.[1] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = path.join(cwd, 'data', 'admin-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(cli.output().split(token).length - 1).toBe(1);

    const unauthorised = await fetch(`${base}/api/stats`);
    expect(unauthorised.status).toBe(401);
    const stats = await fetch(`${base}/api/stats`, { headers: { authorization: `Bearer ${token}` } });
    expect(stats.status).toBe(200);
  });

  it('simulate hubspot --demo sends a signed event that ends in a delivered trigger in the log', async () => {
    const result = runCli(['simulate', 'hubspot', '--demo', '--url', base], { ...DEMO_ENV, PORT: '' }, cwd);
    // stderr only says which configuration and connector the command used.
    expect(result.stderr).toMatch(/^config: .*demo\.config\.yaml\nconnector: http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'contact.propertyChange lifecyclestage=customer for contact 101 in portal 62515',
    );
    expect(result.stdout).toMatch(/<- 204 accepted: event evt_\S+/);
    expect(result.stdout).toMatch(/event evt_\S+: triggered \(welcome-pack\)/);
    const delivered = /welcome-pack: triggered - trigger (trg_\S+) delivered/.exec(result.stdout);
    expect(delivered).not.toBeNull();
    // The demo destination is `type: log`: the trigger is in the connector's output (read
    // once the event loop, blocked by runCli, has taken in the child's output).
    await cli.waitFor(new RegExp(`"id":"${delivered?.[1]}"`));
    const logLine = cli
      .output()
      .split('\n')
      .find(
        (line) =>
          line.includes('campaign trigger (log destination)') && line.includes(delivered?.[1] as string),
      );
    expect(logLine).toBeDefined();
    expect(JSON.parse(logLine as string).trigger).toMatchObject({
      campaign: { id: 'welcome-pack' },
      recipient: { firstName: 'Erika', address: { city: 'Köln', country: 'DE' } },
    });
  });

  it('a second simulate of the same contact is explained as already_sent', () => {
    const result = runCli(['simulate', 'hubspot', '--demo', '--url', base], DEMO_ENV, cwd);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/event evt_\S+: skipped \(already_sent\)/);
    expect(result.stdout).toMatch(/welcome-pack: skipped - already_sent/);
  });

  it('simulate salesforce --demo posts an outbound message to the secret endpoint and follows it', () => {
    const result = runCli(
      [
        'simulate',
        'salesforce',
        '--demo',
        '--url',
        base,
        '--object',
        'Opportunity',
        '--object-id',
        '0065e00000DemoOpAAA',
        '--field',
        'StageName=Closed Won',
      ],
      DEMO_ENV,
      cwd,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/<- 200 accepted/);
    expect(result.stdout).toMatch(/closed-won-gift: triggered - trigger trg_\S+ delivered/);
    // The endpoint token is a secret: simulate does not print it.
    expect(result.stdout).not.toContain('demo-endpoint-token');
  });

  it('explains a connector that is not running', async () => {
    const closed = await freePort();
    const result = runCli(
      ['simulate', 'hubspot', '--demo', '--url', `http://127.0.0.1:${closed}`],
      DEMO_ENV,
      cwd,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hookpost simulate: cannot reach the connector at .*: is it running\?/m);
  });

  it('does not show the token again on the next start', async () => {
    const token = readFileSync(path.join(cwd, 'data', 'admin-token'), 'utf8').trim();
    expect(await stop(cli)).toBe(0);
    cli = spawnCli(['start'], { ...DEMO_ENV, PORT: String(port) }, cwd);
    await cli.waitFor(/connector listening/);
    expect(cli.output()).not.toMatch(/Admin API token/);
    expect(cli.output()).not.toContain(token);
    expect(readFileSync(path.join(cwd, 'data', 'admin-token'), 'utf8').trim()).toBe(token);
    const stats = await fetch(`${base}/api/stats`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await stats.json()) as { triggers: { delivered: number } }).triggers.delivered).toBe(2);
  });
});
