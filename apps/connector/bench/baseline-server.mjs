// The benchmark's baseline: the least a correct HubSpot/Salesforce receiver must do.
// node:http, HubSpot v3 signature check, JSON parse, and one better-sqlite3 transaction
// per request (same WAL + synchronous=FULL durability as the connector), then 204/Ack.
// Usage: node baseline-server.mjs <port> <sqlite-file> <hubspot-secret> <public-url> <sf-token>
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const [port, file, secret, publicUrl, sfToken] = process.argv.slice(2);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS events (
  portal TEXT, external_id TEXT, type TEXT, object_id TEXT, body TEXT, PRIMARY KEY (portal, external_id));
  CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, body TEXT)`);
const insert = db.prepare('INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?)');
const insertMessage = db.prepare('INSERT INTO messages (body) VALUES (?)');
const storeBatch = db.transaction((events) => {
  for (const e of events) {
    const key = `${e.subscriptionId}:${e.objectId}:${e.eventId}:${e.occurredAt}:${e.propertyName ?? ''}`;
    insert.run(String(e.portalId), key, e.subscriptionType, String(e.objectId), JSON.stringify(e));
  }
});
const ACK =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>';

createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/webhooks/hubspot') {
      const timestamp = req.headers['x-hubspot-request-timestamp'];
      const expected = createHmac('sha256', secret)
        .update(`POST${publicUrl}${req.url}${body}${timestamp}`)
        .digest();
      const given = Buffer.from(String(req.headers['x-hubspot-signature-v3'] ?? ''), 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401).end();
        return;
      }
      storeBatch(JSON.parse(body.toString('utf8')));
      res.writeHead(204).end();
      return;
    }
    if (req.url === `/webhooks/salesforce/${sfToken}`) {
      insertMessage.run(body.toString('utf8'));
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(ACK);
      return;
    }
    res.writeHead(404).end();
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
