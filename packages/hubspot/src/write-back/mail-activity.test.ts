import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotClient } from '../client/client.js';
import { HookpostHubSpotError } from '../errors.js';
import { type FakeHubSpot, startFakeHubSpot } from '../testing/index.js';
import { performMailActivity, writeCorrectedAddress, writeMailActivity } from './mail-activity.js';

describe('writeMailActivity', () => {
  let hubspot: FakeHubSpot;
  beforeEach(async () => {
    hubspot = await startFakeHubSpot();
    hubspot.addRecord('contact', '101', { firstname: 'Erika', city: 'Koeln' });
  });
  afterEach(() => hubspot.close());

  it('creates one engagement, then updates it and the contact properties as the piece moves', async () => {
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    const first = await writeMailActivity(client, {
      contactId: '101',
      status: 'handed_off',
      body: 'handed off',
      occurredAt: new Date('2026-12-01T08:00:00Z'),
    });
    const second = await writeMailActivity(client, {
      contactId: '101',
      status: 'mailed',
      body: 'mailed, tracking DE1',
      occurredAt: new Date('2026-12-02T09:00:00Z'),
      trackingId: 'DE1',
      engagementId: first.engagementId,
    });
    expect(second.engagementId).toBe(first.engagementId);
    expect(hubspot.postalMails).toHaveLength(1);
    expect(hubspot.postalMails[0]?.properties).toMatchObject({
      hs_postal_mail_body: 'mailed, tracking DE1',
      hs_timestamp: '2026-12-02T09:00:00.000Z',
    });
    expect(hubspot.data.contacts.get('101')).toMatchObject({
      firstname: 'Erika',
      hookpost_last_mail_status: 'mailed',
      hookpost_last_mail_date: '2026-12-02',
      hookpost_last_mail_tracking_id: 'DE1',
    });
  });

  it('fails with the API error for an engagement that does not exist', async () => {
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    const write = writeMailActivity(client, {
      contactId: '101',
      status: 'mailed',
      body: 'x',
      occurredAt: new Date(),
      engagementId: '404404',
    });
    await expect(write).rejects.toBeInstanceOf(HookpostHubSpotError);
  });

  it('writes a corrected address to the default address properties', async () => {
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    await writeCorrectedAddress(client, '101', {
      line1: 'Heidestraße 19',
      postalCode: '51147',
      city: 'Köln',
      country: 'DE',
    });
    expect(hubspot.data.contacts.get('101')).toMatchObject({
      address: 'Heidestraße 19',
      zip: '51147',
      city: 'Köln',
      country: 'DE',
    });
  });

  it('performs a host write-back: creates the engagement, then updates the one named by activityId, with the corrected address', async () => {
    const client = createHubSpotClient({ accessToken: 't', baseUrl: hubspot.url });
    const request = {
      type: 'mail_activity' as const,
      platform: 'hubspot',
      objectType: 'contact',
      objectId: '101',
      triggerId: 'trg_1',
      campaignId: 'welcome',
      subject: 'Direct mail sent',
      body: 'handed off',
      occurredAt: Date.parse('2026-12-01T08:00:00Z'),
    };
    const first = await performMailActivity(client, request);
    expect(first.activityId).toBeTruthy();
    const second = await performMailActivity(client, {
      ...request,
      status: 'address_corrected',
      body: 'address corrected',
      activityId: first.activityId ?? null,
      correctedAddress: { line1: 'Ring 1', postalCode: '50667', city: 'Köln', country: 'DE' },
    });
    expect(second.activityId).toBe(first.activityId);
    expect(hubspot.postalMails).toHaveLength(1);
    expect(hubspot.postalMails[0]?.properties).toMatchObject({ hs_postal_mail_body: 'address corrected' });
    expect(hubspot.data.contacts.get('101')).toMatchObject({
      hookpost_last_mail_status: 'address_corrected',
      address: 'Ring 1',
      zip: '50667',
    });
    // Postal-mail engagements attach to contacts only: a company's piece is skipped.
    expect(await performMailActivity(client, { ...request, objectType: 'company' })).toEqual({});
    expect(hubspot.postalMails).toHaveLength(1);
  });
});
