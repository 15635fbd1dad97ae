// Usage: node httpcost.tmp.mjs <port> <variant>: plain | hand | hand-rawbody | hand-full
import { createServer } from 'node:http';
import getRawBody from 'raw-body';
import { createLogger } from '../dist/log.js';
import { handRouted } from '../dist/server/hand-routed.js';
import { bodyGate, createHttpServer } from '../dist/server/limits.js';
import { requestTracker } from '../dist/server/request-id.js';
const [port, full] = process.argv.slice(2);
const [variant, ...opts] = full.split(':');
if (opts.includes('notrack')) process.env.NOTRACK = '1';
if (opts.includes('noadmit')) process.env.NOADMIT = '1';
const ACK = '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>';
const answerLater = (res) => setImmediate(() => res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(ACK));
const plain = (req, res) => {
  if (opts.includes('pnow')) performance.now();
  if (opts.includes('pdate')) Date.now();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => { if (req.url === '/healthz') return void res.end('ok'); Buffer.concat(chunks).toString('utf8'); answerLater(res); });
};
const handler = variant === 'hand' ? async (req, res) => plain(req, res) : async (req, res) => {
  const body = await getRawBody(req, { limit: 4e6, length: req.headers['content-length'] });
  body.toString('utf8');
  await new Promise((r) => setImmediate(r));
  res.statusCode = 200; res.setHeader('content-type', 'text/xml; charset=utf-8'); res.end(ACK);
};
const logger = createLogger({ level: 'warn', pretty: false });
const realTrack = requestTracker(logger, { secretPathPrefixes: ['/webhooks/salesforce'] });
import { randomUUID } from 'node:crypto';
const parts = opts;
const track = process.env.NOTRACK ? () => ({ id: 'x', log: logger }) : parts.some((o) => o.startsWith('t-')) ? (req, res) => {
  const id = parts.includes('t-uuid') ? randomUUID() : 'fixed-id';
  if (parts.includes('t-header')) res.setHeader('x-request-id', id);
  if (parts.includes('t-finish')) res.once('finish', () => { if (logger.isLevelEnabled('debug')) logger.debug('x'); });
  if (parts.includes('t-now')) performance.now();
  return { id, log: logger };
} : realTrack;
const realAdmit = bodyGate(128);
const admit = process.env.NOADMIT ? () => true : realAdmit;
const routes = [{ method: 'POST', path: '/webhooks/hubspot', handler }, { method: 'POST', path: '/webhooks/salesforce/:token', handler }];
const listener = variant === 'plain' ? plain : handRouted(routes, (req, res) => res.end('ok'), { track, admit });
const server = variant === 'hand-full' ? createHttpServer(listener, { bodyTimeoutMs: 10000, maxBodiesInFlight: 128 }) : createServer(listener);
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
