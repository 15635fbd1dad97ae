export { type FakeHubSpot, type FakeHubSpotOptions, startFakeHubSpot } from './fake-hubspot.js';
export type { PropertyDefinition } from './routes-crm.js';
export { signV3 } from './sign.js';
export {
  HUBSPOT_SUBSCRIPTION_TYPES,
  type HubSpotSigning,
  type HubSpotWebhookSample,
  hubspotWebhookEvent,
  type SimulatedRequest,
  signedHubSpotFile,
  signedWebhookRequest,
  signedWorkflowActionRequest,
  simulateHubSpotWebhook,
  simulateWorkflowAction,
  type WorkflowActionSample,
} from './simulate.js';
export type { FakeData, Properties } from './store.js';
