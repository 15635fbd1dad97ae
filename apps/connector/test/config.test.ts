import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledDemoConfigPath, loadConfig, parseConfigText, resolveConfigPath } from '../src/config/load.js';
import { runCli } from './support/cli.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const DESIGN_EXAMPLE = path.join(REPO, 'examples/design.config.yaml');
const DESIGN_ENV = {
  HUBSPOT_CLIENT_ID: 'client-id',
  HUBSPOT_CLIENT_SECRET: 'client-secret',
  ACME_HUBSPOT_TOKEN: 'pat-token',
  ACME_SF_ENDPOINT_TOKEN: 'a-long-random-endpoint-token',
  SF_CLIENT_ID: 'sf-client',
};

const BROKEN = `
server:
  publicUrl: not a url
hubspot:
  clientSecret: s3cret
workspaces:
  - id: acme
    hubspot: { portalId: 1 }
    destinations:
      mailer: { type: webhook, url: https://mail.example.com, secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
    campaigns:
      - name: no id
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: created }
      - id: bad-on
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: updated_somehow }
      - id: no-property
        destination: nowhere
        trigger: { platform: hubspot, object: contact, on: property_change }
`;

describe('configuration', () => {
  it('accepts the documented example configuration verbatim once its variables are set, with defaults filled', () => {
    const result = loadConfig(DESIGN_EXAMPLE, DESIGN_ENV);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [acme] = result.value.workspaces;
    expect(acme?.campaigns.map((c) => c.id)).toEqual(['welcome-pack', 'closed-won-gift']);
    expect(acme?.campaigns[1]?.policy.oncePerRecipient).toBe(true);
    expect(result.value.hubspot?.clientSecret).toBe('client-secret');
    expect(acme?.salesforce?.endpointToken).toBe('a-long-random-endpoint-token');
  });

  it('names every unset environment variable by path', () => {
    const result = loadConfig(DESIGN_EXAMPLE, {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((i) => `${i.path}: ${i.message}`);
    expect(paths).toContain('hubspot.clientSecret: environment variable HUBSPOT_CLIENT_SECRET is not set');
    expect(paths).toContain(
      'workspaces[0].salesforce.auth.clientId: environment variable SF_CLIENT_ID is not set',
    );
  });

  it('lists every problem of a broken file with its path', () => {
    const result = parseConfigText(BROKEN, 'broken.yaml', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
    expect(byPath['server.publicUrl']).toMatch(/URL/);
    expect(byPath['workspaces[0].campaigns[0].id']).toBe('required');
    expect(byPath['workspaces[0].campaigns[1].trigger.on']).toMatch(/property_change/);
    expect(byPath['workspaces[0].campaigns[2].trigger.property']).toMatch(/required/);
    expect(byPath['workspaces[0].campaigns[2].destination']).toMatch(/unknown destination "nowhere"/);
  });

  it('interpolates ${VAR} after parsing, so values cannot inject YAML', () => {
    const text = 'server:\n  publicUrl: ${URL}\nworkspaces: []\n';
    const result = parseConfigText(text, 'x.yaml', { URL: 'https://a.example\nworkspaces: [{}]' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual(['server.publicUrl']);
  });

  it('falls back from HOOKPOST_CONFIG to ./hookpost.config.yaml to the bundled demo', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-cfg-'));
    expect(resolveConfigPath({}, dir)).toBe(bundledDemoConfigPath());
    writeFileSync(path.join(dir, 'hookpost.config.yaml'), 'server: { publicUrl: https://x.example }\n');
    expect(resolveConfigPath({}, dir)).toBe(path.join(dir, 'hookpost.config.yaml'));
    expect(resolveConfigPath({ HOOKPOST_CONFIG: 'other.yaml' }, dir)).toBe(path.join(dir, 'other.yaml'));
    expect(loadConfig(bundledDemoConfigPath(), {}).ok).toBe(true);
  });
});

describe('hookpost config check', () => {
  it('exits 0 on the complete example with its variables set', () => {
    const result = runCli(['config', 'check', DESIGN_EXAMPLE], DESIGN_ENV);
    expect(result.stdout).toMatch(/ok \(1 workspace\(s\), 2 campaign\(s\)\)/);
    expect(result.code).toBe(0);
  });

  it('exits non-zero and prints every problem with its path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-cfg-'));
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, BROKEN);
    const result = runCli(['config', 'check', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('workspaces[0].campaigns[0].id: required');
    expect(result.stderr).toContain('workspaces[0].campaigns[1].trigger.on:');
    expect(result.stderr).toContain('server.publicUrl:');
    expect(result.stderr).toContain('workspaces[0].campaigns[2].destination:');
  });
});
