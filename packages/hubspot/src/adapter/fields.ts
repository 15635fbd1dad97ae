import { type Campaign, type FieldsByObject, fieldsNamedBy, mergeFields } from '@hookpost/core';
import type { HubSpotWorkspaceSettings } from './settings.js';

/**
 * Properties read for every record of a type: what `toRecipient` maps to a postal address
 * (contact and company) and the names people see. HubSpot ignores unknown property names,
 * so asking for more never fails a read.
 */
export const HUBSPOT_ADDRESS_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  contact: [
    'firstname',
    'lastname',
    'email',
    'company',
    'address',
    'city',
    'zip',
    'state',
    'country',
    'lifecyclestage',
  ],
  company: ['name', 'address', 'address2', 'city', 'zip', 'state', 'country'],
  deal: ['dealname', 'dealstage', 'amount', 'pipeline'],
};

/**
 * The properties to read per object type for a workspace's HubSpot campaigns: the address
 * properties above, every property the campaigns' triggers, conditions and variables name
 * (a bare condition field on every type, as the rules fall back from the event's record to the
 * recipient's), and the workspace's `optOutProperty` on contacts and, when a campaign mails
 * companies, on companies.
 *
 * @example
 * hubspotFieldsFor(campaigns, { portalId: '1', optOutProperty: 'do_not_mail', writeBack: false }).contact;
 * // ['firstname', …, 'do_not_mail']
 */
export function hubspotFieldsFor(
  campaigns: readonly Campaign[],
  settings: Pick<HubSpotWorkspaceSettings, 'optOutProperty'> | undefined,
): FieldsByObject {
  const named = fieldsNamedBy(campaigns);
  const base = Object.fromEntries(Object.entries(HUBSPOT_ADDRESS_PROPERTIES).map(([t, f]) => [t, [...f]]));
  const types = new Set([...Object.keys(base), ...Object.keys(named.byObject)]);
  const bare = Object.fromEntries([...types].map((type) => [type, named.bare]));
  const optOut: FieldsByObject = {};
  const field = settings?.optOutProperty;
  if (field) {
    optOut.contact = [field];
    if (campaigns.some((c) => c.recipient === 'company')) optOut.company = [field];
  }
  return mergeFields(base, named.byObject, bare, optOut);
}
