import { HookpostSalesforceError } from '../errors.js';
import { isSalesforceId } from '../org-id.js';

const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

/** Throws unless `id` is a 15/18-character alphanumeric Salesforce id. */
export function assertId(id: string, what: string): string {
  if (!isSalesforceId(id)) {
    throw new HookpostSalesforceError(
      'invalid_id',
      `${what} "${String(id).slice(0, 40)}" is not a Salesforce id`,
    );
  }
  return id;
}

/** Throws unless `name` is an object or field API name (`Contact`, `Mailing_Code__c`). */
export function assertApiName(name: string, what: string): string {
  if (!API_NAME.test(name)) {
    throw new HookpostSalesforceError(
      'invalid_id',
      `${what} "${String(name).slice(0, 60)}" is not an API name`,
    );
  }
  return name;
}

/**
 * A SOQL string literal for a validated id. Ids are checked to be alphanumeric first, so
 * quoting cannot be escaped from; the escaping below is a second guard.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */
export function soqlId(id: string, what: string): string {
  return `'${assertId(id, what).replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
