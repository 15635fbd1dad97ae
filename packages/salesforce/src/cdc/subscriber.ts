import type { CrmEvent } from '@hookpost/core';
import { HookpostSalesforceError } from '../errors.js';
import { createBackoff } from './backoff.js';
import { readEvents } from './read-events.js';
import type { CdcGap, CdcLease, CdcStatus } from './status.js';
import {
  type CdcSubscription,
  type CdcTransport,
  isInvalidReplayIdError,
  type ReplayStart,
  type ReplayStore,
} from './transport.js';
import type { CdcEvent } from './types.js';

/** Options of {@link createCdcSubscriber}. */
export interface CdcSubscriberOptions {
  transport: CdcTransport;
  replayStore: ReplayStore;
  /** The app's durable write; the replay id is stored only after it resolves. */
  onEvents: (events: CrmEvent[]) => Promise<void> | void;
  organizationId: string;
  /** Default `/data/ChangeEvents`. */
  channel?: string;
  /** Skip events whose `changeOrigin` contains one of these strings or matches one of these patterns (e.g. `client=hookpost`, Hookpost's own write-back). */
  skipChangeOrigins?: readonly (string | RegExp)[];
  /** Store the gap where an operator sees it; awaited before the subscription resumes. */
  onGap?: (gap: CdcGap) => Promise<void> | void;
  /** For `GAP_OVERFLOW`: ids of the entity's records changed in `[since, until]` (e.g. `client.changedRecordIds`). Without it an overflow only reports an error. */
  changedRecordIds?: (entity: string, since: Date, until: Date) => Promise<readonly string[]>;
  /** For `DELETE`: deleted ids that lost a merge → their `MasterRecordId` (e.g. `client.mastersOfDeleted`). Without it a delete carries only what the event enriched. */
  mastersOfDeleted?: (entity: string, ids: readonly string[]) => Promise<Map<string, string>>;
  /** One subscriber per org across processes; without it this process always subscribes. */
  lease?: CdcLease;
  /** Lease renewal and standby polling period, ms. Default 10 000 (use a lease TTL of ≥ 3×). */
  leaseRenewMs?: number;
  /** Events in flight (`FetchRequest.num_requested`). Default 100, the Pub/Sub maximum per request. */
  batchSize?: number;
  /** Resubscribe back-off, ms: jittered, doubling from `minMs` to `maxMs`. Default 1 000 → 60 000. */
  backoff?: { minMs?: number; maxMs?: number; random?: () => number };
  /** Every problem, for logs and metrics; the subscriber recovers by itself. */
  onError?: (error: HookpostSalesforceError) => void;
  now?: () => Date;
}

/** A self-healing Change Data Capture subscription. */
export interface CdcSubscriber {
  /** Starts (or, with a lease, waits for its turn); recovers from errors until `stop()`. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once every event received so far has been handled. */
  flush(): Promise<void>;
  status(): CdcStatus;
}

const toError = (code: 'transport_failed' | 'store_failed', message: string, cause: unknown) =>
  new HookpostSalesforceError(code, message, { cause });

/**
 * Subscribes to Change Data Capture and turns events into {@link CrmEvent}s, one event at a
 * time: `onEvents` (durable write) first, then the replay id, so a crash replays at most the
 * event in flight. Any stream or store error closes the stream and resubscribes from the
 * stored replay id after a capped, jittered back-off. A replay id Salesforce refuses (past
 * the 72-hour retention) resumes from EARLIEST, else LATEST, and reports a {@link CdcGap}.
 * Flow control: at most `batchSize` events are requested ahead of what has been stored.
 *
 * @example
 * const cdc = createCdcSubscriber({ transport, replayStore, organizationId: '00D5e000000KQ2eEAG',
 *   onEvents: (events) => inbox.store('acme', events), onGap: (gap) => gaps.insert(gap), lease });
 * await cdc.start(); // … cdc.status().state === 'subscribed'
 */
