import type { Generated } from 'kysely';

/**
 * Table shapes. Times are Unix epoch milliseconds (BIGINT), JSON is TEXT and flags are
 * INTEGER 0/1, so the same queries run unchanged on SQLite and PostgreSQL.
 */
export interface Database {
  raw_deliveries: RawDeliveryTable;
  events: EventTable;
  /**
   * A view (read only): `decision_rows` and each event's quiet decisions (`events.decision_set`
   * expanded), one row per campaign (and recipient) decided. Write `decision_rows`,
   * `decision_sets` and the event's columns (`writeDecisions`).
   */
  decisions: DecisionTable;
  decision_rows: DecisionRowTable;
  decision_sets: DecisionSetTable;
  triggers: TriggerTable;
  delivery_attempts: DeliveryAttemptTable;
  suppressions: SuppressionTable;
  installations: InstallationTable;
  replay_ids: ReplayIdTable;
  outbox: OutboxTable;
  stream_leases: StreamLeaseTable;
  seen_signatures: SingleUseKeyTable;
  used_oauth_states: SingleUseKeyTable;
  property_clocks: PropertyClockTable;
  decision_history: DecisionTable;
  mail_statuses: MailStatusTable;
  record_merges: RecordMergeTable;
  event_id_formats: EventIdFormatTable;
}

/**
 * When an event id format started (`0014_ids_time_prefixed`): `time_prefixed` since `since`
 * (epoch ms), 0 when no event was stored before it (no plain ids to look for).
 */
export interface EventIdFormatTable {
  name: string;
  since: number;
}

/**
 * A record a CRM merged away (`hubspot:contact:5101`) and the record it lives on in
 * (`hubspot:contact:5104`); always the final survivor (chains are collapsed when written).
 */
export interface RecordMergeTable {
  workspace_id: string;
  merged_ref: string;
  survivor_ref: string;
  /** The merge event that said so. */
  event_id: string;
  created_at: number;
}

/** A key accepted once until `expires_at` (epoch ms): replayed signatures, used OAuth states. */
export interface SingleUseKeyTable {
  key: string;
  expires_at: number;
}

/** The `type` of the outbox payload union (see store/outbox-payload.ts). */
export type OutboxKind = 'workflow_callback' | 'mail_activity' | 'platform_cancel';

/** `dead`: retries exhausted (max attempts or max age); the same final name on every queue. */
export type OutboxStatus = 'pending' | 'done' | 'dead';

