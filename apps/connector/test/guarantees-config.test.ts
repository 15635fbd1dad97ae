import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeHubSpot, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { type FakeSalesforce, startFakeSalesforce } from '@hookpost/salesforce/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfigText } from '../src/config/load.js';
import { ORG_ID, PUBLIC_URL, SF_TOKEN } from './support/api-client.js';
import { runCli, spawnCli } from './support/cli.js';
import { HUBSPOT_SECRET } from './support/connector.js';

const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-config-'));
const writeConfig = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** A valid configuration using every block; a test puts one misspelt key into one block. */
function fullConfig() {
  return {
    server: { publicUrl: PUBLIC_URL, maxBodyBytes: 1_000_000 },
    hubspot: { clientSecret: 's' },
    workspaces: [
      {
        id: 'acme',
        hubspot: { portalId: 1, accessToken: 't', optOutProperty: 'do_not_mail' },
        salesforce: {
          organizationId: ORG_ID,
          endpointToken: SF_TOKEN,
          instanceUrl: 'https://acme.my.salesforce.com',
          auth: { type: 'jwt', clientId: 'c', username: 'u', privateKeyFile: 'k.pem' },
          cdc: { enabled: true },
        },
        destinations: {
          mailer: {
            type: 'webhook',
            url: 'https://mail.example.com',
            secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
            retry: { maxAge: 'PT1H' },
          },
        },
        campaigns: [
          {
            id: 'gift',
            destination: 'mailer',
            trigger: {
              platform: 'hubspot',
              object: 'deal',
              on: 'property_change',
              property: 'dealstage',
              to: 'closedwon',
            },
            conditions: { all: [{ field: 'deal.amount', gt: 100 }] },
            policy: { maxPerRecipient: { count: 1, days: 30 } },
          },
        ],
      },
    ],
  };
}

// [where the misspelt key goes (path into fullConfig), the path reported, the typo, the key meant]
const TYPOS: [string[], string, string, string][] = [
  [['server'], 'server', 'maxBodyByte', 'maxBodyBytes'],
  [['hubspot'], 'hubspot', 'clientSecrett', 'clientSecret'],
  [['workspaces', '0'], 'workspaces[0]', 'campaign', 'campaigns'],
  [['workspaces', '0', 'hubspot'], 'workspaces[0].hubspot', 'optOutPropery', 'optOutProperty'],
  [['workspaces', '0', 'salesforce'], 'workspaces[0].salesforce', 'optOutFeld', 'optOutField'],
  [['workspaces', '0', 'salesforce', 'auth'], 'workspaces[0].salesforce.auth', 'usrname', 'username'],
  [['workspaces', '0', 'salesforce', 'cdc'], 'workspaces[0].salesforce.cdc', 'chanel', 'channel'],
  [['workspaces', '0', 'destinations', 'mailer'], 'workspaces[0].destinations.mailer', 'timout', 'timeout'],
  [
    ['workspaces', '0', 'destinations', 'mailer', 'retry'],
    'workspaces[0].destinations.mailer.retry',
    'maxAg',
    'maxAge',
  ],
  [['workspaces', '0', 'campaigns', '0'], 'workspaces[0].campaigns[0]', 'destinaton', 'destination'],
  [['workspaces', '0', 'campaigns', '0', 'trigger'], 'workspaces[0].campaigns[0].trigger', 'too', 'to'],
  [
    ['workspaces', '0', 'campaigns', '0', 'conditions', 'all', '0'],
    'workspaces[0].campaigns[0].conditions.all[0]',
    'fields',
    'field',
  ],
  [
    ['workspaces', '0', 'campaigns', '0', 'policy'],
    'workspaces[0].campaigns[0].policy',
    'dailycap',
    'dailyCap',
  ],
  [
    ['workspaces', '0', 'campaigns', '0', 'policy', 'maxPerRecipient'],
    'workspaces[0].campaigns[0].policy.maxPerRecipient',
    'day',
    'days',
  ],
];

function withKey(at: string[], key: string): string {
  const config = fullConfig();
  let block: Record<string, unknown> = config;
  for (const step of at) block = block[step] as Record<string, unknown>;
  block[key] = block[key.slice(0, -1)] ?? 1;
  return stringify(config);
}

describe('strict configuration', () => {
  it('the configuration with every block is valid as written', () => {
    expect(parseConfigText(stringify(fullConfig()), 'ok.yaml', {})).toMatchObject({ ok: true });
  });

  it.each(TYPOS)('rejects an unknown key in %j, naming it and the key meant', (at, where, typo, meant) => {
    const result = parseConfigText(withKey(at, typo), 'typo.yaml', {});
    expect(result.ok ? [] : result.issues).toContainEqual({
      path: where,
      message: `unknown key "${typo}"; did you mean "${meant}"?`,
    });
  });

  it('lists the known keys when no key is close', () => {
    const result = parseConfigText(
      withKey(['workspaces', '0', 'destinations', 'mailer', 'retry'], 'zzzzzz'),
      'typo.yaml',
      {},
    );
    expect(result.ok ? [] : result.issues.map((i) => i.message)).toEqual([
      'unknown key "zzzzzz" (known: initialDelay, maxDelay, maxAge)',
    ]);
  });

  it('`hookpost config check` fails on a typo inside a trigger clause', () => {
    const file = writeConfig(
      'trigger-typo.yaml',
      withKey(['workspaces', '0', 'campaigns', '0', 'trigger'], 'too'),
    );
    const { code, stderr } = runCli(['config', 'check', file]);
    expect(code).toBe(1);
    expect(stderr).toContain('workspaces[0].campaigns[0].trigger: unknown key "too"; did you mean "to"?');
  });
});

