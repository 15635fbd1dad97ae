export { buildOutboundMessage } from '../outbound/build.js';
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
