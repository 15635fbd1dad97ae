import { type CorrectedAddress, type CrmWriteBack, correctedAddressFrom } from '@hookpost/core';
import type { HubSpotClient } from '../client/client.js';

/** Contact properties Hookpost writes (create them once, type single-line text / date). */
export const MAIL_CONTACT_PROPERTIES = {
  status: 'hookpost_last_mail_status',
  date: 'hookpost_last_mail_date',
  trackingId: 'hookpost_last_mail_tracking_id',
} as const;

/** One move of a mail piece, as written to HubSpot. */
export interface MailActivityInput {
  contactId: string;
  /** `handed_off`, or the mail platform's status (`mailed`, `delivered`, …). */
  status: string;
  /** Text of the postal-mail engagement (the latest state of the piece). */
  body: string;
  /** When the piece moved. */
  occurredAt: Date;
  trackingId?: string | null;
  /** The piece's engagement from an earlier call; without it one is created. */
  engagementId?: string | null;
  /** Also set the contact's `hookpost_last_mail_*` properties (default true). */
  contactProperties?: boolean;
}

/**
 * Records a mail piece's journey on a HubSpot contact: creates its `postal_mail`
 * engagement at the first call (associated with the contact, type 453) and updates that
 * engagement on the next ones (`PATCH /crm/v3/objects/postal_mail/{id}`), then sets the
 * contact's last-mail properties so workflows can branch on them
 * (`PATCH /crm/v3/objects/contacts/{id}`). Keep the returned `engagementId` for the next
 * move. Errors are the client's (`HookpostHubSpotError`, retried inside for 429/5xx).
 * https://developers.hubspot.com/docs/guides/api/crm/engagements/postal-mail
 *
 * @example
 * const { engagementId } = await writeMailActivity(client, { contactId: '101', status: 'mailed', body: '…', occurredAt: new Date() });
 */
export async function writeMailActivity(
  client: HubSpotClient,
  input: MailActivityInput,
): Promise<{ engagementId: string }> {
  const timestamp = input.occurredAt.toISOString();
  let engagementId = input.engagementId ?? null;
  if (engagementId) {
    await client.request('PATCH', `/crm/v3/objects/postal_mail/${encodeURIComponent(engagementId)}`, {
      properties: { hs_postal_mail_body: input.body, hs_timestamp: timestamp },
    });
  } else {
    engagementId = (await client.recordPostalMail(input.contactId, { body: input.body, timestamp })).id;
  }
  if (input.contactProperties !== false) {
    await updateContact(client, input.contactId, {
      [MAIL_CONTACT_PROPERTIES.status]: input.status,
      [MAIL_CONTACT_PROPERTIES.date]: timestamp.slice(0, 10),
      ...(input.trackingId ? { [MAIL_CONTACT_PROPERTIES.trackingId]: input.trackingId } : {}),
    });
  }
  return { engagementId };
}

export type { CorrectedAddress } from '@hookpost/core';

/**
 * Writes an address the mail platform corrected to the contact's default address
 * properties (`address`, `zip`, `city`, `state`, `country`); empty parts are left as they are.
 */
export async function writeCorrectedAddress(
  client: HubSpotClient,
  contactId: string,
  address: CorrectedAddress,
): Promise<void> {
  const street = [address.line1, address.line2].filter(Boolean).join(', ');
  const properties: Record<string, string> = {};
  if (street) properties.address = street;
  if (address.postalCode) properties.zip = address.postalCode;
  if (address.city) properties.city = address.city;
  if (address.region) properties.state = address.region;
  if (address.country) properties.country = address.country;
  if (Object.keys(properties).length > 0) await updateContact(client, contactId, properties);
}

async function updateContact(client: HubSpotClient, contactId: string, properties: Record<string, string>) {
  await client.request('PATCH', `/crm/v3/objects/contacts/${encodeURIComponent(contactId)}`, { properties });
}

/**
 * Performs a host's `mail_activity` write-back on a contact: the piece's engagement (created,
 * or updated when `activityId` names it), the contact's last-mail properties and, with
 * `correctedAddress`, the contact's address. Postal-mail engagements associate with contacts
 * only (association type 453), so other object types are skipped (`{}`).
 */
export async function performMailActivity(
  client: HubSpotClient,
  request: Extract<CrmWriteBack, { type: 'mail_activity' }>,
): Promise<{ activityId?: string }> {
  if (request.objectType !== 'contact') return {};
  const written = await writeMailActivity(client, {
    contactId: request.objectId,
    status: request.status ?? 'handed_off',
    body: request.body,
    occurredAt: new Date(request.occurredAt),
    trackingId: request.trackingId ?? null,
    engagementId: request.activityId ?? null,
  });
  if (request.correctedAddress)
    await writeCorrectedAddress(client, request.objectId, correctedAddressFrom(request.correctedAddress));
  return { activityId: written.engagementId };
}