describe('`hookpost config check --online` against the CRMs property definitions', () => {
  let hubspot: FakeHubSpot;
  let salesforce: FakeSalesforce;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = writeConfig('sf.pem', keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

  beforeAll(async () => {
    hubspot = await startFakeHubSpot();
    hubspot.defineProperties('deal', [
      { name: 'dealstage', type: 'enumeration', options: [{ value: '1133224' }, { value: '1133225' }] },
      { name: 'amount', type: 'number' },
    ]);
    hubspot.addRecord('contact', '1', { firstname: 'Erika', zip: '51147', lifecyclestage: 'lead' });
    salesforce = await startFakeSalesforce({ publicKey: keys.publicKey });
    salesforce.defineFields('Opportunity', [
      {
        name: 'StageName',
        type: 'picklist',
        picklistValues: [{ value: 'Closed Won' }, { value: 'Prospecting' }],
      },
    ]);
    salesforce.defineFields('Contact', [
      { name: 'LeadSource', type: 'picklist', picklistValues: [{ value: 'Event' }, { value: 'Web' }] },
      { name: 'HasOptedOutOfEmail', type: 'boolean' },
    ]);
  });
  afterAll(async () => {
    await hubspot?.close();
    await salesforce?.close();
  });

  const onlineConfig = (mistakes: boolean) => `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET}, apiBaseUrl: ${hubspot.url} }
workspaces:
  - id: acme
    hubspot: { portalId: 62515, accessToken: t, optOutProperty: ${mistakes ? 'do_not_mail' : 'lifecyclestage'} }
    salesforce:
      organizationId: ${ORG_ID}
      endpointToken: ${SF_TOKEN}
      instanceUrl: ${salesforce.url}
      loginUrl: ${salesforce.url}
      auth: { type: jwt, clientId: c, username: u, privateKeyFile: ${keyFile} }
      optOutField: hasoptedoutofemail
    destinations: { mailer: { type: log } }
    campaigns:
      - id: gift
        destination: mailer
        trigger: { platform: hubspot, object: deal, on: property_change, property: dealstage, to: ${mistakes ? 'closedwon' : "'1133224'"} }
        conditions: { all: [ { field: deal.amount, gt: 100 } ] }
      - id: welcome
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: created }
        conditions: { all: [ { field: contact.${mistakes ? 'firstnam' : 'firstname'}, exists: true }, { field: address.country, equals: DE } ] }
        variables: { zip: "{{ contact.${mistakes ? 'zipcode' : 'zip'} }}" }
      - id: sf-won
        destination: mailer
        trigger: { platform: salesforce, object: opportunity, on: property_change, property: StageName, to: ${mistakes ? 'Closed Wonn' : 'Closed Won'} }
      - id: sf-event
        destination: mailer
        trigger: { platform: salesforce, object: contact, on: outbound_message }
        conditions: { all: [ { field: LeadSource, equals: Event } ] }
`;

  // The fakes run in this process: the CLI must run beside it, not block it (spawnSync would).
  const runAsync = async (args: string[]) => {
    const cli = spawnCli(args);
    const code = await cli.exited;
    return { code, output: cli.output() };
  };

  it('reports each property that does not exist and each value that is not an option', async () => {
    const file = writeConfig('online-bad.yaml', onlineConfig(true));
    expect(runCli(['config', 'check', file]).code).toBe(0);
    const { code, output } = await runAsync(['config', 'check', '--online', file]);
    expect(code).toBe(1);
    const lines = output
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines.sort()).toEqual(
      [
        'workspaces[0].hubspot.optOutProperty: hubspot contact has no property "do_not_mail"',
        'workspaces[0].campaigns[0].trigger.to: "closedwon" is not an option of hubspot deal.dealstage (options: 1133224, 1133225)',
        'workspaces[0].campaigns[1].conditions: hubspot contact has no property "firstnam"; did you mean "firstname"?',
        'workspaces[0].campaigns[1].variables.zip: hubspot contact has no property "zipcode"',
        'workspaces[0].campaigns[2].trigger.to: "Closed Wonn" is not an option of salesforce opportunity.StageName; did you mean "Closed Won"?',
      ].sort(),
    );
  });

  it('passes a configuration whose names and values exist in both CRMs', async () => {
    const file = writeConfig('online-good.yaml', onlineConfig(false));
    const { code, output } = await runAsync(['config', 'check', '--online', file]);
    expect(output).toContain('ok (1 workspace(s), 4 campaign(s), checked online)');
    expect(code).toBe(0);
  });
});
