import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import type { HookpostSalesforceError } from '../errors.js';
import { buildAck } from './ack.js';
import { buildOutboundMessage } from './build.js';
import { createOutboundMessageMiddleware, type OutboundMessageContext } from './middleware.js';
import { createTokenResolver } from './token.js';
import type { OutboundMessage } from './types.js';

const ACK = buildAck(true);
const ORG_18 = '00Dxx0000001gPFEAY';
const message = (organizationId: string, count = 1) =>
  buildOutboundMessage({
    organizationId,
    actionId: '04kxx00000000blAAA',
    notifications: Array.from({ length: count }, (_, i) => ({
      id: `04lxx0000${String(i).padStart(5, '0')}AAK`,
      objectType: 'Contact',
      fields: { Id: '003xx000004TmiQAAS', LastName: 'Mustermann', MailingPostalCode: '01067' },
    })),
  });

function setup() {
  const stored: { message: OutboundMessage; context: OutboundMessageContext }[] = [];
  const refused: HookpostSalesforceError[] = [];
  let failStore = false;
  const middleware = createOutboundMessageMiddleware({
    resolveToken: createTokenResolver([
      { workspaceId: 'globex', organizationId: ORG_18, endpointToken: 'tok_globex' },
      { workspaceId: 'acme', organizationId: '00D5e000000KQ2e', endpointToken: 'tok_acme' },
    ]),
    onNotifications: async (msg, context) => {
      if (failStore) throw new Error('database is locked');
      stored.push({ message: msg, context });
    },
    onError: (error) => refused.push(error),
  });
  const app = express();
  app.post('/webhooks/salesforce/:token', middleware);
  return { app, stored, refused, failStore: (value: boolean) => (failStore = value) };
}

