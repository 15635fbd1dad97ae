import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ORG_ID, SF_TOKEN } from '../support/api-client.js';
import {
  deepText,
  fromValue,
  type JsonNode,
  mutateKeys,
  oddNumberText,
  oddString,
  oddValue,
  protoName,
  raw,
  replaceAt,
  toText,
} from './json-text.js';

/** How a generated request is signed, decided at generation, done at send time (timestamps are "now"). */
export type Signing =
  | 'v3'
  | 'v3-stale'
  | 'v3-future'
  | 'v3-wrong'
  | 'v3-garbled'
  | 'v2'
  | 'v1'
  | 'v2-wrong'
  | 'none';

export type Endpoint = 'hubspot_webhook' | 'workflow_action' | 'salesforce' | 'oauth_callback' | 'admin';

export interface FuzzInput {
  endpoint: Endpoint;
  method: 'GET' | 'POST';
  path: string;
  contentType: string | null;
  body: string | Uint8Array | null;
  signing: Signing;
  /** Admin API: send the bearer token. OAuth: start an install first and use its state/cookie. */
  authorised: boolean;
}

const fixture = (pkg: string, name: string) =>
  readFileSync(new URL(`../../../../packages/${pkg}/test/fixtures/${name}`, import.meta.url), 'utf8');

const HUBSPOT_FIXTURES = [
  'captured-contact-creation.json',
  'captured-object-propertyChange.json',
  'docs-batch-eventType.json',
  'signature-example-body.json',
].map((name) => fromValue(JSON.parse(fixture('hubspot', name))));
const WORKFLOW_FIXTURE = fromValue(JSON.parse(fixture('hubspot', 'workflow-action-execution.json')));
const SALESFORCE_FIXTURE = fixture('salesforce', 'contact.xml').replace('00Do0000000xxxxxxx', ORG_ID);

const signing = fc.constantFrom<Signing>(
  'v3',
  'v3',
  'v3',
  'v3',
  'v3-stale',
  'v3-future',
  'v3-wrong',
  'v3-garbled',
  'v2',
  'v1',
  'v2-wrong',
  'none',
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'text/xml; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  null,
);

/** A fixture with a few nodes replaced by odd values and keys renamed to prototype names or dropped. */
const mutatedFixture = (fixtures: JsonNode[]) =>
  fc
    .record({
      base: fc.constantFrom(...fixtures),
      replacements: fc.array(
        fc.tuple(
          fc.nat(60),
          fc.oneof(
            oddValue,
            deepText.map((text) => ({ t: 'raw', text }) as JsonNode),
          ),
        ),
        {
          maxLength: 3,
        },
      ),
      picks: fc.array(fc.nat(30), { maxLength: 3 }),
      names: fc.array(fc.oneof(protoName, oddString), { maxLength: 3 }),
    })
    .map(({ base, replacements, picks, names }) => {
      let node = base;
      for (const [index, replacement] of replacements) node = replaceAt(node, index, replacement);
      return toText(mutateKeys(node, picks, names));
    });

const SUBSCRIPTION_TYPES = [
  'contact.creation',
  'contact.propertyChange',
  'company.deletion',
  'deal.merge',
  'object.creation',
  'object.propertyChange',
  'contact.privacyDeletion',
];

/** One webhook event: mostly well-formed, each field sometimes an odd value. */
const webhookEvent = fc
  .record({
    eventId: fc.oneof(fc.nat().map(String), oddNumberText),
    portalId: fc.oneof(fc.constant('62515'), fc.constant('1'), oddNumberText),
    occurredAt: fc.oneof(fc.constant(String(Date.now())), oddNumberText),
    subscriptionType: fc.oneof(
      fc.constantFrom(...SUBSCRIPTION_TYPES),
      protoName.map((name) => `contact.${name}`),
      protoName.map((name) => `${name}.creation`),
      oddString,
    ),
    objectTypeId: fc.option(fc.oneof(fc.constantFrom('0-1', '0-2', '2-123'), protoName, oddString)),
    objectId: fc.oneof(fc.nat().map(String), oddNumberText),
    propertyName: fc.option(fc.oneof(fc.constantFrom('city', 'lifecyclestage', 'zip'), protoName, oddString)),
    propertyValue: fc.option(oddValue),
    extra: fc.array(fc.tuple(fc.oneof(protoName, oddString), oddValue), { maxLength: 2 }),
  })
  .map((e): JsonNode => {
    const entries: [string, JsonNode][] = [
      ['eventId', { t: 'raw', text: e.eventId }],
      ['subscriptionId', raw(7)],
      ['portalId', { t: 'raw', text: e.portalId }],
      ['occurredAt', { t: 'raw', text: e.occurredAt }],
      ['subscriptionType', raw(e.subscriptionType)],
      ['attemptNumber', raw(0)],
      ['objectId', { t: 'raw', text: e.objectId }],
    ];
    if (e.objectTypeId !== null) entries.push(['objectTypeId', raw(e.objectTypeId)]);
    if (e.propertyName !== null) entries.push(['propertyName', raw(e.propertyName)]);
    if (e.propertyValue !== null) entries.push(['propertyValue', e.propertyValue]);
    return { t: 'obj', entries: [...entries, ...e.extra] };
  });

