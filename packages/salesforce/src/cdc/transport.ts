import type { CdcEvent } from './types.js';

/**
 * Where a subscription starts: after a stored replay id (`CUSTOM`), at the earliest
 * retained event (`EARLIEST`, up to 72 h back) or at new events only (`LATEST`).
 * Source: https://developer.salesforce.com/docs/platform/pub-sub-api/references/methods/subscribe-rpc.html
 */
export type ReplayStart =
  | { preset: 'CUSTOM'; replayId: string }
  | { preset: 'EARLIEST' }
  | { preset: 'LATEST' };

/** What a {@link CdcTransport} calls back with. */
export interface CdcSubscribeHandlers {
  start: ReplayStart;
  /** Events asked for up front (`FetchRequest.num_requested`); more via `request()`. */
  numRequested: number;
  /** Called in delivery order; the subscriber queues the work. */
  onEvent(event: CdcEvent): void;
  /** The stream is gone (whatever the cause); {@link isInvalidReplayIdError} tells a bad replay id apart. */
  onError(error: unknown): void;
}

/** An open subscription. */
export interface CdcSubscription {
  /** Flow control: the subscriber has room for `count` more events. */
  request(count: number): void;
  close(): void | Promise<void>;
}

/** Where change events come from: the Pub/Sub API in production, anything in tests. */
export interface CdcTransport {
  subscribe(channel: string, handlers: CdcSubscribeHandlers): Promise<CdcSubscription>;
}

/** Where the last processed replay id of each channel is kept (the app's store). */
export interface ReplayStore {
  get(channel: string): Promise<string | null>;
  set(channel: string, replayId: string): Promise<void>;
}

/**
 * Whether a stream error means the replay id cannot be resumed from (too old, i.e. past
 * the 72-hour retention, or corrupted): gRPC `INVALID_ARGUMENT` with the Pub/Sub error
 * code `sfdc.platform.eventbus.grpc.subscription.fetch.replayid.*` in the trailers.
 * Source: https://developer.salesforce.com/docs/platform/pub-sub-api/guide/retry-rpc-calls.html
 */
export function isInvalidReplayIdError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, metadata, details, message } = error as {
    code?: unknown;
    metadata?: { get?: (key: string) => unknown[] };
    details?: unknown;
    message?: unknown;
  };
  const errorCode = String(metadata?.get?.('error-code')?.[0] ?? '');
  if (errorCode.includes('.replayid.')) return true;
  const text = `${String(details ?? '')} ${String(message ?? '')}`;
  return code === 3 && /replay ?id/i.test(text);
}
