import type { CrmEvent } from '@hookpost/core';
import { createPubSubTransport } from '../src/cdc/pubsub-transport.js';
import type { CdcGap, CdcLease } from '../src/cdc/status.js';
import { type CdcSubscriberOptions, createCdcSubscriber } from '../src/cdc/subscriber.js';
import type { ReplayStore } from '../src/cdc/transport.js';
import type { HookpostSalesforceError } from '../src/errors.js';
import type { FakePubSub } from '../src/testing/pubsub/server.js';

export const ORG = '00D5e000000KQ2eEAG';
export const CONTACT = '003RM000006DdnRYAS';

/** The real transport (gRPC over TLS, Avro) aimed at the test server. */
export function realTransport(pubsub: FakePubSub) {
  return createPubSubTransport({
    auth: {
      type: 'accessToken',
      accessToken: `${ORG}!session`,
      instanceUrl: 'https://acme.my.salesforce.com',
    },
    pubSubEndpoint: pubsub.endpoint,
    rejectUnauthorizedSsl: false,
  });
}

export function memoryReplayStore(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  const store: ReplayStore = {
    get: async (channel) => values.get(channel) ?? null,
    set: async (channel, replayId) => void values.set(channel, replayId),
  };
  return { store, values };
}

/** A lease table in memory with a TTL: the database lease's rules, shared by "processes". */
export function memoryLeases(ttlMs: number, now = () => Date.now()) {
  let holder: { owner: string; expiresAt: number } | null = null;
  const leaseFor = (owner: string): CdcLease => ({
    async acquire() {
      if (holder && holder.owner !== owner && holder.expiresAt > now()) return false;
      holder = { owner, expiresAt: now() + ttlMs };
      return true;
    },
    async renew() {
      if (holder?.owner !== owner) return false;
      holder.expiresAt = now() + ttlMs;
      return true;
    },
    async release() {
      if (holder?.owner === owner) holder = null;
    },
  });
  return { leaseFor, holder: () => holder?.owner ?? null };
}

/** A subscriber over the real transport, collecting what it stores. */
export function subscriberFor(pubsub: FakePubSub, overrides: Partial<CdcSubscriberOptions> = {}) {
  const replay = memoryReplayStore();
  const stored: CrmEvent[] = [];
  const gaps: CdcGap[] = [];
  const errors: HookpostSalesforceError[] = [];
  const subscriber = createCdcSubscriber({
    transport: realTransport(pubsub),
    replayStore: replay.store,
    organizationId: ORG,
    channel: '/data/ContactChangeEvent',
    onEvents: (events) => void stored.push(...events),
    onGap: (gap) => void gaps.push(gap),
    onError: (error) => void errors.push(error),
    backoff: { minMs: 20, maxMs: 200 },
    ...overrides,
  });
  return { subscriber, replay, stored, gaps, errors };
}
