import { describe, expect, it } from 'vitest';
import { workspaceSchema } from '../config/schema.js';
import type { TriggerItem } from '../store/trigger-row.js';
import { effectsFor } from './effects.js';

const workspace = workspaceSchema.parse({
  id: 'acme',
  hubspot: { portalId: '1', writeBack: true },
  salesforce: { organizationId: '00D5e000000AbCdEAF', endpointToken: 'x'.repeat(16) },
  destinations: { mailer: { type: 'log' } },
});

/** As the adapter registry answers for this workspace: HubSpot writes back, Salesforce does not. */
const writeBackEnabled = (_workspace: unknown, recipient: { platform: string }) =>
  recipient.platform === 'hubspot';

const trigger = (platform: 'hubspot' | 'salesforce', callbackId: string | null = null) =>
  ({
    id: 'trg_1',
    workspace_id: 'acme',
    source_ref: `${platform}:contact:51`,
    callback_id: callbackId,
    payload: {
      campaign: { id: 'welcome', name: 'Welcome' },
      recipient: { crm: { platform, objectType: 'contact', objectId: '51' } },
    },
  }) as unknown as TriggerItem;

describe('effectsFor', () => {
  it('records a mail activity for a delivered piece where write-back is on, the same way for every CRM', () => {
    expect(effectsFor(trigger('hubspot'), 'delivered', null, workspace, 5, writeBackEnabled)).toEqual([
      {
        type: 'mail_activity',
        platform: 'hubspot',
        objectType: 'contact',
        objectId: '51',
        triggerId: 'trg_1',
        campaignId: 'welcome',
        subject: 'Direct mail sent',
        body: 'Direct mail "Welcome" handed to the mail platform (trigger trg_1).',
        occurredAt: 5,
      },
    ]);
    expect(effectsFor(trigger('salesforce'), 'delivered', null, workspace, 5, writeBackEnabled)).toEqual([]);
  });

  it('completes a waiting workflow step: SUCCESS when delivered, FAIL_CONTINUE otherwise', () => {
    const [done] = effectsFor(trigger('hubspot', 'cb-1'), 'delivered', null, workspace, 5, writeBackEnabled);
    expect(done).toEqual({
      type: 'workflow_callback',
      platform: 'hubspot',
      callbackId: 'cb-1',
      state: 'SUCCESS',
      reason: null,
    });
    expect(
      effectsFor(trigger('hubspot', 'cb-1'), 'dead', 'HTTP 422', workspace, 5, writeBackEnabled),
    ).toEqual([
      {
        type: 'workflow_callback',
        platform: 'hubspot',
        callbackId: 'cb-1',
        state: 'FAIL_CONTINUE',
        reason: 'HTTP 422',
      },
    ]);
  });
});
