export { createSalesforceAdapter, type SalesforceAdapter } from './adapter.js';
export { SALESFORCE_ADDRESS_FIELDS, salesforceFieldsFor } from './fields.js';
export { salesforceReader } from './reader.js';
export { resolveSalesforceEvent } from './resolve.js';
export { SALESFORCE_OUTBOUND_PATH } from './routes.js';
export type { SalesforceAdapterOptions, SalesforceWorkspaceSettings } from './settings.js';
export { startCdcStream } from './stream.js';
