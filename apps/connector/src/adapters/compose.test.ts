import { describe, expect, it } from 'vitest';
import { writeBackOf } from './compose.js';

describe('writeBackOf: outbox rows as write-back requests', () => {
  it('passes typed rows through and reads rows stored before payloads carried their type', () => {
    const typed = {
      type: 'mail_activity',
      platform: 'salesforce',
      objectType: 'contact',
      objectId: '003xx0000000001AAA',
      triggerId: 'trg_1',
      campaignId: 'gift',
      subject: 'Direct mail sent',
      body: 'handed off',
      occurredAt: 1,
    } as const;
    expect(writeBackOf('mail_activity', typed)).toEqual(typed);
    expect(writeBackOf('hubspot_callback', { callbackId: 'cb1', state: 'SUCCESS', reason: null })).toEqual({
      type: 'workflow_callback',
      platform: 'hubspot',
      callbackId: 'cb1',
      state: 'SUCCESS',
      reason: null,
    });
    expect(
      writeBackOf('hubspot_postal_mail', { contactId: '101', body: 'sent', timestamp: 5 }),
    ).toMatchObject({
      type: 'mail_activity',
      platform: 'hubspot',
      objectType: 'contact',
      objectId: '101',
      body: 'sent',
      occurredAt: 5,
    });
    expect(
      writeBackOf('salesforce_task', { whoId: '003xx', subject: 'Direct mail sent', description: 'd' }),
    ).toMatchObject({
      type: 'mail_activity',
      platform: 'salesforce',
      objectId: '003xx',
      subject: 'Direct mail sent',
      body: 'd',
    });
  });
});