describe('createOutboundMessageMiddleware over Express', () => {
  const { app, stored, refused, failStore } = setup();
  const post = (token: string, body: string | Buffer, type = 'text/xml; charset=utf-8') =>
    request(app).post(`/webhooks/salesforce/${token}`).set('content-type', type).send(body);

  it('stores then answers 200 with the exact Ack envelope', async () => {
    const response = await post('tok_globex', fixture('two-accounts-nil.xml'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(response.text).toBe(ACK);
    const last = stored.at(-1)!;
    expect(last.context.workspaceId).toBe('globex');
    expect(last.context.rawBody.toString('utf8')).toBe(fixture('two-accounts-nil.xml'));
    expect(last.message.notifications[1]?.fields.Name).toBeNull();
  });

  it('accepts application/soap+xml', async () => {
    expect((await post('tok_globex', message(ORG_18), 'application/soap+xml')).text).toBe(ACK);
  });

  it('accepts a 15-character OrganizationId for the 18-character workspace org, and the reverse', async () => {
    expect((await post('tok_globex', message('00Dxx0000001gPF'))).status).toBe(200);
    const response = await post('tok_acme', message('00D5e000000KQ2eEAG'));
    expect(response.status).toBe(200);
    expect(stored.at(-1)?.context.organizationId).toBe('00D5e000000KQ2eEAG');
  });

  const doctype = (dtd: string) => fixture('contact.xml').replace('?>', `?>${dtd}`);
  const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
  ).join('')}]>`;

  it.each<[string, string, string | Buffer, string, number, string]>([
    [
      'XXE',
      'tok_globex',
      doctype('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
      'text/xml',
      400,
      'DOCTYPE',
    ],
    ['billion laughs', 'tok_globex', doctype(laughs), 'text/xml', 400, 'DOCTYPE'],
    ['a 5 MB body', 'tok_globex', Buffer.alloc(5_000_000, 'a'), 'text/xml', 413, 'larger than 4194304 bytes'],
    [
      '60 000 attributes on one element (under 1 MB)',
      'tok_globex',
      message(ORG_18).replace(
        '<sf:LastName>',
        `<sf:LastName ${Array.from({ length: 60_000 }, (_, i) => `a${i}="1"`).join(' ')}>`,
      ),
      'text/xml',
      400,
      'more than 32 attributes',
    ],
    ['101 notifications', 'tok_globex', message(ORG_18, 101), 'text/xml', 400, 'at most 100'],
    [
      'a missing OrganizationId',
      'tok_globex',
      message(ORG_18).replace(/<OrganizationId>.*<\/OrganizationId>/, ''),
      'text/xml',
      400,
      'no OrganizationId',
    ],
    [
      'a JSON body as JSON',
      'tok_globex',
      '{"a":1}',
      'application/json',
      415,
      'Content-Type application/json',
    ],
    ['a JSON body as XML', 'tok_globex', '[{"a":1}]', 'text/xml', 400, 'body is JSON'],
    ['an empty body', 'tok_globex', '', 'text/xml', 400, 'body is empty'],
    ['truncated XML', 'tok_globex', message(ORG_18).slice(0, 700), 'text/xml', 400, 'not well-formed'],
    ['an unknown token', 'tok_nobody', message(ORG_18), 'text/xml', 401, 'not authorised'],
    ['the wrong org', 'tok_acme', message(ORG_18), 'text/xml', 401, 'not authorised'],
    ['a malformed body with a wrong token', 'tok_nobody', '<not xml', 'text/xml', 401, 'not authorised'],
  ])('refuses %s', async (_name, token, body, type, status, text) => {
    const before = stored.length;
    const response = await post(token, body, type);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(response.text).toContain('<soapenv:Fault><faultcode>soapenv:Client</faultcode>');
    expect(response.text).toContain(text);
    expect(response.text).not.toContain('<Ack>');
    expect(stored.length).toBe(before);
  });

  it('never echoes the token in a refusal', async () => {
    const response = await post('tok_secret_guess', message(ORG_18));
    expect(response.text).not.toContain('tok_secret_guess');
    expect(refused.at(-1)?.code).toBe('unknown_token');
  });

  it('gives one 401 answer for an unknown token and an org mismatch; the reason goes only to onError', async () => {
    const unknown = await post('tok_nobody', message(ORG_18));
    const mismatch = await post('tok_acme', message(ORG_18));
    expect(unknown.text).toBe(mismatch.text);
    expect(refused.slice(-2).map((e) => e.code)).toEqual(['unknown_token', 'organization_mismatch']);
  });

  it('accepts the org id of the workspace in any letter case of its 18-character form', async () => {
    const response = await post('tok_globex', message(ORG_18.toUpperCase()));
    expect(response.text).toBe(ACK);
  });

  it('accepts a 100-notification message of realistic size (~1.3 MB) under the default limit', async () => {
    const longText = 'Ausführliche Notiz zum Kontakt. '.repeat(400); // ~13 kB of long text area
    const big = buildOutboundMessage({
      organizationId: ORG_18,
      actionId: '04kxx00000000blAAA',
      notifications: Array.from({ length: 100 }, (_, i) => ({
        id: `04lxx0000${String(i).padStart(5, '0')}AAK`,
        objectType: 'Contact',
        fields: { Id: '003xx000004TmiQAAS', LastName: 'Mustermann', Description: longText },
      })),
    });
    expect(Buffer.byteLength(big)).toBeGreaterThan(1_300_000);
    const response = await post('tok_globex', big);
    expect(response.text).toBe(ACK);
    expect(stored.at(-1)?.message.notifications).toHaveLength(100);
  });

  it('stores the raw body with the SessionId redacted', async () => {
    const withSession = buildOutboundMessage({
      organizationId: ORG_18,
      actionId: '04kxx00000000blAAA',
      sessionId: '00Dxx0000001gPF!AQ0AQLiveSessionToken',
      notifications: [
        { id: '04lxx0000000001AAK', objectType: 'Contact', fields: { Id: '003xx000004TmiQAAS' } },
      ],
    });
    expect((await post('tok_globex', withSession)).text).toBe(ACK);
    const raw = stored.at(-1)?.context.rawBody.toString('utf8') ?? '';
    expect(raw).not.toContain('LiveSessionToken');
    expect(raw).toContain('<SessionId>[redacted]</SessionId>');
    // The text handed over beside it is the same redacted body, decoded.
    expect(stored.at(-1)?.context.rawText).toBe(raw);
  });

  it('acknowledges a message with an unreadable Notification and hands it over as failed', async () => {
    const body = message(ORG_18, 2).replace('<Id>04lxx000000001AAK</Id>', '');
    expect((await post('tok_globex', body)).text).toBe(ACK);
    const last = stored.at(-1)?.message;
    expect(last?.notifications.map((n) => n.id)).toEqual(['04lxx000000000AAK']);
    expect(last?.failedNotifications).toEqual([
      expect.objectContaining({ index: 1, reason: 'malformed', error: 'Notification 2 has no Id' }),
    ]);
    expect(last?.failedNotifications[0]?.rawXml).toMatch(/^<Notification>[\s\S]*<\/Notification>$/);
  });

  it('answers 503 when onNotifications fails, so Salesforce retries', async () => {
    failStore(true);
    const response = await post('tok_globex', message(ORG_18));
    failStore(false);
    expect(response.status).toBe(503);
    expect(response.text).toContain('<faultcode>soapenv:Server</faultcode>');
    expect(response.text).not.toContain('database is locked');
    expect(refused.at(-1)?.code).toBe('store_failed');
  });

  it('stays healthy: a normal delivery succeeds after all of the above', async () => {
    const before = stored.length;
    const response = await post('tok_globex', fixture('two-accounts-nil.xml'));
    expect(response.text).toBe(ACK);
    expect(stored.length).toBe(before + 1);
  });
});

describe('createOutboundMessageMiddleware with a body Express already read', () => {
  it('uses req.body from express.text()', async () => {
    const { stored } = setup();
    const app = express();
    const middleware = createOutboundMessageMiddleware({
      resolveToken: createTokenResolver([
        { workspaceId: 'globex', organizationId: ORG_18, endpointToken: 't' },
      ]),
      onNotifications: (msg) => void stored.push({ message: msg, context: {} as OutboundMessageContext }),
    });
    app.post('/sf/:token', express.text({ type: 'text/xml' }), middleware);
    const response = await request(app).post('/sf/t').set('content-type', 'text/xml').send(message(ORG_18));
    expect(response.text).toBe(ACK);
    expect(stored).toHaveLength(1);
  });
});

describe('createOutboundMessageMiddleware behind a body parser that consumed the stream', () => {
  it('passes a clear error to next() instead of hanging', async () => {
    const errors: unknown[] = [];
    const app = express();
    app.use(express.urlencoded({ type: '*/*', extended: false }));
    app.post(
      '/sf/:token',
      createOutboundMessageMiddleware({
        resolveToken: createTokenResolver([
          { workspaceId: 'globex', organizationId: ORG_18, endpointToken: 't' },
        ]),
        onNotifications: () => {},
      }),
    );
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(error);
      res.status(500).end();
    });
    const response = await request(app).post('/sf/t').set('content-type', 'text/xml').send(message(ORG_18));
    expect(response.status).toBe(500);
    expect(String(errors[0])).toContain('already consumed by another body parser');
  });
});

describe('createOutboundMessageMiddleware over node:http', () => {
  let url = '';
  const { app: _unused, ...state } = setup();
  const server = createServer((req, res) => {
    void createOutboundMessageMiddleware({
      resolveToken: createTokenResolver([
        { workspaceId: 'globex', organizationId: ORG_18, endpointToken: 'tok_http' },
      ]),
      onNotifications: (msg, context) => void state.stored.push({ message: msg, context }),
      maxBodyBytes: 64_000,
    })(req, res);
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the token from the URL path (query ignored)', async () => {
    const response = await request(url)
      .post('/hooks/tok_http?x=1')
      .set('content-type', 'text/xml')
      .send(message(ORG_18));
    expect(response.text).toBe(ACK);
    expect(state.stored.at(-1)?.context.workspaceId).toBe('globex');
  });

  it('answers 401, not 500, for a malformed %-escape in the token', async () => {
    const response = await request(url)
      .post('/hooks/%E0%A4%A')
      .set('content-type', 'text/xml')
      .send(message(ORG_18));
    expect(response.status).toBe(401);
  });

  it('stops a chunked body without Content-Length at the limit with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/hooks/tok_http`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(16_000, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 40) {
          sent += 1;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    const after = await request(url)
      .post('/hooks/tok_http')
      .set('content-type', 'text/xml')
      .send(message(ORG_18));
    expect(after.status).toBe(200);
  });
});
