export * from './backoff.js';
export * from './map.js';
export * from './pubsub-transport.js';
export * from './status.js';
export * from './subscriber.js';
export * from './transport.js';
export * from './types.js';
