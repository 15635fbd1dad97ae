/**
 * A replay gap: the stored replay id could not be resumed from (older than the 72-hour
 * retention, or corrupted), so events between `from` and `until` may be lost. The app
 * stores it where an operator sees it and re-reads the org's changes of that range.
 */
export interface CdcGap {
  channel: string;
  reason: 'replay_id_invalid';
  /** The replay id that was refused. */
  lastReplayId: string;
  /** Where the subscription resumed: the earliest retained event, else new events only. */
  resumedFrom: 'EARLIEST' | 'LATEST';
  /** ISO time of the last event this process stored, `null` when not known (e.g. after a restart). */
  from: string | null;
  /** ISO time the gap was found. */
  until: string;
}

/** For `/readyz` and metrics: how the subscription is doing. */
export interface CdcStatus {
  channel: string;
  /**
   * `subscribed` (stream open), `connecting`, `backing_off` (retrying after an error),
   * `standby` (another process holds the lease), `stopped`.
   */
  state: 'subscribed' | 'connecting' | 'backing_off' | 'standby' | 'stopped';
  /** Consecutive failed attempts since the last good event. */
  retries: number;
  lastError: string | null;
  /** ISO time of the last event stored. */
  lastEventAt: string | null;
  gaps: number;
  lastGap: CdcGap | null;
}

/**
 * One subscriber per org across processes: a lease the app keeps in its database.
 * `acquire` takes it when free or expired; `renew` extends it and returns `false` once
 * another holder has taken it over; `release` frees it on a clean stop.
 */
export interface CdcLease {
  acquire(): Promise<boolean>;
  renew(): Promise<boolean>;
  release(): Promise<void>;
}
