import type { CrmRef } from '../address.js';
import { sha256Hex } from './hash.js';

export interface DedupeKeyInput {
  workspaceId: string;
  campaignId: string;
  recipient: { crm: CrmRef };
  /**
   * Only for campaigns with `oncePerRecipient: false`: the id of the event that caused
   * this send, so each event may mail the recipient once (a redelivered event still
   * cannot mail twice). Leave out for once-per-recipient campaigns.
   */
  eventId?: string | undefined;
  /**
   * For `policy.identity: person`: the person key (`person:email:…`) that stands for the
   * recipient instead of its CRM record, so one person gets one piece across records and CRMs.
   */
  personKey?: string | undefined;
}

/**
 * The deterministic key of one mail piece: SHA-256 hex over a canonical JSON array of
 * workspace, campaign and the recipient's platform / object type (lower-cased) / object
 * id, plus the event id when given. Store it under a UNIQUE constraint: provider-side
 * idempotency (Lob's 24 h key) is too weak to rely on (reference/direct-mail.md).
 *
 * @example
 * dedupeKey({ workspaceId: 'acme', campaignId: 'welcome-pack', recipient: { crm: { platform: 'hubspot', objectType: 'contact', objectId: '123' } } });
 * // '3f…' (64 hex chars, the same on every call)
 */
export function dedupeKey(input: DedupeKeyInput): string {
  const { platform, objectType, objectId } = input.recipient.crm;
  // A JSON array keeps the parts apart: ("a:b", "c") and ("a", "b:c") encode differently.
  const parts =
    input.personKey === undefined
      ? [
          'hookpost.dedupe.v1',
          input.workspaceId,
          input.campaignId,
          platform,
          objectType.toLowerCase(),
          objectId,
        ]
      : ['hookpost.dedupe.v1', input.workspaceId, input.campaignId, 'person', input.personKey];
  if (input.eventId !== undefined) parts.push(input.eventId);
  return sha256Hex(JSON.stringify(parts));
}
