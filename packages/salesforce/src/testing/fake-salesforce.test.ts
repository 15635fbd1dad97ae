import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSalesforce, startFakeSalesforce } from './fake-salesforce.js';

const TOKEN = '00Dxx0000001gPF!fake';

describe('startFakeSalesforce (the REST surface, without jsforce)', () => {
  let fake: FakeSalesforce;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${fake.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });

  beforeAll(async () => {
    fake = await startFakeSalesforce({
      apiLimit: 6,
      accessTokens: [TOKEN],
      records: { Contact: [{ Id: '003xx000004TmiQAAS', LastName: 'Doe', Email: null }] },
    });
  });
  afterAll(() => fake.close());

  it('answers 401 INVALID_SESSION_ID without a valid token, without counting usage', async () => {
    const response = await fetch(`${fake.url}/services/data/v62.0/query?q=x`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    expect(fake.stats.apiCalls).toBe(0);
  });

  it('serves GET collections with 15-character ids, null for missing records, and the usage header', async () => {
    const response = await call(
      '/services/data/v62.0/composite/sobjects/Contact?ids=003xx000004TmiQ,003xx000004TmiRAAS&fields=LastName,Email',
    );
    expect(response.headers.get('sforce-limit-info')).toBe('api-usage=1/6');
    expect(await response.json()).toEqual([
      {
        attributes: { type: 'Contact', url: '/sobjects/Contact/003xx000004TmiQAAS' },
        LastName: 'Doe',
        Email: null,
      },
      null,
    ]);
  });

  it('refuses more than 200 ids, an unsupported SOQL shape and unknown paths like Salesforce', async () => {
    const ids = Array.from({ length: 201 }, () => '003xx000004TmiQAAS');
    const tooMany = await call('/services/data/v62.0/composite/sobjects/Contact', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids, fields: ['Id'] }),
    });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { errorCode: string }[])[0]?.errorCode).toBe('EXCEEDED_ID_LIMIT');
    const soql = await call(`/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`);
    expect(((await soql.json()) as { errorCode: string }[])[0]?.errorCode).toBe('MALFORMED_QUERY');
    expect((await call('/services/data/v62.0/sobjects/Account/listviews')).status).toBe(404);
  });

  it('refuses a Task with a WhatId for a Lead', async () => {
    const response = await call('/services/data/v62.0/sobjects/Task', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ WhoId: '00Qxx0000001abcAAA', WhatId: '006xx000001a2b3AAA', Subject: 'x' }),
    });
    expect(response.status).toBe(400);
    expect(fake.tasks).toHaveLength(0);
  });

  it('fails with 403 REQUEST_LIMIT_EXCEEDED past the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call('/services/data/v62.0/query?q=x')).status);
    // calls 6, 7 and 8 of a limit of 6: the 6th is still answered (400, bad query)
    expect(fake.stats.apiCalls).toBe(8);
    expect(statuses).toEqual([400, 403, 403]);
  });

  it('refuses a token request without a JWT bearer grant or without a public key', async () => {
    const post = (body: string) =>
      fetch(`${fake.url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    expect(await (await post('grant_type=password&username=a&password=b')).json()).toMatchObject({
      error: 'unsupported_grant_type',
    });
    expect(
      await (
        await post('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c')
      ).json(),
    ).toMatchObject({
      error: 'invalid_grant',
    });
  });
});
