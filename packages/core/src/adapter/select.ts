import type { Recipient } from '../address.js';
import type { Campaign } from '../campaign.js';
import { toRecipient } from '../postal/to-recipient.js';
import type { AssociationLink, CrmProperties, CrmReader, Enrichment, FieldsByObject } from './types.js';

/**
 * The associated records of `id` with their primary mark, in the CRM's order: the reader's
 * `fetchAssociationLinks` when it has one, else `fetchAssociations` with nothing marked.
 * Empty without a reader.
 */
export async function associationLinks(
  reader: CrmReader | null,
  fromType: string,
  toType: string,
  id: string,
): Promise<AssociationLink[]> {
  if (!reader) return [];
  if (reader.fetchAssociationLinks)
    return (await reader.fetchAssociationLinks(fromType, toType, [id])).get(id) ?? [];
  const ids = (await reader.fetchAssociations(fromType, toType, [id])).get(id) ?? [];
  return ids.map((linked) => ({ id: linked, primary: false }));
}

/** The primary link, else the first (`select: primary`). */
export const primaryOrFirst = (links: readonly AssociationLink[]): AssociationLink | undefined =>
  links.find((l) => l.primary) ?? links[0];

/**
 * The recipients a campaign addresses for one event, as its `recipient` and
 * `recipientSelect` say: one for `contact`, `company` and `associated_contact` with
 * `select: primary` (the CRM's primary, else the first) or `first`; every associated contact
 * for `select: all`. `{ missing }` (the `no_recipient` detail) when there is none.
 *
 * @example
 * const targets = recipientsOf(enrichment, campaign); // [recipient] | [r1, r2…] | { missing: 'no contact…' }
 */
export function recipientsOf(
  enrichment: Enrichment,
  campaign: Pick<Campaign, 'recipient' | 'recipientSelect'>,
): Recipient[] | { missing: string } {
  const one = enrichment.recipients[campaign.recipient];
  const fallback = one && 'crm' in one ? [one] : { missing: one?.missing ?? `no ${campaign.recipient}` };
  const associated = enrichment.associated;
  if (campaign.recipient !== 'associated_contact' || !associated || associated.length === 0) return fallback;
  switch (campaign.recipientSelect) {
    case 'all':
      return associated.map((a) => a.recipient);
    case 'first':
      return [associated[0]!.recipient];
    case 'primary':
      return [(associated.find((a) => a.primary) ?? associated[0]!).recipient];
  }
}

/**
 * Every linked record of `links` read in one batch and mapped to a recipient (with the
 * company's name as a fallback), in the CRM's order with its primary mark; links whose
 * record the CRM no longer has are left out. The `Enrichment.associated` of an adapter.
 */
export async function associatedRecipients(
  platform: string,
  reader: CrmReader | null,
  fields: FieldsByObject,
  objectType: string,
  links: readonly AssociationLink[],
  company: CrmProperties | undefined,
): Promise<NonNullable<Enrichment['associated']>> {
  if (!reader || links.length === 0) return [];
  const ids = links.map((l) => l.id);
  const records = await reader.fetchRecords(objectType, ids, fields[objectType] ?? []);
  return links.flatMap((link) => {
    const record = records.get(link.id);
    if (!record) return [];
    const recipient = toRecipient({
      platform,
      objectType,
      objectId: link.id,
      record,
      company: company ?? null,
    });
    return [{ recipient, primary: link.primary }];
  });
}
