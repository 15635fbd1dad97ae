import { describe, expect, it } from 'vitest';
import { erika } from '../../test/support/factories.js';
import { MemoryLookups } from '../../test/support/memory-lookups.js';
import type { CampaignPolicy } from '../campaign.js';
import { type ApplyPoliciesInput, applyPolicies } from './apply.js';
import { dedupeKey } from './dedupe.js';
import { hashAddress, hashEmail, recipientKey } from './hash.js';

const now = new Date('2026-11-27T10:00:00.000Z');
const key = 'hubspot:contact:1246965';

function input(
  policy: Partial<CampaignPolicy>,
  lookups: MemoryLookups,
  overrides: Partial<ApplyPoliciesInput> = {},
) {
  return {
    workspaceId: 'acme',
    campaign: { id: 'welcome-pack', policy: { oncePerRecipient: true, ...policy } },
    recipient: erika(),
    eventId: 'evt_1',
    now,
    lookups,
    ...overrides,
  };
}

describe('applyPolicies', () => {
  it('allows with the normalised recipient, dedupe key and sendAt = now + delay', async () => {
    const result = await applyPolicies(input({ delay: 'P2D' }, new MemoryLookups()));
    expect(result).toEqual({
      allow: true,
      recipient: erika(),
      recipientKey: key,
      dedupeKey: dedupeKey({ workspaceId: 'acme', campaignId: 'welcome-pack', recipient: erika() }),
      sendAt: '2026-11-29T10:00:00.000Z',
    });
  });

  it('works with synchronous lookups too', async () => {
    const result = await applyPolicies(input({}, new MemoryLookups(false)));
    expect(result).toMatchObject({ allow: true, sendAt: null });
  });

  it('skips incomplete, undeliverable and nameless recipients first, before any lookup', async () => {
    const lookups = new MemoryLookups();
    const bad = erika({ address: { ...erika().address, postalCode: '5114' } });
    expect(await applyPolicies(input({}, lookups, { recipient: bad }))).toEqual({
      allow: false,
      reason: 'incomplete_address',
      detail: 'address.postalCode: expected 5 digits for DE, got "5114"',
    });
    const packstation = erika({
      address: { ...erika().address, line1: 'Packstation 123', line2: '12345678' },
    });
    expect(await applyPolicies(input({}, lookups, { recipient: packstation }))).toMatchObject({
      allow: false,
      reason: 'undeliverable_address',
    });
    const nameless = erika({ firstName: null, lastName: null, company: null });
    expect(await applyPolicies(input({}, lookups, { recipient: nameless }))).toMatchObject({
      allow: false,
      reason: 'missing_name',
    });
    // Incomplete beats nameless: the documented order.
    expect(
      await applyPolicies(input({}, lookups, { recipient: { ...nameless, address: bad.address } })),
    ).toMatchObject({
      reason: 'incomplete_address',
    });
    expect(lookups.calls).toEqual([]);
  });

  it('skips suppressed recipients by CRM ref, hashed e-mail or hashed address', async () => {
    for (const entry of [
      key,
      hashEmail('ERIKA@example.com'),
      hashAddress({ ...erika().address, line1: 'Heidestr. 17' }),
    ]) {
      const lookups = new MemoryLookups();
      lookups.suppressed.add(entry!);
      expect(await applyPolicies(input({}, lookups))).toEqual({ allow: false, reason: 'suppressed' });
    }
  });

  it('suppression comes before already_sent', async () => {
    const lookups = new MemoryLookups().send(key, 'welcome-pack', '2026-01-01T00:00:00Z');
    lookups.suppressed.add(key);
    expect(await applyPolicies(input({}, lookups))).toMatchObject({ reason: 'suppressed' });
  });

  it('skips already_sent for once-per-recipient campaigns, and asks the store once', async () => {
    const lookups = new MemoryLookups().send(key, 'welcome-pack', '2025-01-01T00:00:00Z');
    expect(await applyPolicies(input({ cooldownDays: 45 }, lookups))).toEqual({
      allow: false,
      reason: 'already_sent',
      detail: 'sent 2025-01-01T00:00:00.000Z',
    });
    expect(lookups.calls.filter((c) => c === 'lastSentAt')).toHaveLength(1);
  });

  it('applies cooldownDays when sends may repeat; the dedupe key then includes the event id', async () => {
    const recent = new MemoryLookups().send(key, 'welcome-pack', '2026-11-01T00:00:00Z');
    expect(await applyPolicies(input({ oncePerRecipient: false, cooldownDays: 45 }, recent))).toMatchObject({
      allow: false,
      reason: 'cooldown',
    });
    const old = new MemoryLookups().send(key, 'welcome-pack', '2026-10-01T00:00:00Z');
    const result = await applyPolicies(input({ oncePerRecipient: false, cooldownDays: 45 }, old));
    expect(result).toMatchObject({
      allow: true,
      dedupeKey: dedupeKey({
        workspaceId: 'acme',
        campaignId: 'welcome-pack',
        recipient: erika(),
        eventId: 'evt_1',
      }),
    });
  });

  it('caps pieces per recipient across campaigns', async () => {
    const lookups = new MemoryLookups()
      .send(key, 'a', '2026-09-10T00:00:00Z')
      .send(key, 'b', '2026-10-10T00:00:00Z')
      .send(key, 'c', '2026-11-10T00:00:00Z');
    const policy = { maxPerRecipient: { count: 3, days: 90 } };
    expect(await applyPolicies(input(policy, lookups))).toEqual({
      allow: false,
      reason: 'cap_reached',
      detail: '3 pieces in 90 days (max 3)',
    });
    const older = new MemoryLookups()
      .send(key, 'a', '2026-08-01T00:00:00Z')
      .send(key, 'b', '2026-10-10T00:00:00Z');
    expect(await applyPolicies(input(policy, older))).toMatchObject({ allow: true });
  });

  it('caps a campaign per UTC day', async () => {
    const lookups = new MemoryLookups()
      .send('hubspot:contact:1', 'welcome-pack', '2026-11-27T00:00:00Z')
      .send('hubspot:contact:2', 'welcome-pack', '2026-11-27T09:59:00Z')
      .send('hubspot:contact:3', 'welcome-pack', '2026-11-26T23:59:59Z');
    expect(await applyPolicies(input({ dailyCap: 2 }, lookups))).toEqual({
      allow: false,
      reason: 'daily_cap_reached',
      detail: '2 of 2 today (UTC)',
    });
    expect(await applyPolicies(input({ dailyCap: 3 }, lookups))).toMatchObject({ allow: true });
  });

  it('uses the recipient key of the normalised recipient', async () => {
    const sf = erika({ crm: { platform: 'salesforce', objectType: 'Contact', objectId: '003' } });
    const result = await applyPolicies(input({}, new MemoryLookups(), { recipient: sf }));
    expect(result.allow && result.recipientKey).toBe(recipientKey(sf));
  });
});
