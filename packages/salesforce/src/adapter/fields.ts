import { type Campaign, type FieldsByObject, fieldsNamedBy, mergeFields } from '@hookpost/core';
import { LEAD_CONVERSION_FIELDS } from './conversion.js';
import type { SalesforceWorkspaceSettings } from './settings.js';

/**
 * Fields read for every record of a type: what `toRecipient` maps to a postal address and
 * the ids enrichment follows. The `…CountryCode` fields exist only with State and Country
 * Picklists enabled, so they are not asked for (Salesforce rejects unknown fields).
 */
export const SALESFORCE_ADDRESS_FIELDS: Readonly<Record<string, readonly string[]>> = {
  contact: ['Id', 'FirstName', 'LastName', 'Email', 'AccountId'].concat(
    ['Street', 'City', 'State', 'PostalCode', 'Country'].map((f) => `Mailing${f}`),
  ),
  lead: [
    'Id',
    'FirstName',
    'LastName',
    'Email',
    'Company',
    'Street',
    'City',
    'State',
    'PostalCode',
    'Country',
    // A Lead read after its conversion is addressed as the Contact it became.
    ...LEAD_CONVERSION_FIELDS,
  ],
  account: ['Id', 'Name'].concat(
    ['Street', 'City', 'State', 'PostalCode', 'Country'].map((f) => `Billing${f}`),
  ),
  opportunity: ['Id', 'Name', 'StageName', 'AccountId', 'ContactId'],
};

/** A field Salesforce can read with a record (no relationship paths such as `Account.Name`). */
const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

/**
 * The fields to read per object type for a workspace's Salesforce campaigns: the address fields
 * above; every field the campaigns' triggers, conditions and variables name (`company.x` is the
 * Account); a bare condition field on the campaign's trigger object only (Salesforce rejects a
 * field its object lacks); and the workspace's `optOutField` on each object a campaign mails —
 * Contact (also for an Opportunity's contact role), Lead and Contact when a campaign fires on
 * leads (a converted Lead is mailed as its Contact), Account when a campaign mails companies.
 *
 * @example
 * salesforceFieldsFor([opportunityCampaign], { optOutField: 'Do_Not_Mail__c' }).contact;
 * // ['Id', 'FirstName', …, 'Do_Not_Mail__c']
 */
export function salesforceFieldsFor(
  campaigns: readonly Campaign[],
  settings: Pick<SalesforceWorkspaceSettings, 'optOutField'> | undefined,
): FieldsByObject {
  const base = Object.fromEntries(Object.entries(SALESFORCE_ADDRESS_FIELDS).map(([t, f]) => [t, [...f]]));
  const lists: FieldsByObject[] = [base];
  for (const campaign of campaigns) {
    const named = fieldsNamedBy([campaign]);
    const { company, ...byObject } = named.byObject;
    lists.push(byObject, { account: company ?? [] }, { [campaign.trigger.object]: named.bare });
    const field = settings?.optOutField;
    if (!field) continue;
    if (campaign.recipient === 'company') lists.push({ account: [field] });
    // A Lead campaign mails the Contact a converted Lead became: its opt-out counts too.
    else if (campaign.trigger.object === 'lead') lists.push({ lead: [field], contact: [field] });
    else lists.push({ contact: [field] });
  }
  const merged = mergeFields(...lists);
  return Object.fromEntries(
    Object.entries(merged).map(([type, fields]) => [type, fields.filter((f) => API_NAME.test(f))]),
  );
}
