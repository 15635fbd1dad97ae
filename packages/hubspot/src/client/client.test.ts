import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HookpostHubSpotError } from '../errors.js';
import { type FakeHubSpot, startFakeHubSpot } from '../testing/index.js';
import { createHubSpotClient } from './client.js';

let hubspot: FakeHubSpot;
afterEach(() => hubspot.close());

describe('fetchRecords against the fake HubSpot', () => {
  beforeEach(async () => {
    hubspot = await startFakeHubSpot({ latencyMs: 5 });
    for (let id = 1; id <= 5_000; id += 1)
      hubspot.addRecord('contact', String(id), { firstname: `First ${id}`, city: 'Köln' });
  });

  it('coalesces 5,000 concurrent single-id calls plus one call for all into ≤ 55 batch reads', async () => {
    const client = createHubSpotClient({ accessToken: 'token-acme', baseUrl: hubspot.url });
    const ids = Array.from({ length: 5_000 }, (_, index) => String(index + 1));
    const started = Date.now();
    const [singles, all] = await Promise.all([
      Promise.all(ids.map((id) => client.fetchRecords('contact', [id], ['firstname', 'city']))),
      client.fetchRecords('contact', ids, ['city', 'firstname']),
    ]);
    const elapsedMs = Date.now() - started;
    expect(singles.every((map, index) => map.get(ids[index]!)?.firstname === `First ${index + 1}`)).toBe(
      true,
    );
    expect(all.size).toBe(5_000);
    expect(all.get('4321')).toMatchObject({ firstname: 'First 4321', city: 'Köln' });
    expect(hubspot.stats.batchReads).toBeLessThanOrEqual(55);
    expect(hubspot.stats.rateLimited).toBeLessThanOrEqual(3);
    console.info(
      `5,001 fetchRecords calls → ${hubspot.stats.batchReads} batch reads, ${hubspot.stats.calls} HTTP calls, ${hubspot.stats.rateLimited} × 429, ${elapsedMs} ms`,
    );
  });

  it('leaves missing ids out of the map and reads fresh data once a batch settled', async () => {
    const client = createHubSpotClient({ accessToken: 'token-acme', baseUrl: hubspot.url });
    const found = await client.fetchRecords('contact', ['1', '999999', '1'], ['firstname']);
    expect([...found.keys()]).toEqual(['1']);
    hubspot.addRecord('contact', '1', { firstname: 'Renamed' });
    expect((await client.fetchRecords('contact', ['1'], ['firstname'])).get('1')?.firstname).toBe('Renamed');
    expect(hubspot.stats.batchReads).toBe(2);
  });
});

