import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnectedApp } from '../testing/connected-app.js';
import { type FakeSalesforce, startFakeSalesforce } from '../testing/index.js';
import { performMailActivity, writeCorrectedAddress, writeMailActivity } from './mail-activity.js';

const { publicKey, clientOf } = testConnectedApp();
const CONTACT = '003xx000004TmiQAAS';
const LEAD = '00Qxx000001abcdEAA';

describe('writeMailActivity against the fake Salesforce (real HTTP through jsforce)', () => {
  let fake: FakeSalesforce;
  const client = () => clientOf(fake);
  beforeAll(async () => {
    fake = await startFakeSalesforce({
      publicKey,
      records: {
        Contact: [{ Id: CONTACT, LastName: 'Mustermann' }],
        Lead: [{ Id: LEAD, LastName: 'Curie' }],
      },
    });
  });
  afterAll(() => fake.close());

  it('creates one Task per piece, updates it as the piece moves, and sets the Contact fields', async () => {
    const sf = client();
    const first = await writeMailActivity(sf, {
      whoId: CONTACT,
      status: 'handed_off',
      subject: 'Direct mail handed to the mail platform',
      description: 'handed off',
      occurredAt: new Date('2026-12-01T08:00:00Z'),
    });
    const second = await writeMailActivity(sf, {
      whoId: CONTACT,
      status: 'delivered',
      subject: 'Direct mail delivered',
      description: 'delivered; tracking DE1',
      occurredAt: new Date('2026-12-03T10:00:00Z'),
      trackingId: 'DE1',
      taskId: first.taskId,
    });
    expect(second.taskId).toBe(first.taskId);
    expect(fake.tasks).toHaveLength(1);
    expect(fake.tasks[0]).toMatchObject({
      Subject: 'Direct mail delivered',
      WhoId: CONTACT,
      Status: 'Completed',
    });
    expect(fake.getRecord('Contact', CONTACT)).toMatchObject({
      Hookpost_Last_Mail_Status__c: 'delivered',
      Hookpost_Last_Mail_Date__c: '2026-12-03',
      Hookpost_Last_Mail_Tracking_Id__c: 'DE1',
    });
  });

  it("writes a corrected address to a Lead's address fields", async () => {
    await writeCorrectedAddress(client(), LEAD, {
      line1: 'Heidestraße 19',
      line2: 'Hinterhaus',
      postalCode: '51147',
      city: 'Köln',
      country: 'DE',
    });
    expect(fake.getRecord('Lead', LEAD)).toMatchObject({
      Street: 'Heidestraße 19\nHinterhaus',
      PostalCode: '51147',
      City: 'Köln',
      Country: 'DE',
    });
  });

  it('performs a host write-back: creates the Task, then updates the one named by activityId, with the corrected address', async () => {
    const request = {
      type: 'mail_activity' as const,
      platform: 'salesforce',
      objectType: 'contact',
      objectId: CONTACT,
      triggerId: 'trg_1',
      campaignId: 'welcome',
      subject: 'Direct mail sent',
      body: 'handed off',
      occurredAt: Date.parse('2026-12-01T08:00:00Z'),
    };
    const tasksBefore = fake.tasks.length;
    const first = await performMailActivity(client(), request);
    expect(first.activityId).toBeTruthy();
    const second = await performMailActivity(client(), {
      ...request,
      status: 'address_corrected',
      subject: 'Direct mail address corrected',
      body: 'address corrected',
      activityId: first.activityId ?? null,
      correctedAddress: { line1: 'Ring 1', postalCode: '50667', city: 'Köln', country: 'DE' },
    });
    expect(second.activityId).toBe(first.activityId);
    expect(fake.tasks.length).toBe(tasksBefore + 1);
    expect(fake.getRecord('Contact', CONTACT)).toMatchObject({
      Hookpost_Last_Mail_Status__c: 'address_corrected',
      MailingStreet: 'Ring 1',
      MailingPostalCode: '50667',
    });
    // Tasks name a person: an Account's piece is skipped.
    expect(await performMailActivity(client(), { ...request, objectType: 'account' })).toEqual({});
    expect(fake.tasks.length).toBe(tasksBefore + 1);
  });
});
