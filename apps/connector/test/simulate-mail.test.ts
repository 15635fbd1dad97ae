import { verifyMailStatus } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import { buildMailStatusRequest } from '../src/cli/simulate-mail.js';
import { parseConfigText } from '../src/config/load.js';
import { TEST_SECRET } from './support/connector.js';

const STATUS_SECRET = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh';
const parsed = parseConfigText(
  `
server: { publicUrl: https://hooks.example.com }
workspaces:
  - id: acme
    destinations:
      printer: { type: log }
      mailer: { type: webhook, url: https://mail.example.com/t, secret: ${TEST_SECRET}, statusSecret: ${STATUS_SECRET}, cancelUrl: "https://mail.example.com/pieces/{id}/cancel" }
`,
  'test.yaml',
  {},
);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const config = parsed.value;

describe('buildMailStatusRequest (simulate mail)', () => {
  it('signs a mail.status report with the statusSecret for the first webhook destination', () => {
    const request = buildMailStatusRequest(config, { trigger: 'trg_1', status: 'mailed' });
    expect(request.path).toBe('/webhooks/mail/mailer');
    const verified = verifyMailStatus(request.body, request.headers, [STATUS_SECRET]);
    expect(verified).toMatchObject({
      ok: true,
      report: { triggerId: 'trg_1', status: 'mailed', carrier: 'deutsche_post' },
    });
    expect(verifyMailStatus(request.body, request.headers, [TEST_SECRET]).ok).toBe(false);
  });

  it('parses a corrected address and refuses what it cannot send', () => {
    const request = buildMailStatusRequest(config, {
      trigger: 'trg_1',
      status: 'address_corrected',
      address: 'Heidestraße 17, 51147 Köln, de',
    });
    expect(request.report.address).toEqual({
      line1: 'Heidestraße 17',
      postalCode: '51147',
      city: 'Köln',
      country: 'DE',
    });
    expect(() => buildMailStatusRequest(config, { trigger: 'trg_1', status: 'lost' })).toThrow(
      /--status must be one of/,
    );
    expect(() => buildMailStatusRequest(config, { status: 'mailed' })).toThrow(/--trigger/);
    expect(() => buildMailStatusRequest(config, { trigger: 't', status: 'address_corrected' })).toThrow(
      /--address/,
    );
    expect(() =>
      buildMailStatusRequest(config, { trigger: 't', status: 'mailed', destination: 'printer' }),
    ).toThrow(/no webhook destination "printer"/);
  });

  it('rejects a cancelUrl that is not an http(s) URL', () => {
    const bad = parseConfigText(
      `
server: { publicUrl: https://hooks.example.com }
workspaces:
  - id: acme
    destinations:
      mailer: { type: webhook, url: https://mail.example.com/t, secret: ${TEST_SECRET}, cancelUrl: "ftp://x/{id}" }
`,
      'test.yaml',
      {},
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(JSON.stringify(bad.issues)).toContain('cancelUrl');
  });
});
