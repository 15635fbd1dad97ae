export { type FakeHubSpot, type FakeHubSpotOptions, startFakeHubSpot } from './fake-hubspot.js';
export type { PropertyDefinition } from './routes-crm.js';
export { signV3 } from './sign.js';
export type { FakeData, Properties } from './store.js';
