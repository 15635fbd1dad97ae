export * from './client.js';
export * from './jwt.js';
export type { SalesforceRecord } from './records.js';
export type { SalesforceAuth } from './session.js';
