// The benchmark's upper baseline: the least a correct receiver must do, with group commit.
// node:http; HubSpot: v3 signature check over the raw body, JSON parse; Salesforce: token
// check, XML parse with fast-xml-parser (validated, the same hardened options as the
// connector), OrganizationId check. Both store the rows the connector stores — one raw
// delivery (the body) and one event row per event, with the same columns, indexes, id
// (SHA-256 of the de-duplication key) and payload JSON — in ONE better-sqlite3 transaction
// for all requests that arrived in the same turn of the event loop (WAL, synchronous=FULL:
// each request is answered only after the commit that holds it).
// Usage: node baseline-group-commit.mjs <port> <sqlite-file> <hubspot-secret> <public-url> <sf-token> <org-id>
import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const [port, file, secret, publicUrl, sfToken, orgId] = process.argv.slice(2);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('wal_autocheckpoint = 8000');
// The connector's two ingest tables and their indexes (migrations 0001 and 0006).
db.exec(`
CREATE TABLE IF NOT EXISTS raw_deliveries (id text primary key, platform text not null, channel text not null,
  account_id text, received_at bigint not null, signature_version text, event_count integer not null, body text not null);
CREATE INDEX IF NOT EXISTS raw_deliveries_received ON raw_deliveries (received_at);
CREATE TABLE IF NOT EXISTS events (id text primary key, platform text not null, account_id text not null,
  external_id text not null, workspace_id text, channel text not null, object_type text not null,
  object_id text not null, kind text not null, occurred_at bigint not null, received_at bigint not null,
  raw_delivery_id text not null, payload text not null, status text not null, reason text,
  attempts integer not null default 0, lease_owner text, lease_until bigint not null default 0, processed_at bigint);
CREATE INDEX IF NOT EXISTS events_work ON events (status, received_at);
CREATE INDEX IF NOT EXISTS events_object ON events (object_id);
CREATE INDEX IF NOT EXISTS events_received ON events (received_at, id);`);
const insertRaw = db.prepare('INSERT INTO raw_deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
const insertEvent = db.prepare(
  `INSERT INTO events VALUES (?, ?, ?, ?, 'bench', ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, 0, NULL, 0, NULL)
   ON CONFLICT DO NOTHING`,
);
const eventId = (platform, account, external) =>
  `evt_${hash('sha256', `${platform}\n${account}\n${external}`, 'base64url').slice(0, 22)}`;
const rawId = () => `raw_${Date.now().toString(36)}${randomBytes(10).toString('base64url')}`;

// One delivery: [platform, channel, account, signatureVersion, body, events[]], each event
// [id, external_id, object_type, object_id, kind, occurred_at, payload].
const store = db.transaction((deliveries, now) => {
  for (const [platform, channel, account, version, body, events] of deliveries) {
    const id = rawId();
    insertRaw.run(id, platform, channel, account, now, version, events.length, body);
    for (const e of events)
      insertEvent.run(e[0], platform, account, e[1], channel, e[2], e[3], e[4], e[5], now, id, e[6]);
  }
});

let queue = [];
function enqueue(delivery, answer) {
  queue.push([delivery, answer]);
  if (queue.length === 1) setImmediate(flush);
}
function flush() {
  const batch = queue;
  queue = [];
  store(
    batch.map((b) => b[0]),
    Date.now(),
  );
  for (const [, answer] of batch) answer();
}

function hubspot(req, res, body) {
  const timestamp = String(req.headers['x-hubspot-request-timestamp'] ?? '');
  const expected = createHmac('sha256', secret)
    .update(`POST${publicUrl}${req.url}${body}${timestamp}`)
    .digest();
  const given = Buffer.from(String(req.headers['x-hubspot-signature-v3'] ?? ''), 'base64');
  if (
    given.length !== expected.length ||
    !timingSafeEqual(given, expected) ||
    Math.abs(Date.now() - Number(timestamp)) > 300_000
  )
    return void res.writeHead(401).end();
  const text = body.toString('utf8');
  const items = JSON.parse(text);
  const account = String(items[0]?.portalId ?? '');
  const events = items.map((e) => {
    const [object, action] = e.subscriptionType.split('.');
    const objectId = String(e.objectId);
    const external = `${e.portalId}:${e.subscriptionId}:${objectId}:${e.eventId}:${e.occurredAt}:${e.propertyName ?? ''}`;
    const { portalId, objectId: _o, occurredAt, propertyValue, subscriptionType, ...rest } = e;
    const changes =
      action === 'propertyChange' ? { [e.propertyName]: { value: propertyValue ?? null } } : undefined;
    const payload = JSON.stringify({ changes, source: { channel: 'webhook', subscriptionType, ...rest } });
    return [
      eventId('hubspot', account, external),
      external,
      object,
      objectId,
      'updated',
      occurredAt,
      payload,
    ];
  });
  enqueue(['hubspot', 'webhook', account, 'v3', text, events], () => res.writeHead(204).end());
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  isArray: (tag) => tag === 'Notification',
});
const ACK =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>';

function salesforce(res, body) {
  const text = body.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text) || XMLValidator.validate(text) !== true)
    return void res.writeHead(400).end();
  const n = parser.parse(text).Envelope?.Body?.notifications;
  if (!n || n.OrganizationId !== orgId) return void res.writeHead(401).end();
  const events = (n.Notification ?? []).map((note) => {
    const { '@_type': type = '', ...fields } = note.sObject ?? {};
    const payload = JSON.stringify({
      properties: fields,
      source: { channel: 'outbound_message', actionId: n.ActionId, notificationId: note.Id },
    });
    const occurred = Date.parse(fields.LastModifiedDate ?? '') || Date.now();
    const objectType = type.slice(type.indexOf(':') + 1).toLowerCase();
    return [
      eventId('salesforce', orgId, note.Id),
      note.Id,
      objectType,
      fields.Id ?? '',
      'updated',
      occurred,
      payload,
    ];
  });
  enqueue(['salesforce', 'outbound_message', orgId, null, text, events], () =>
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(ACK),
  );
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/healthz') return void res.writeHead(200).end('ok');
    if (req.url === '/webhooks/hubspot') return hubspot(req, res, body);
    if (req.url === `/webhooks/salesforce/${sfToken}`) return salesforce(res, body);
    res.writeHead(404).end();
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
// Exit cleanly (a `--cpu-prof` profile is written on exit).
process.on('SIGTERM', () => {
  db.close();
  process.exit(0);
});