const webhookBatch = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(webhookEvent, { minLength: 1, maxLength: 5 })
      .map((items) => toText({ t: 'arr', items })),
  },
  { weight: 3, arbitrary: mutatedFixture(HUBSPOT_FIXTURES) },
  {
    weight: 1,
    arbitrary: fc
      .array(webhookEvent, { minLength: 100, maxLength: 102 })
      .map((items) => toText({ t: 'arr', items })),
  },
  { weight: 1, arbitrary: deepText },
  { weight: 1, arbitrary: oddValue.map(toText) },
);

/** Text-level damage and odd encodings on top of a body. */
const damaged = (body: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 6, arbitrary: body },
    {
      weight: 1,
      arbitrary: fc
        .tuple(body, fc.nat(), fc.string({ unit: 'binary', maxLength: 3 }))
        .map(([text, at, insert]) => {
          const cut = at % (text.length + 1);
          return text.slice(0, cut) + insert + text.slice(cut + (at % 3));
        }),
    },
    { weight: 1, arbitrary: body.map((text) => `\ufeff${text}`) },
    { weight: 1, arbitrary: body.map((text): Uint8Array => Buffer.from(text, 'utf16le')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(body, fc.uint8Array({ minLength: 1, maxLength: 8 }))
        .map(([text, bytes]): Uint8Array => Buffer.concat([Buffer.from(text), bytes])),
    },
  );

const hubspotWebhook = fc
  .record({
    body: damaged(webhookBatch),
    signing,
    contentType,
    query: fc.constantFrom('', '', '?tenant=acme', '?x=%20y', '?a=%00'),
  })
  .map(
    ({ body, signing, contentType, query }): FuzzInput => ({
      endpoint: 'hubspot_webhook',
      method: 'POST',
      path: `/webhooks/hubspot${query}`,
      contentType,
      body,
      signing,
      authorised: false,
    }),
  );

const workflowBody = fc.oneof(
  { weight: 3, arbitrary: mutatedFixture([WORKFLOW_FIXTURE]) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        callbackId: fc.oneof(fc.uuid(), oddString),
        objectType: fc.oneof(fc.constantFrom('CONTACT', 'COMPANY', 'DEAL'), protoName, oddString),
        inputFields: fc.oneof(
          oddValue,
          deepText.map((text): JsonNode => ({ t: 'raw', text })),
        ),
        properties: oddValue,
      })
      .map(({ callbackId, objectType, inputFields, properties }) =>
        toText({
          t: 'obj',
          entries: [
            ['callbackId', raw(callbackId)],
            ['origin', fromValue({ portalId: 62515, actionDefinitionId: 7 })],
            [
              'object',
              {
                t: 'obj',
                entries: [
                  ['objectId', raw(904)],
                  ['objectType', raw(objectType)],
                  ['properties', properties],
                ],
              },
            ],
            ['inputFields', inputFields],
          ],
        }),
      ),
  },
  { weight: 1, arbitrary: oddValue.map(toText) },
);

const workflowAction = fc.record({ body: damaged(workflowBody), signing, contentType }).map(
  ({ body, signing, contentType }): FuzzInput => ({
    endpoint: 'workflow_action',
    method: 'POST',
    path: '/webhooks/hubspot/workflow-action',
    contentType,
    body,
    signing,
    authorised: false,
  }),
);

const xmlName = fc.oneof(
  fc.constantFrom('LastName', 'FirstName', 'Email', 'Id'),
  protoName,
  fc.stringMatching(/^[A-Za-z_][\w.-]{0,20}$/),
);
const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

const salesforceXml = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(xmlName, oddString), { maxLength: 6 })
      .map((fields) =>
        SALESFORCE_FIXTURE.replace(
          '<sf:LastName>dude</sf:LastName>',
          fields.map(([name, value]) => `<sf:${name}>${escapeXml(value)}</sf:${name}>`).join(''),
        ),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 6 }), fc.nat(4))
      .map(([at, insert, drop]) => {
        const cut = at % SALESFORCE_FIXTURE.length;
        return SALESFORCE_FIXTURE.slice(0, cut) + insert + SALESFORCE_FIXTURE.slice(cut + drop);
      }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(10, 100, 1_000).map((n) => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(10, 200, 2_000)
      .map((n) =>
        SALESFORCE_FIXTURE.replace(
          '<sf:Id>',
          `<sf:Id ${Array.from({ length: n }, (_, i) => `a${i}="1"`).join(' ')}>`,
        ),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constant(
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;&b;&b;</x>',
    ),
  },
  // The 15-character form of the configured organisation id, and another organisation.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(ORG_ID.slice(0, 15), '00D000000000001AAA')
      .map((id) => SALESFORCE_FIXTURE.replace(ORG_ID, id)),
  },
  { weight: 1, arbitrary: oddValue.map(toText) },
);

