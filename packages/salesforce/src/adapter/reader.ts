import type { CrmReader } from '@hookpost/core';
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
 * fields asked for (plus `Id`); the only association is Opportunity → its primary contact
 * role (else the Opportunity's `ContactId`).
 */
export function salesforceReader(client: SalesforceClient): CrmReader {
  return {
    async fetchRecords(objectType, ids, fields) {
      const name = apiNameOf(objectType);
      return client.fetchRecords(name, ids, [...new Set(['Id', ...fields])]);
    },
    async fetchAssociations(fromType, toType, ids) {
      const found = new Map<string, string[]>();
      if (fromType !== 'opportunity' || toType !== 'contact') return found;
      for (const id of ids) {
        const contactId = await client.findPrimaryContactId(id);
        if (contactId) found.set(id, [contactId]);
      }
      return found;
    },
  };
}
