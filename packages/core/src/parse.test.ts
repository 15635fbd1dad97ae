import { describe, expect, it } from 'vitest';
import { HookpostCoreError } from './errors.js';
import { parseCampaign, parseCrmEvent } from './parse.js';

describe('parseCrmEvent', () => {
  it('returns the event or a typed error listing every issue', () => {
    const event = {
      id: 'evt_1',
      platform: 'hubspot',
      accountId: '62515',
      externalId: 'x',
      objectType: 'contact',
      objectId: '1',
      kind: 'created',
      occurredAt: '2026-11-27T10:00:00Z',
    };
    expect(parseCrmEvent(event)).toEqual(event);
    try {
      // Any adapter's platform name is an event platform; one that cannot prefix a record reference is not.
      parseCrmEvent({ ...event, platform: 'Pipe Drive', occurredAt: 'yesterday' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HookpostCoreError);
      expect(error).toMatchObject({ code: 'invalid_event', status: 400 });
      expect((error as HookpostCoreError).issues.map((i) => i.path)).toEqual(['platform', 'occurredAt']);
      expect((error as Error).message).toMatch(/^\[@hookpost\/core\] not a CrmEvent: platform: /);
    }
  });
});

describe('parseCampaign', () => {
  it('fills defaults or throws invalid_campaign with paths', () => {
    expect(
      parseCampaign({
        id: 'c',
        destination: 'mailer',
        trigger: { platform: 'hubspot', object: 'Contact', on: 'created' },
      }),
    ).toMatchObject({
      name: 'c',
      enabled: true,
      recipient: 'contact',
      policy: { oncePerRecipient: true },
      variables: {},
    });
    expect(() =>
      parseCampaign({
        id: 'c',
        destination: 'mailer',
        trigger: { platform: 'hubspot', object: 'contact', on: 'property_change' },
      }),
    ).toThrowError(
      '[@hookpost/core] invalid campaign: trigger.property: required when on is property_change',
    );
  });
});