const salesforce = fc
  .record({
    body: damaged(salesforceXml),
    contentType: fc.constantFrom(
      'text/xml; charset=utf-8',
      'text/xml',
      'application/soap+xml',
      'application/json',
      null,
    ),
    token: fc.oneof(
      { weight: 6, arbitrary: fc.constant(SF_TOKEN) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          SF_TOKEN.toUpperCase(),
          `${SF_TOKEN}/`,
          'wrong-token-000000000000',
          '%00',
          '%ZZ',
          '%2e%2e',
        ),
      },
      { weight: 1, arbitrary: protoName },
    ),
  })
  .map(
    ({ body, contentType, token }): FuzzInput => ({
      endpoint: 'salesforce',
      method: 'POST',
      path: `/webhooks/salesforce/${token}`,
      contentType,
      body,
      signing: 'none',
      authorised: false,
    }),
  );

// encodeURIComponent throws on lone surrogates; their UTF-8 reading (U+FFFD) encodes.
const encodeLoosely = (text: string) => encodeURIComponent(Buffer.from(text).toString());

const queryValue = fc.oneof(
  oddString.map(encodeLoosely),
  oddNumberText,
  fc.constantFrom('%00', '%ZZ', '%E0%A4%A', '', '%', '%2e%2e'),
  protoName,
);

const oauthCallback = fc
  .record({
    params: fc.array(fc.tuple(fc.constantFrom('code', 'state', 'error', 'state', 'code', 'x'), queryValue), {
      maxLength: 4,
    }),
    fresh: fc.boolean(),
  })
  .map(
    ({ params, fresh }): FuzzInput => ({
      endpoint: 'oauth_callback',
      method: 'GET',
      path: `/oauth/hubspot/callback?${params.map(([k, v]) => `${k}=${v}`).join('&')}`,
      contentType: null,
      body: null,
      signing: 'none',
      authorised: fresh,
    }),
  );

const pathSegment = fc.oneof(
  fc.constantFrom('evt_0000000000000000000000', 'trg_1', 'x'),
  oddString.map(encodeLoosely),
  fc.constantFrom('%00', '%ZZ', '%E0%A4%A', '..', '%2F', '%', 'a%00b', 'x'.repeat(5_000)),
  protoName,
);

const adminPath = fc
  .tuple(
    fc.constantFrom(
      '/api/events',
      '/api/events/:seg',
      '/api/events/:seg/replay',
      '/api/triggers',
      '/api/triggers/:seg',
      '/api/triggers/:seg/replay',
      '/api/triggers/:seg/cancel',
      '/api/triggers/replay-dead',
      '/api/stats',
      '/api/dry-run',
      '/api/:seg',
      '/api/openapi.json',
    ),
    pathSegment,
    fc.array(
      fc.tuple(
        fc.constantFrom(
          'limit',
          'status',
          'cursor',
          'platform',
          'campaign',
          'since',
          'until',
          'workspace',
          '__proto__',
        ),
        queryValue,
      ),
      {
        maxLength: 3,
      },
    ),
  )
  .map(([template, seg, query]) => {
    const path = template.replace(':seg', seg);
    return query.length === 0 ? path : `${path}?${query.map(([k, v]) => `${k}=${v}`).join('&')}`;
  });

const adminBody = fc.oneof(
  webhookBatch.map((batch) => `{"hubspot":${batch}}`),
  salesforceXml.map((xml) => JSON.stringify({ salesforce: xml })),
  oddValue.map((value) => toText({ t: 'obj', entries: [['event', value]] })),
  oddValue.map(toText),
  deepText,
  fc.string({ unit: 'binary', maxLength: 50 }),
);

const admin = fc
  .record({
    method: fc.constantFrom<'GET' | 'POST'>('GET', 'POST'),
    path: adminPath,
    body: adminBody,
    authorised: fc.oneof(
      { weight: 5, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
  })
  .map(
    ({ method, path, body, authorised }): FuzzInput => ({
      endpoint: 'admin',
      method,
      path,
      contentType: method === 'POST' ? 'application/json' : null,
      body: method === 'POST' ? body : null,
      signing: 'none',
      authorised,
    }),
  );

/** Every inbound endpoint and the admin API, weighted towards the CRM endpoints. */
export const fuzzInput: fc.Arbitrary<FuzzInput> = fc.oneof(
  { weight: 4, arbitrary: hubspotWebhook },
  { weight: 3, arbitrary: workflowAction },
  { weight: 3, arbitrary: salesforce },
  { weight: 1, arbitrary: oauthCallback },
  { weight: 3, arbitrary: admin },
);