export interface OutboxTable {
  id: string;
  kind: OutboxKind;
  workspace_id: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface RawDeliveryTable {
  id: string;
  platform: string;
  channel: string;
  account_id: string | null;
  received_at: number;
  signature_version: string | null;
  event_count: number;
  body: string;
}

/**
 * `dead`: processing failed on every retry; `failed`: the stored item can never be
 * processed (malformed), so it was not retried.
 */
export type EventStatus = 'pending' | 'triggered' | 'no_match' | 'skipped' | 'unrouted' | 'dead' | 'failed';

export interface EventTable {
  id: string;
  platform: string;
  account_id: string;
  external_id: string;
  workspace_id: string | null;
  channel: string;
  object_type: string;
  object_id: string;
  kind: string;
  occurred_at: number;
  received_at: number;
  raw_delivery_id: string;
  payload: string;
  status: EventStatus;
  reason: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_until: number;
  processed_at: number | null;
  /**
   * The `decision_sets` entry listing this event's quiet decisions (no_match, no recipient,
   * no piece) of run `decision_run`; null when it has none. Read through the `decisions` view.
   */
  decision_set?: string | null;
  decision_run?: number | null;
}

export interface DecisionTable {
  event_id: string;
  /**
   * 1 for the first decision of an event; each replay adds the next run. `decisions` holds
   * the latest run, `decision_history` (same shape) the runs before it.
   */
  run: number;
  campaign_id: string;
  workspace_id: string;
  outcome: 'triggered' | 'no_match' | 'skipped';
  /** The failed clause (`trigger.to: …`) or the skip reason code (`incomplete_address`). */
  reason: string | null;
  /** What exactly, for the operator (`address.postalCode: expected 5 digits for DE`). */
  detail: string | null;
  trigger_id: string | null;
  /**
   * The recipient the decision checked (`hubspot:contact:7005`), `''` when there was none
   * (the trigger clause failed first, or no recipient). Part of the key: a campaign with
   * `select: all` decides once per recipient.
   */
  recipient_ref: string;
  created_at: number;
}

/** A stored decision that names a recipient or a piece (`decision_rows`). */
export interface DecisionRowTable extends DecisionTable {
  /**
   * The recipient's CRM id (`7005`) when the recipient is another record than the event's
   * own, else null: what a recipient search seeks (partial index `decision_rows_recipient_id`);
   * decisions about the event's own record are found by `events.object_id`.
   */
  recipient_id?: string | null;
}

/** A list of quiet decisions shared by the event runs that decided alike: JSON `[[campaign_id, reason, detail], …]`; `id` hashes it. */
export interface DecisionSetTable {
  id: string;
  entries: string;
}

export type TriggerStatus = 'pending' | 'delivered' | 'cancelled' | 'dead';

export interface TriggerTable {
  id: string;
  dedupe_key: string;
  workspace_id: string;
  campaign_id: string;
  destination: string;
  event_id: string;
  recipient_key: string;
  recipient_ref: string;
  /** `platform:objectType:objectId` of the record whose event created the trigger. */
  source_ref: string;
  /** JSON `{ crmHash, emailHash, addressHash }`: what a privacy deletion suppresses. */
  recipient_hashes: string;
  status: TriggerStatus;
  reason: string | null;
  payload: string;
  send_at: number | null;
  next_attempt_at: number;
  attempts: number;
  /** Start of the current retry window (creation, or the last replay): maxAge counts from here. */
  retry_window_start: number;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
  lease_owner: string | null;
  lease_until: number;
  callback_id: string | null;
  last_error: string | null;
  /** The way back (migration 0009): the mail platform's current status of the piece. */
  mail_status: Generated<string | null>;
  mail_status_at: Generated<number | null>;
  mail_tracking_id: Generated<string | null>;
  mail_expected_delivery_at: Generated<string | null>;
  /** The CRM activity that follows the piece (HubSpot postal_mail id, Salesforce Task id). */
  mail_activity_id: Generated<string | null>;
  /** JSON of the address the platform corrected to. */
  corrected_address: Generated<string | null>;
  /** Cancel after hand-off: `requested` | `cancelled` | `too_late` | `failed` | `unsupported`. */
  platform_cancel: Generated<string | null>;
  platform_cancel_detail: Generated<string | null>;
}

/** One status report of a piece from the mail platform (its timeline). */
export interface MailStatusTable {
  id: string;
  workspace_id: string;
  destination: string;
  /** The platform's report id (`mst_…`), unique per destination. */
  report_id: string;
  trigger_id: string;
  status: string;
  occurred_at: number;
  received_at: number;
  tracking_id: string | null;
  carrier: string | null;
  expected_delivery_at: string | null;
  reason: string | null;
  /** JSON of the reported address, when the report carries one. */
  address: string | null;
  /** 1 when the report moved the piece's current status forward. */
  applied: number;
}

export interface DeliveryAttemptTable {
  id: string;
  trigger_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  outcome: string;
  error: string | null;
  response_body: string | null;
}

export interface SuppressionTable {
  id: string;
  workspace_id: string;
  kind: string;
  value: string;
  reason: string;
  created_at: number;
}

export interface InstallationTable {
  portal_id: string;
  access_token: string;
  refresh_token: string;
  expires_at: number;
  scopes: string | null;
  created_at: number;
  updated_at: number;
}

export interface ReplayIdTable {
  channel: string;
  replay_id: string;
  updated_at: number;
}

/** One row per Change Data Capture stream: the process subscribed to it until `expires_at`. */
export interface StreamLeaseTable {
  name: string;
  holder: string;
  expires_at: number;
  updated_at: number;
}

/** The newest change applied per record and property: an event older than this is stale. */
export interface PropertyClockTable {
  workspace_id: string;
  /** `platform:objectType:objectId`. */
  record_ref: string;
  property: string;
  occurred_at: number;
  event_id: string;
}
