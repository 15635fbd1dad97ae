export { buildOutboundMessage } from '../outbound/build.js';
export type { FakeLeadConversion, FakeLeadConversionResult } from './fake-crm-ops.js';
export * from './fake-salesforce.js';
export type { FakeFieldValue, FakeRecord, FakeRecords } from './fake-store.js';
export * from './in-memory-cdc.js';
export {
  type FakeChange,
  type FakePubSub,
  type FakeSubscription,
  REPLAY_ID_CORRUPTED,
  startFakePubSub,
} from './pubsub/server.js';
export {
  type ChangeEventFile,
  type ChangeEventSample,
  changeEventFileToCrmEvents,
  type OutboundMessageSample,
  SALESFORCE_SAMPLE_OBJECTS,
  type SimulatedOutboundRequest,
  sampleChangeEvent,
  sampleSalesforceId,
  signedOutboundFile,
  simulateOutboundMessage,
} from './simulate.js';
