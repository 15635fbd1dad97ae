import type { Recipient } from '../address.js';
import { HookpostCoreError } from '../errors.js';
import type { CrmEvent } from '../event.js';
import { toIssues } from '../result.js';
import { type CampaignTrigger, campaignTriggerSchema } from '../trigger.js';
import { triggerId } from './trigger-id.js';

export interface BuildTriggerInput {
  /** The piece's dedupe key; the trigger id is derived from it (`triggerId`). */
  dedupeKey: string;
  workspaceId: string;
  campaign: { id: string; name: string };
  recipient: Recipient;
  variables: Record<string, string>;
  sendAt: string | null;
  /** The event(s) that caused the piece; the first gives platform, account and time. */
  events: CrmEvent | readonly CrmEvent[];
  createdAt: Date;
}

/**
 * Assembles and validates the campaign trigger payload. The recipient's e-mail address is left
 * out: the mail platform gets what it prints (GDPR Art. 5(1)(c), data minimisation). Throws `HookpostCoreError('invalid_trigger')`
 * listing every issue when the parts do not make a valid trigger.
 *
 * @example
 * const trigger = buildTrigger({ dedupeKey: allowed.dedupeKey, workspaceId: 'acme', campaign, recipient: allowed.recipient,
 *   variables: rendered.value, sendAt: allowed.sendAt, events: event, createdAt: new Date() });
 */
export function buildTrigger(input: BuildTriggerInput): CampaignTrigger {
  const events: readonly CrmEvent[] = Array.isArray(input.events) ? input.events : [input.events as CrmEvent];
  const first = events[0];
  if (first === undefined)
    throw new HookpostCoreError('invalid_trigger', 'a trigger needs at least one event');
  const result = campaignTriggerSchema.safeParse({
    type: 'campaign.trigger',
    id: triggerId(input.dedupeKey),
    createdAt: input.createdAt.toISOString(),
    workspace: input.workspaceId,
    campaign: { id: input.campaign.id, name: input.campaign.name },
    recipient: printable(input.recipient),
    variables: input.variables,
    sendAt: input.sendAt,
    source: {
      platform: first.platform,
      accountId: first.accountId,
      eventIds: events.map((event) => event.id),
      occurredAt: first.occurredAt,
    },
  });
  if (!result.success) {
    const issues = toIssues(result.error.issues);
    const list = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new HookpostCoreError('invalid_trigger', `not a valid campaign trigger: ${list}`, {
      cause: result.error,
      issues,
    });
  }
  return result.data;
}

function printable(recipient: Recipient): Recipient {
  const { email: _email, ...rest } = recipient;
  return rest;
}
