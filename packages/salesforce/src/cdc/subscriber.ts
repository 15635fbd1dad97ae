import type { CrmEvent } from '@hookpost/core';
import { HookpostSalesforceError } from '../errors.js';
import { changeEventToCrmEvents } from './map.js';
import type { CdcSubscription, CdcTransport, ReplayStore } from './transport.js';
import type { CdcEvent } from './types.js';

/** Options of {@link createCdcSubscriber}. */
export interface CdcSubscriberOptions {
  transport: CdcTransport;
  replayStore: ReplayStore;
  /** The app's durable write; the replay id is stored only after it resolves. */
  onEvents: (events: CrmEvent[]) => Promise<void> | void;
  organizationId: string;
  channel?: string;
  /**
   * Skip events whose `changeOrigin` contains one of these strings or matches one of
   * these patterns, e.g. the client id of Hookpost's own write-back
   * (`client=hookpost`), so its Tasks do not come back as changes.
   */
  skipChangeOrigins?: readonly (string | RegExp)[];
  /**
   * Mapping errors (event skipped), storage errors and transport errors (subscription
   * stopped: call `start()` again, e.g. after a back-off, to resume from the stored replay id).
   */
  onError?: (error: HookpostSalesforceError) => void;
}

/** A running (or stopped) Change Data Capture subscription. */
export interface CdcSubscriber {
  /** Subscribes from the stored replay id (or from new events when none is stored). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once every event received so far has been handled. */
  flush(): Promise<void>;
  /** The error that stopped the subscription, if any; `start()` again resumes. */
  failure(): HookpostSalesforceError | null;
}

function originSkipped(origin: unknown, patterns: readonly (string | RegExp)[]): boolean {
  if (typeof origin !== 'string' || origin === '') return false;
  return patterns.some((p) => (typeof p === 'string' ? origin.includes(p) : p.test(origin)));
}

/**
 * Subscribes to Change Data Capture events and turns them into {@link CrmEvent}s, one
 * event at a time: `onEvents` (durable write) first, then the replay id is stored, so a
 * crash replays at most the event in flight. If `onEvents` fails the subscription stops
 * without storing the replay id; `start()` resumes from the last stored one.
 *
 * @example
 * const cdc = createCdcSubscriber({
 *   transport: createPubSubTransport({ auth: { type: 'jwt', clientId, username, privateKey } }),
 *   replayStore, organizationId: '00D5e000000KQ2eEAG',
 *   onEvents: (events) => inbox.store('acme', events),
 * });
 * await cdc.start();
 */
export function createCdcSubscriber(options: CdcSubscriberOptions): CdcSubscriber {
  const { transport, replayStore, onEvents, organizationId, onError } = options;
  const channel = options.channel ?? '/data/ChangeEvents';
  const skip = options.skipChangeOrigins ?? [];
  let subscription: CdcSubscription | null = null;
  let queue: Promise<void> = Promise.resolve();
  let failed: HookpostSalesforceError | null = null;
  let generation = 0;
  let starting: Promise<void> | null = null;

  async function subscribe(): Promise<void> {
    if (subscription) return;
    await queue; // the replay id must reflect every event already received
    failed = null;
    generation += 1;
    const run = generation;
    const replayId = await replayStore.get(channel);
    subscription = await transport.subscribe(channel, {
      ...(replayId !== null ? { replayId } : {}),
      onEvent: (event) => {
        queue = queue.then(() => handle(event, run));
      },
      onError: (error) => {
        // The stream is gone: forget it so `start()` can resubscribe from the stored replay id.
        if (run === generation) subscription = null;
        onError?.(
          new HookpostSalesforceError('transport_failed', `subscription to ${channel} failed`, {
            cause: error,
          }),
        );
      },
    });
  }

  async function handle(event: CdcEvent, run: number): Promise<void> {
    if (failed || run !== generation) return;
    let events: CrmEvent[] = [];
    try {
      events = changeEventToCrmEvents(event.payload, { organizationId, replayId: event.replayId });
    } catch (error) {
      onError?.(
        error instanceof HookpostSalesforceError
          ? error
          : new HookpostSalesforceError('invalid_change_event', 'change event could not be read', {
              cause: error,
            }),
      );
    }
    const kept = events.filter((e) => !originSkipped(e.source?.changeOrigin, skip));
    try {
      if (kept.length > 0) await onEvents(kept);
      await replayStore.set(channel, String(event.replayId));
    } catch (cause) {
      failed = new HookpostSalesforceError(
        'store_failed',
        `change event ${String(event.replayId)} could not be stored; subscription stopped`,
        { cause },
      );
      onError?.(failed);
      await subscription?.close();
      subscription = null;
    }
  }

  return {
    start() {
      // Concurrent calls share one subscribe, so a restart loop cannot open two streams.
      starting ??= subscribe().finally(() => {
        starting = null;
      });
      return starting;
    },
    async stop() {
      generation += 1;
      const current = subscription;
      subscription = null;
      await current?.close();
      await queue;
    },
    flush: () => queue,
    failure: () => failed,
  };
}
