import type { CrmEvent, PolicyLookups, Recipient } from '@hookpost/core';
import { createHubSpotAdapter } from '@hookpost/hubspot';
import { describe, expect, it } from 'vitest';
import { createAdapterRegistry, register } from '../adapters/registry.js';
import { workspaceSchema } from '../config/schema.js';
import { decideEvent } from './decide.js';
import type { Evaluation } from './plan.js';

const NOW = new Date('2026-03-02T10:00:00Z');

const workspace = workspaceSchema.parse({
  id: 'acme',
  hubspot: { portalId: '62515', optOutProperty: 'do_not_mail' },
  destinations: { mailer: { type: 'log' } },
  campaigns: [
    {
      id: 'welcome',
      destination: 'mailer',
      trigger: { platform: 'hubspot', object: 'contact', on: 'created' },
      variables: { first: '{{ recipient.firstName }}' },
      policy: { oncePerRecipient: true, dailyCap: 2 },
    },
  ],
});
/** The real HubSpot adapter, bound to the workspace: it decides opt-out from `optOutProperty`. */
const crm = createAdapterRegistry([
  register(createHubSpotAdapter({ publicUrl: 'http://127.0.0.1' }), (w) => w.hubspot),
]).crmFor(workspace, 'hubspot');
const campaign = workspace.campaigns[0] as Evaluation['verdicts'][number]['campaign'];

const event: CrmEvent = {
  id: 'evt_1',
  platform: 'hubspot',
  accountId: '62515',
  externalId: 'x1',
  objectType: 'contact',
  objectId: '51',
  kind: 'created',
  occurredAt: '2026-03-02T09:59:00Z',
};

const recipient: Recipient = {
  crm: { platform: 'hubspot', objectType: 'contact', objectId: '51' },
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: null,
  email: 'ada@example.com',
  address: {
    line1: 'Unter den Linden 1',
    line2: null,
    postalCode: '10117',
    city: 'Berlin',
    region: null,
    country: 'DE',
  },
};

/** Lookups over plain arrays: what was sent, what is suppressed. */
function lookups({ sentToday = 0, suppressed = false } = {}): PolicyLookups {
  return {
    isSuppressed: () => suppressed,
    lastSentAt: () => null,
    countSentSince: () => 0,
    countCampaignSentSince: () => sentToday,
  };
}

function evaluation(overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    event,
    workspace,
    crm,
    verdicts: [
      { campaign, decision: { campaignId: 'welcome', outcome: 'matched', reason: null }, recipient },
    ],
    enrichment: { records: { contact: { firstname: 'Ada' } }, recipients: { contact: recipient } },
    cancels: [],
    privacy: null,
    workflow: null,
    pending: [],
    ...overrides,
  };
}

describe('decideEvent', () => {
  it('triggers a matched campaign with a typed trigger draft (no e-mail in the payload)', async () => {
    const plan = await decideEvent(evaluation(), lookups(), NOW);
    expect(plan.decisions).toHaveLength(1);
    const [decision] = plan.decisions;
    expect(decision).toMatchObject({ campaignId: 'welcome', outcome: 'triggered', reason: null });
    const trigger = decision?.trigger;
    expect(trigger?.payload.recipient).toMatchObject({ firstName: 'Ada', crm: recipient.crm });
    expect(trigger?.payload.recipient).not.toHaveProperty('email');
    expect(trigger?.payload.variables).toEqual({ first: 'Ada' });
    expect(trigger?.recipientHashes.emailHash).toMatch(/^[0-9a-f]{64}$/);
    expect(trigger).toMatchObject({
      status: 'pending',
      next_attempt_at: NOW.getTime(),
      retry_window_start: NOW.getTime(),
    });
    expect(plan.callback).toBeNull();
  });

  it('skips an opted-out recipient as suppressed, without asking the policies', async () => {
    const opted = evaluation({
      enrichment: { records: { contact: { do_not_mail: 'true' } }, recipients: { contact: recipient } },
    });
    const plan = await decideEvent(opted, lookups(), NOW);
    expect(plan.decisions[0]).toMatchObject({ outcome: 'skipped', reason: 'suppressed', trigger: null });
  });

  it('skips when the daily cap is reached, and fails the waiting workflow step with that reason', async () => {
    const plan = await decideEvent(
      evaluation({ workflow: { callbackId: 'cb-1', campaignId: 'welcome' } }),
      lookups({ sentToday: 2 }),
      NOW,
    );
    expect(plan.decisions[0]).toMatchObject({ outcome: 'skipped', reason: 'daily_cap_reached' });
    expect(plan.callback).toEqual({
      callbackId: 'cb-1',
      state: 'FAIL_CONTINUE',
      reason: 'daily_cap_reached',
    });
  });

  it('records a non-matching campaign as no_match with its clause', async () => {
    const plan = await decideEvent(
      evaluation({
        verdicts: [
          {
            campaign,
            decision: { campaignId: 'welcome', outcome: 'no_match', reason: 'trigger.on: updated' },
          },
        ],
      }),
      lookups(),
      NOW,
    );
    expect(plan.decisions).toEqual([
      {
        campaignId: 'welcome',
        outcome: 'no_match',
        reason: 'trigger.on: updated',
        detail: null,
        recipientRef: null,
        trigger: null,
      },
    ]);
  });

  it('skips a recipient without a usable address', async () => {
    const thin = { ...recipient, address: { ...recipient.address, line1: null } };
    const plan = await decideEvent(
      evaluation({
        enrichment: { records: {}, recipients: { contact: thin } },
        verdicts: [
          {
            campaign,
            decision: { campaignId: 'welcome', outcome: 'matched', reason: null },
            recipient: thin,
          },
        ],
      }),
      lookups(),
      NOW,
    );
    expect(plan.decisions[0]).toMatchObject({
      outcome: 'skipped',
      reason: 'incomplete_address',
      recipientRef: 'hubspot:contact:51',
    });
  });

  it('a matched campaign without a recipient is no_recipient, with why', async () => {
    const plan = await decideEvent(
      evaluation({
        verdicts: [
          {
            campaign,
            decision: { campaignId: 'welcome', outcome: 'skipped', reason: 'no_recipient' },
            detail: 'no contact record for deal 9',
          },
        ],
      }),
      lookups(),
      NOW,
    );
    expect(plan.decisions[0]).toMatchObject({
      outcome: 'skipped',
      reason: 'no_recipient',
      detail: 'no contact record for deal 9',
      recipientRef: null,
    });
  });
});
