import type { AssociationLink, CrmReader } from '@hookpost/core';
import type { SalesforceClient } from '../client/client.js';

/** API names of the object types the event model names in lower case. */
const API_NAMES: Record<string, string> = {
  contact: 'Contact',
  lead: 'Lead',
  account: 'Account',
  opportunity: 'Opportunity',
};

/** The API name (`Contact`) of an object type as the event model names it (`contact`). */
export const apiNameOf = (objectType: string): string => API_NAMES[objectType] ?? objectType;

/**
 * Record and association reads over the Salesforce REST API: records by API name with the
 * fields asked for (plus `Id`); the only association is Opportunity → its contact roles,
 * primary first (else the Opportunity's `ContactId`).
 */
export function salesforceReader(client: SalesforceClient): CrmReader {
  async function fetchAssociationLinks(fromType: string, toType: string, ids: string[]) {
    const found = new Map<string, AssociationLink[]>();
    if (fromType !== 'opportunity' || toType !== 'contact') return found;
    for (const id of ids) {
      const roles = await client.findContactRoles(id);
      if (roles.length > 0) found.set(id, roles);
    }
    return found;
  }

  return {
    async fetchRecords(objectType, ids, fields) {
      const name = apiNameOf(objectType);
      return client.fetchRecords(name, ids, [...new Set(['Id', ...fields])]);
    },
    async fetchAssociations(fromType, toType, ids) {
      const links = await fetchAssociationLinks(fromType, toType, ids);
      return new Map([...links].map(([id, list]) => [id, list.map((l) => l.id)]));
    },
    fetchAssociationLinks,
  };
}