export function createCdcSubscriber(options: CdcSubscriberOptions): CdcSubscriber {
  const { transport, replayStore, onEvents, organizationId, onError, lease } = options;
  const channel = options.channel ?? '/data/ChangeEvents';
  const batchSize = options.batchSize ?? 100;
  const leaseRenewMs = options.leaseRenewMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  const backoff = createBackoff(options.backoff);
  const status: CdcStatus = {
    channel,
    state: 'stopped',
    retries: 0,
    lastError: null,
    lastEventAt: null,
    gaps: 0,
    lastGap: null,
  };
  let subscription: CdcSubscription | null = null;
  let queue: Promise<void> = Promise.resolve();
  let generation = 0;
  let running = false;
  let holdsLease = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let leaseTimer: NodeJS.Timeout | null = null;
  let resumeFrom: 'EARLIEST' | 'LATEST' | null = null; // set after a refused replay id
  let credit = 0;

  function report(error: HookpostSalesforceError): void {
    status.lastError = error.message;
    onError?.(error);
  }

  function schedule(delayMs: number): void {
    if (!running || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delayMs);
    retryTimer.unref?.();
  }

  async function closeStream(): Promise<void> {
    generation += 1;
    const current = subscription;
    subscription = null;
    await current?.close();
  }

  async function retry(error: HookpostSalesforceError, delayMs = backoff.nextDelayMs()): Promise<void> {
    report(error);
    await closeStream();
    if (!running) return;
    status.state = 'backing_off';
    status.retries += 1;
    schedule(delayMs);
  }

  async function startOf(): Promise<ReplayStart> {
    if (resumeFrom) return { preset: resumeFrom };
    const replayId = await replayStore.get(channel);
    return replayId !== null ? { preset: 'CUSTOM', replayId } : { preset: 'LATEST' };
  }

  async function replayRefused(start: ReplayStart): Promise<void> {
    // CUSTOM refused → EARLIEST (what is still retained); EARLIEST refused → LATEST.
    resumeFrom = start.preset === 'CUSTOM' ? 'EARLIEST' : 'LATEST';
    const gap: CdcGap = {
      channel,
      reason: 'replay_id_invalid',
      lastReplayId: start.preset === 'CUSTOM' ? start.replayId : (status.lastGap?.lastReplayId ?? ''),
      resumedFrom: resumeFrom,
      from: status.lastEventAt,
      until: now().toISOString(),
    };
    status.gaps += 1;
    status.lastGap = gap;
    try {
      await options.onGap?.(gap);
    } catch (cause) {
      report(toError('store_failed', `the replay gap on ${channel} could not be stored`, cause));
    }
  }

  let connecting: Promise<void> | null = null;
  /** One connect at a time: timers (retry, lease polling) may fire while one is under way. */
  function connect(): Promise<void> {
    connecting ??= openStream().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  async function openStream(): Promise<void> {
    if (!running || subscription) return;
    if (lease && !holdsLease) {
      holdsLease = await lease.acquire().catch(() => false);
      if (!holdsLease) {
        status.state = 'standby';
        return; // the lease timer polls again
      }
    }
    await queue; // the stored replay id must reflect every event already received
    if (!running || subscription) return;
    status.state = 'connecting';
    const run = ++generation;
    const start = await startOf().catch(() => null);
    if (!start)
      return retry(new HookpostSalesforceError('store_failed', `replay id of ${channel} could not be read`));
    credit = 0;
    try {
      const opened = await transport.subscribe(channel, {
        start,
        numRequested: batchSize,
        onEvent: (event) => {
          if (run === generation) queue = queue.then(() => handle(event, run));
        },
        onError: (error) => {
          if (run !== generation) return;
          queue = queue.then(async () => {
            if (run !== generation) return;
            if (isInvalidReplayIdError(error) && start.preset !== 'LATEST') {
              await replayRefused(start);
              return retry(
                toError(
                  'transport_failed',
                  `replay id refused on ${channel}; resuming from ${resumeFrom}`,
                  error,
                ),
                0,
              );
            }
            return retry(toError('transport_failed', `subscription to ${channel} failed`, error));
          });
        },
      });
      if (run !== generation) return void (await opened.close());
      subscription = opened;
      status.state = 'subscribed';
    } catch (error) {
      await retry(
        error instanceof HookpostSalesforceError
          ? error
          : toError('transport_failed', `could not subscribe to ${channel}`, error),
      );
    }
  }

  async function handle(event: CdcEvent, run: number): Promise<void> {
    if (run !== generation) return;
    let events: CrmEvent[] = [];
    try {
      events = await readEvents(event, {
        organizationId,
        skip: options.skipChangeOrigins ?? [],
        since: status.lastEventAt,
        changedRecordIds: options.changedRecordIds,
        mastersOfDeleted: options.mastersOfDeleted,
        report,
      });
      if (events.length > 0) await onEvents(events);
      await replayStore.set(channel, String(event.replayId));
    } catch (cause) {
      if (run === generation)
        await retry(
          toError(
            'store_failed',
            `change event ${String(event.replayId)} could not be stored; resubscribing`,
            cause,
          ),
        );
      return;
    }
    resumeFrom = null;
    backoff.reset();
    status.retries = 0;
    const committed = events[0]?.occurredAt;
    status.lastEventAt = committed ?? status.lastEventAt ?? now().toISOString();
    credit += 1;
    if (credit >= Math.ceil(batchSize / 2) && subscription && run === generation) {
      subscription.request(credit);
      credit = 0;
    }
  }

  async function tendLease(): Promise<void> {
    if (!lease || !running) return;
    if (!holdsLease) return connect();
    const kept = await lease.renew().catch(() => false);
    if (kept) return;
    holdsLease = false;
    report(
      new HookpostSalesforceError(
        'transport_failed',
        `lease for ${channel} lost to another process; standing by`,
      ),
    );
    await closeStream();
    status.state = 'standby';
  }

  return {
    async start() {
      if (running) return;
      running = true;
      if (lease) {
        leaseTimer = setInterval(() => void tendLease(), leaseRenewMs);
        leaseTimer.unref?.();
      }
      await connect();
    },
    async stop() {
      running = false;
      if (retryTimer) clearTimeout(retryTimer);
      if (leaseTimer) clearInterval(leaseTimer);
      retryTimer = leaseTimer = null;
      await closeStream();
      await queue;
      if (lease && holdsLease) await lease.release().catch(() => undefined);
      holdsLease = false;
      status.state = 'stopped';
    },
    flush: () => queue,
    status: () => ({ ...status, ...(status.lastGap ? { lastGap: { ...status.lastGap } } : {}) }),
  };
}
