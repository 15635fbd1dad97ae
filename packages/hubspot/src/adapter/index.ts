export { createHubSpotAdapter, type HubSpotAdapter } from './adapter.js';
export { HUBSPOT_ADDRESS_PROPERTIES, hubspotFieldsFor } from './fields.js';
export { HUBSPOT_ROUTES } from './paths.js';
export { resolveHubSpotEvent } from './resolve.js';
export type { HubSpotAdapterOptions, HubSpotAppSettings, HubSpotWorkspaceSettings } from './settings.js';
