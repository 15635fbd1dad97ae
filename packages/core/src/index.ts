export * from './address.js';
export * from './campaign.js';
export * from './duration.js';
export * from './event.js';
export * from './trigger.js';