describe('rate limiting', () => {
  it('keeps under the rolling window across many batches (limiter, not 429s, does the pacing)', async () => {
    hubspot = await startFakeHubSpot({ rateLimit: { max: 20, intervalMs: 1_000 } });
    for (let id = 1; id <= 6_000; id += 1) hubspot.addRecord('deal', String(id), { dealname: `Deal ${id}` });
    const client = createHubSpotClient({
      accessToken: 'token-b',
      baseUrl: hubspot.url,
      rateLimit: { max: 20, intervalMs: 1_000 },
    });
    const ids = Array.from({ length: 6_000 }, (_, index) => String(index + 1));
    const started = Date.now();
    const result = await client.fetchRecords('deal', ids, ['dealname']);
    const elapsedMs = Date.now() - started;
    expect(result.size).toBe(6_000);
    expect(hubspot.stats.batchReads).toBe(60);
    // Full batches: 6,000 ids in 60 reads of 100.
    expect(hubspot.stats.recordsRead).toBe(6_000);
    expect(hubspot.stats.rateLimited).toBeLessThanOrEqual(3);
    // 60 requests at 20 per second need at least two full windows.
    expect(elapsedMs).toBeGreaterThanOrEqual(2_000);
    console.info(`60 batch reads at 20/s: ${elapsedMs} ms, ${hubspot.stats.rateLimited} × 429`);
  });

  it('ids asked for while the window is spent join one batch instead of many small ones', async () => {
    hubspot = await startFakeHubSpot({ rateLimit: { max: 2, intervalMs: 1_000 } });
    for (let id = 1; id <= 200; id += 1) hubspot.addRecord('contact', String(id), { firstname: `F${id}` });
    const client = createHubSpotClient({
      accessToken: 'token-d',
      baseUrl: hubspot.url,
      rateLimit: { max: 2, intervalMs: 1_000 },
    });
    // Two reads spend the window.
    await client.fetchRecords('contact', ['1'], ['firstname']);
    await client.fetchRecords('contact', ['2'], ['firstname']);
    // Then 90 ids arrive in three waves, each far apart from the batching window (5 ms).
    const waves: Promise<Map<string, unknown>>[] = [];
    for (let wave = 0; wave < 3; wave += 1) {
      const ids = Array.from({ length: 30 }, (_, k) => String(10 + wave * 30 + k));
      waves.push(client.fetchRecords('contact', ids, ['firstname']));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const results = await Promise.all(waves);
    expect(results.every((found) => found.size === 30)).toBe(true);
    // One batch of 90 once the window allowed a request, not three of 30.
    expect(hubspot.stats.batchReads).toBe(3);
    expect(hubspot.stats.recordsRead).toBe(92);
  });

  it('recovers from the real window 429s when the client is configured above the limit', async () => {
    hubspot = await startFakeHubSpot({ rateLimit: { max: 20, intervalMs: 1_000 } });
    for (let id = 1; id <= 3_000; id += 1) hubspot.addRecord('deal', String(id), { dealname: `Deal ${id}` });
    const client = createHubSpotClient({
      accessToken: 'token-c',
      baseUrl: hubspot.url,
      rateLimit: { max: 1_000, intervalMs: 1_000 },
    });
    const ids = Array.from({ length: 3_000 }, (_, index) => String(index + 1));
    const result = await client.fetchRecords('deal', ids, ['dealname']);
    expect(result.size).toBe(3_000);
    expect(hubspot.stats.rateLimited).toBeGreaterThan(0);
    expect(hubspot.stats.batchReads).toBe(30);
  });

  it('obeys Retry-After on forced 429s and recovers', async () => {
    hubspot = await startFakeHubSpot();
    hubspot.addRecord('contact', '7', { firstname: 'Erika' });
    hubspot.failNext(2, 429);
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url, retryBaseMs: 10 });
    const started = Date.now();
    const found = await client.fetchRecords('contact', ['7'], ['firstname']);
    expect(found.get('7')?.firstname).toBe('Erika');
    // Retry-After: 1 second, twice.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(hubspot.stats.forcedFailures).toBe(2);
    expect(hubspot.stats.calls).toBe(3);
  });

  it('does not retry the DAILY policy', async () => {
    hubspot = await startFakeHubSpot();
    hubspot.failNext(1, 429, 'DAILY');
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    const error = (await client
      .fetchRecords('contact', ['7'], ['firstname'])
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(error.message).toContain('(DAILY)');
    expect(hubspot.stats.calls).toBe(1);
  });

  it('retries 5xx with back-off and gives up with a typed error after maxRetries', async () => {
    hubspot = await startFakeHubSpot();
    hubspot.addRecord('contact', '7', { firstname: 'Erika' });
    hubspot.failNext(3, 502);
    const client = createHubSpotClient({
      accessToken: 't',
      baseUrl: hubspot.url,
      retryBaseMs: 10,
      maxRetries: 4,
    });
    expect((await client.fetchRecords('contact', ['7'], ['firstname'])).get('7')?.firstname).toBe('Erika');
    expect(hubspot.stats.calls).toBe(4);

    hubspot.failNext(3, 500);
    const impatient = createHubSpotClient({
      accessToken: 't',
      baseUrl: hubspot.url,
      retryBaseMs: 10,
      maxRetries: 1,
    });
    const error = await impatient
      .fetchRecords('contact', ['7'], ['firstname'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HookpostHubSpotError);
    expect(error).toMatchObject({ code: 'api_error', status: 500 });
  });

  it('does not retry a 401 and never puts the token in the message', async () => {
    hubspot = await startFakeHubSpot();
    const client = createHubSpotClient({ accessToken: 'super-secret-token', baseUrl: `${hubspot.url}/` });
    hubspot.failNext(1, 401);
    const error = (await client
      .fetchRecords('contact', ['1'], ['email'])
      .catch((caught: unknown) => caught)) as HookpostHubSpotError;
    expect(error).toMatchObject({ code: 'api_error', status: 401 });
    expect(error.message).not.toContain('super-secret-token');
    expect(hubspot.stats.calls).toBe(1);
  });

  it('retries network errors', async () => {
    hubspot = await startFakeHubSpot();
    const deadUrl = hubspot.url;
    await hubspot.close();
    const client = createHubSpotClient({ accessToken: 't', baseUrl: deadUrl, retryBaseMs: 5, maxRetries: 2 });
    await expect(client.fetchRecords('contact', ['1'], ['email'])).rejects.toMatchObject({
      code: 'network_error',
    });
    hubspot = await startFakeHubSpot();
  });
});

describe('merged records', () => {
  beforeEach(async () => {
    hubspot = await startFakeHubSpot();
  });

  it('maps a batch answer under the survivor id back to the merged id that was requested', async () => {
    hubspot.addRecord('contact', '62241', { email: 'old@example.de', firstname: 'Old' });
    hubspot.addRecord('contact', '84805801', { email: 'erika@example.de', firstname: 'Erika' });
    hubspot.mergeRecords('contact', '62241', '84805801');
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    const found = await client.fetchRecords('contact', ['62241', '404'], ['firstname']);
    expect([...found.keys()]).toEqual(['62241']);
    expect(found.get('62241')).toMatchObject({ firstname: 'Erika', hs_object_id: '84805801' });
    expect(found.get('62241')).not.toHaveProperty('hs_merged_object_ids');
    const both = await client.fetchRecords('contact', ['62241', '84805801'], ['hs_merged_object_ids']);
    expect(both.get('84805801')?.hs_merged_object_ids).toBe('62241');
    expect(both.get('62241')).toEqual(both.get('84805801'));
  });
});

describe('associations, postal mail and callbacks', () => {
  beforeEach(async () => {
    hubspot = await startFakeHubSpot();
  });

  it('reads associations in coalesced batches, with an empty list for ids without any', async () => {
    hubspot.associate('deal', '10', 'contact', '1');
    hubspot.associate('deal', '10', 'contact', '2');
    hubspot.associate('deal', '11', 'contact', '3');
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    const [a, b] = await Promise.all([
      client.fetchAssociations('deal', 'contact', ['10', '12']),
      client.fetchAssociations('deal', 'contact', ['11']),
    ]);
    expect(a.get('10')?.sort()).toEqual(['1', '2']);
    expect(a.get('12')).toEqual([]);
    expect(b.get('11')).toEqual(['3']);
    expect(hubspot.stats.associationReads).toBe(1);
    expect((await client.fetchAssociations('contact', 'deal', ['1'])).get('1')).toEqual(['10']);
  });

  it('marks a link primary when its v4 association label says so, in both directions', async () => {
    hubspot.associate('deal', '20', 'contact', '5');
    hubspot.associate('deal', '20', 'contact', '6', 'Primary contact');
    hubspot.associate('deal', '20', 'contact', '7', 'Decision maker');
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    const links = (await client.fetchAssociationLinks('deal', 'contact', ['20'])).get('20') ?? [];
    expect(links.filter((l) => l.primary).map((l) => l.id)).toEqual(['6']);
    expect(links.map((l) => l.id).sort()).toEqual(['5', '6', '7']);
    expect((await client.fetchAssociationLinks('contact', 'deal', ['6'])).get('6')).toEqual([
      { id: '20', primary: true },
    ]);
  });

  it('records a postal_mail engagement associated to the contact', async () => {
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    const { id } = await client.recordPostalMail('123', {
      body: 'Welcome pack sent',
      timestamp: '2026-11-27T10:00:00Z',
    });
    expect(hubspot.postalMails).toEqual([
      {
        id,
        properties: { hs_timestamp: '2026-11-27T10:00:00.000Z', hs_postal_mail_body: 'Welcome pack sent' },
        associations: [
          { to: { id: '123' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 453 }] },
        ],
      },
    ]);
  });

  it('completes a workflow callback', async () => {
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    await client.completeCallback('ap-102670506-56776413549-7-0', { hs_execution_state: 'SUCCESS' });
    expect(hubspot.completedCallbacks).toEqual([
      { callbackId: 'ap-102670506-56776413549-7-0', outputFields: { hs_execution_state: 'SUCCESS' } },
    ]);
  });

  it('answers 401 without a bearer token (fake behaves like HubSpot)', async () => {
    const response = await fetch(`${hubspot.url}/crm/v3/objects/contacts/batch/read`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
  });

  it('refuses to start without a token source', () => {
    expect(() => createHubSpotClient({})).toThrow(/accessToken or getAccessToken/);
  });
});
