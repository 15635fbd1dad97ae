import type { CdcSubscribeHandlers, CdcTransport } from '../cdc/transport.js';
import type { CdcEvent } from '../cdc/types.js';

/**
 * A {@link CdcTransport} that behaves like the Pub/Sub API's event bus within retention:
 * it keeps every published event, delivers new ones to live subscribers in order and,
 * for a subscription with a replay id (or EARLIEST), first replays the events after it.
 * No flow control or faults beyond `fail()`: use `startFakePubSub` for those.
 *
 * @example
 * const bus = createInMemoryCdcTransport();
 * const cdc = createCdcSubscriber({ transport: bus, … });
 * bus.publish({ replayId: 1, payload: { ChangeEventHeader: { … } } });
 */
export function createInMemoryCdcTransport() {
  const log: CdcEvent[] = [];
  const live = new Map<string, Set<CdcSubscribeHandlers>>();
  const subscriptions: { channel: string; replayId: string | null }[] = [];

  const transport: CdcTransport & {
    publish(event: CdcEvent, channel?: string): void;
    fail(error: unknown, channel?: string): void;
    subscriptions: typeof subscriptions;
    listeners(channel?: string): number;
  } = {
    subscriptions,
    async subscribe(channel, handlers) {
      const { start } = handlers;
      subscriptions.push({ channel, replayId: start.preset === 'CUSTOM' ? start.replayId : null });
      if (start.preset !== 'LATEST') {
        const after = start.preset === 'CUSTOM' ? BigInt(start.replayId) : -1n;
        for (const event of log) if (BigInt(event.replayId) > after) handlers.onEvent(event);
      }
      const set = live.get(channel) ?? new Set();
      live.set(channel, set);
      set.add(handlers);
      // No flow control here: the gRPC test server (startFakePubSub) models it.
      return { request: () => {}, close: () => void set.delete(handlers) };
    },
    publish(event, channel = '/data/ChangeEvents') {
      log.push(event);
      for (const handlers of live.get(channel) ?? []) handlers.onEvent(event);
    },
    /** Ends every live stream of the channel with an error, as a dropped gRPC stream does. */
    fail(error, channel = '/data/ChangeEvents') {
      const set = live.get(channel) ?? new Set();
      live.delete(channel);
      for (const handlers of set) handlers.onError(error);
    },
    listeners: (channel = '/data/ChangeEvents') => live.get(channel)?.size ?? 0,
  };
  return transport;
}
