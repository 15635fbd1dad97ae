import { createServer, type Server } from 'node:http';
import { text } from 'node:stream/consumers';
import {
  type CrmAdapter,
  type CrmReader,
  changedValues,
  crmEventSchema,
  fieldsNamedBy,
  isFlagSet,
  mergeFields,
  recordReader,
} from '@hookpost/core';

/**
 * "Paper CRM", a CRM the connector does not ship: a small real HTTP server holding people,
 * and a test-only adapter for it. Registering the adapter is all the connector needs.
 */
export interface PaperSettings {
  accountId: string;
  /** Shared secret Paper CRM sends in `x-paper-token`. */
  token: string;
  optOutField: string;
}

export interface FakePaperCrm {
  url: string;
  people: Map<string, Record<string, string | boolean>>;
  /** `fields` of every record read, in order: what the adapter asked for. */
  reads: string[][];
  activities: { personId: string; subject: string }[];
  close(): Promise<void>;
}

/** `GET /people/:id?fields=a,b` answers only the fields asked for; `POST /activities` records a note. */
export async function startFakePaperCrm(): Promise<FakePaperCrm> {
  const people = new Map<string, Record<string, string | boolean>>();
  const reads: string[][] = [];
  const activities: FakePaperCrm['activities'] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const person = /^\/people\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && person?.[1]) {
      const record = people.get(person[1]);
      const fields = (url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
      reads.push(fields);
      if (!record) return void res.writeHead(404).end();
      const body = Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    if (req.method === 'POST' && url.pathname === '/activities') {
      activities.push(JSON.parse(await text(req)));
      return void res.writeHead(201).end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    people,
    reads,
    activities,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const ADDRESS_FIELDS = ['first_name', 'last_name', 'street', 'zip', 'city', 'country_code'];

function paperReader(crmUrl: string): CrmReader {
  return {
    async fetchRecords(objectType, ids, fields) {
      const found = new Map();
      for (const id of ids) {
        const response = await fetch(
          `${crmUrl}/${objectType === 'person' ? 'people' : objectType}/${id}?fields=${fields.join(',')}`,
        );
        if (response.status === 404) continue;
        if (!response.ok) throw new Error(`Paper CRM answered ${response.status}`);
        found.set(id, await response.json());
      }
      return found;
    },
    fetchAssociations: async () => new Map(),
  };
}

/** The test-only adapter: one route, people as recipients, notes as write-back. */
export function createPaperAdapter(crmUrl: string): CrmAdapter<PaperSettings> {
  return {
    platform: 'paper',
    displayName: 'Paper CRM',
    routes: ({ workspaces, accept }) => [
      {
        method: 'POST',
        path: '/webhooks/paper',
        channel: 'paper_webhook',
        async handler(req, res) {
          const raw = await text(req);
          const workspace = workspaces.find((w) => w.settings.token === req.headers['x-paper-token']);
          if (!workspace) return void res.writeHead(401).end('unknown token');
          const { changes } = JSON.parse(raw) as {
            changes: { id: string; person: string; field: string; value: string }[];
          };
          const events = changes.map((c) =>
            crmEventSchema.parse({
              id: `evt_paper_${c.id}`,
              platform: 'paper',
              accountId: workspace.settings.accountId,
              externalId: c.id,
              objectType: 'person',
              objectId: c.person,
              kind: 'updated',
              changes: { [c.field]: { value: c.value } },
              occurredAt: new Date().toISOString(),
            }),
          );
          await accept({
            platform: 'paper',
            channel: 'webhook',
            accountId: workspace.settings.accountId,
            signatureVersion: null,
            body: raw,
            events,
          });
          res.writeHead(202).end();
        },
      },
    ],
    accountIdOf: (settings) => settings.accountId,
    accountKey: (accountId) => accountId,
    readerFor: () => paperReader(crmUrl),
    fieldsFor: (campaigns, settings) =>
      mergeFields({ person: ADDRESS_FIELDS }, fieldsNamedBy(campaigns).byObject, {
        person: [settings.optOutField],
      }),
    async resolve(event, _modes, { reader, fields }) {
      const read = await recordReader(reader, fields)('person', event.objectId);
      const person = { ...read, ...changedValues(event) };
      const value = (field: string) => (typeof person[field] === 'string' ? (person[field] as string) : null);
      const recipient = {
        crm: { platform: 'paper', objectType: 'person', objectId: event.objectId },
        firstName: value('first_name'),
        lastName: value('last_name'),
        company: null,
        address: {
          line1: value('street'),
          line2: null,
          postalCode: value('zip'),
          city: value('city'),
          region: null,
          country: value('country_code'),
        },
      };
      return { records: { person }, recipients: { contact: recipient, associated_contact: recipient } };
    },
    ownMode: () => 'contact',
    isOptedOut: (settings, enrichment) => isFlagSet(enrichment.records.person?.[settings.optOutField]),
    deletionIsPrivacyDeletion: () => false,
    survivorOf: (event) => event.objectId,
    writeBackEnabled: () => true,
    async performWriteBack(_workspace, request) {
      if (request.type !== 'mail_activity') throw new Error('Paper CRM has no workflows');
      const response = await fetch(`${crmUrl}/activities`, {
        method: 'POST',
        body: JSON.stringify({ personId: request.objectId, subject: request.subject }),
      });
      if (!response.ok) throw new Error(`Paper CRM answered ${response.status}`);
    },
  };
}
