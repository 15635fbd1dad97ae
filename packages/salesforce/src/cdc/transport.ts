import type { CdcEvent } from './types.js';

/** What a {@link CdcTransport} calls back with. */
export interface CdcSubscribeHandlers {
  /** Resume after this replay id; absent = only new events. */
  replayId?: string;
  /** Called in delivery order; the subscriber queues the work. */
  onEvent(event: CdcEvent): void;
  onError(error: unknown): void;
}

/** An open subscription; `close()` ends the stream. */
export interface CdcSubscription {
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
