import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CrmRef, Recipient } from '../address.js';
import type { Campaign, RecipientMode } from '../campaign.js';
import type { CrmEvent, PropertyValue } from '../event.js';

/** A CRM record as read for the rules: field name → value, in the CRM's own field names. */
export type CrmProperties = Record<string, PropertyValue>;

export type { RecipientMode } from '../campaign.js';

/** The fields to read per lower-case object type (`contact` → `['firstname', …]`). */
export type FieldsByObject = Record<string, string[]>;

/**
 * Record and association reads, the only CRM access enrichment needs. Object types are the
 * lower-case names of the event model (`contact`, `deal`, `opportunity`…); a missing record
 * is absent from the map, never an error. Errors (network, auth, rate limit) are thrown and
 * make the worker retry the event.
 */
export interface CrmReader {
  fetchRecords(objectType: string, ids: string[], fields: string[]): Promise<Map<string, CrmProperties>>;
  fetchAssociations(fromType: string, toType: string, ids: string[]): Promise<Map<string, string[]>>;
  /**
   * The same associations with the CRM's primary mark (HubSpot association labels, Salesforce
   * `OpportunityContactRole.IsPrimary`), in the CRM's order. Optional: without it every link
   * of `fetchAssociations` counts as unmarked.
   */
  fetchAssociationLinks?(
    fromType: string,
    toType: string,
    ids: string[],
  ): Promise<Map<string, AssociationLink[]>>;
}

/** One associated record and whether the CRM marks it primary. */
export interface AssociationLink {
  id: string;
  primary: boolean;
}

/** What the rules and the policies see for one event after its adapter resolved it. */
export interface Enrichment {
  /** Records by lower-case object type, as conditions and variables read them (`contact.*`, `company.*`…). */
  records: Record<string, CrmProperties | undefined>;
  /**
   * The recipient per recipient mode, or why there is none. `associated_contact` is the
   * primary associated contact, else the first.
   */
  recipients: Partial<Record<RecipientMode, Recipient | { missing: string }>>;
  /**
   * Every associated contact in the CRM's order with its primary mark, when the
   * `associated_contact` mode was asked for (`select: first | all` read it).
   */
  associated?: { recipient: Recipient; primary: boolean }[];
}

/** One workspace as an adapter sees it: its id, campaigns and this CRM's block of its settings. */
export interface AdapterWorkspace<Settings> {
  id: string;
  campaigns: readonly Campaign[];
  settings: Settings;
}

/**
 * One verified inbound delivery (a webhook request, an outbound message, a CDC batch) and the
 * events parsed from it, handed to the connector's inbox. `body` is the raw body as received.
 */
export interface InboundDeliveryInput {
  platform: string;
  /** How it arrived: `webhook`, `workflow_action`, `outbound_message`, `cdc`… */
  channel: string;
  /** The CRM account (portal, org) it came from; routes it to a workspace. */
  accountId: string | null;
  signatureVersion: string | null;
  body: string;
  events: CrmEvent[];
  /** Items of the delivery that could not be read as events (stored as `failed` / `malformed`). */
  malformed?: MalformedItem[];
}

/**
 * One item of an inbound delivery that could not be read as an event (a webhook batch item, an
 * outbound-message notification). The envelope parsed, so the rest of the delivery is stored
 * and acknowledged; this item is stored for the operator to see instead of failing the whole
 * delivery (a CRM does not retry a 4xx).
 *
 * - `raw`: the item as received (JSON or XML text); `error`: what is wrong and where.
 * - `externalId`: deterministic for the item (e.g. a hash of `raw`), so a retry stores it once.
 * - `accountId`, `objectType`, `objectId`: whatever of them could be read.
 */
export interface MalformedItem {
  raw: string;
  error: string;
  externalId: string;
  accountId?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
}

/**
 * Stores an inbound delivery and its events in one transaction (the inbox) and answers how
 * many events were new. The adapter answers the CRM only after this resolved; a throw means
 * nothing was stored and the CRM must retry (answer 5xx).
 */
export type AcceptDelivery = (
  delivery: InboundDeliveryInput,
) => Promise<{ accepted: number; duplicates: number }>;

/** Log sink for adapters: no secrets or personal data in `fields`. */
export interface AdapterLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * An HTTP route an adapter serves, framework-agnostic: the connector mounts `handler` at
 * `method path` (Express-style `:param` segments, read by the handler from `req.url`). The
 * handler reads the raw body itself (signatures are computed over raw bytes) and always answers.
 */
export interface InboundRoute {
  method: 'GET' | 'POST';
  path: string;
  /** The `channel` label of inbound-delivery metrics (`hubspot_webhook`); absent for other routes (OAuth). */
  channel?: string;
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface RouteContext<Settings> {
  /** Every configured workspace that has settings for this CRM. */
  workspaces: readonly AdapterWorkspace<Settings>[];
  accept: AcceptDelivery;
  logger: AdapterLogger;
}

/**
 * A write-back the connector asks the CRM to perform (one outbox row), the same union as the
 * connector's outbox payload:
 * - `workflow_callback`: complete a workflow step that waits on a piece (`SUCCESS`/`FAIL_CONTINUE`),
 *   optionally with output fields for later steps (mail status, tracking id, expected delivery);
 * - `mail_activity`: note on the recipient's record that a piece was handed to the mail platform,
 *   and update that note as the platform reports the piece moving (`status`, `activityId`).
 */
export type CrmWriteBack =
  | {
      type: 'workflow_callback';
      platform: string;
      callbackId: string;
      state: 'SUCCESS' | 'FAIL_CONTINUE';
      reason?: string | null | undefined;
      /** Output fields for later workflow steps (e.g. `hookpost_mail_status`). */
      outputFields?: Record<string, string> | undefined;
    }
  | {
      type: 'mail_activity';
      platform: string;
      objectType: string;
      objectId: string;
      triggerId: string;
      campaignId: string;
      subject: string;
      body: string;
      /** When the piece moved, Unix epoch milliseconds. */
      occurredAt: number;
      /** Where the piece is (`handed_off` when absent), as the mail platform reported it. */
      status?: string | undefined;
      trackingId?: string | null | undefined;
      carrier?: string | null | undefined;
      expectedDeliveryAt?: string | null | undefined;
      reason?: string | null | undefined;
      /** A corrected postal address (`line1`, `line2`, `postalCode`, `city`, `region`, `country`) to write to the record. */
      correctedAddress?: Record<string, string | null> | null | undefined;
      /** The CRM activity already following this piece (from an earlier write-back), to update instead of creating one. */
      activityId?: string | null | undefined;
    };

/** What a write-back reports back: the id of the CRM activity that follows the piece, when it wrote one. */
export interface CrmWriteBackResult {
  activityId?: string | undefined;
}

/** How a stream is doing, for `/readyz` and the operator. */
export interface StreamStatus {
  /** e.g. `salesforce:acme:/data/ContactChangeEvent`. */
  name: string;
  /** Adapter-defined state, e.g. `subscribed`, `connecting`, `backing_off`, `standby`, `stopped`. */
  state: string;
  /** False while the stream cannot deliver events (retrying after errors). A standby is healthy. */
  healthy: boolean;
  lastError: string | null;
  /** Replay gaps seen since start (events in a range may be lost and were re-read). */
  gaps: number;
}

/** One object type's properties as the CRM defines them. */
export interface PropertyCatalog {
  /** Whether property names compare case-insensitively (Salesforce API names do). */
  caseInsensitive: boolean;
  /** `options`: the values of an enumeration or picklist, `null` for other types. */
  properties: { name: string; options: string[] | null }[];
}

/** A running stream subscription (e.g. Salesforce Change Data Capture). */
export interface StreamHandle {
  stop(): Promise<void>;
  status?(): StreamStatus;
}

/**
 * One holder per stream across processes, kept by the host in its database: `acquire`
 * takes it when free or expired, `renew` extends it and returns `false` once another holder
 * took it over, `release` frees it on a clean stop.
 */
export interface StreamLease {
  acquire(): Promise<boolean>;
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** Where a stream left off, per channel, kept by the host for one workspace (e.g. CDC replay ids). */
export interface StreamPositions {
  get(channel: string): Promise<string | null>;
  set(channel: string, position: string): Promise<void>;
}

export interface StreamContext<Settings> {
  workspace: AdapterWorkspace<Settings>;
  /** Stores the stream's events; the position is stored only after this resolved. */
  accept: AcceptDelivery;
  positions: StreamPositions;
  logger: AdapterLogger;
  /** A lease per stream name, so one process across the fleet holds each subscription. */
  lease?: (name: string) => StreamLease;
  /** How often the holder renews its lease (and a standby polls), ms. */
  leaseRenewMs?: number;
  /** Called once per replay gap found (the host counts it). */
  onGap?: (stream: string) => void;
}

/**
 * Everything the connector knows about one CRM. The connector keeps a registry of adapters
 * keyed by `platform` and never branches on a CRM name: it mounts `routes`, routes events to
 * workspaces with `accountIdOf`/`accountKey`, reads with `readerFor`, asks `fieldsFor` which
 * fields the campaigns need, lets `resolve` find the recipients, and hands outbox rows to
 * `performWriteBack`.
 *
 * `Settings` is this CRM's block of a workspace's configuration (e.g. `hubspot:`).
 */
export interface CrmAdapter<Settings = unknown> {
  /** The platform name events carry (`CrmEvent.platform`), campaigns name in `trigger.platform`. */
  readonly platform: string;
  /** Human name for messages (`HubSpot`). */
  readonly displayName: string;

  /** Routes to mount; may be empty. Called once at start-up. */
  routes(context: RouteContext<Settings>): InboundRoute[];

  /** The CRM account (portal id, org id) a workspace's settings stand for. */
  accountIdOf(settings: Settings): string;
  /** Whether two account ids name the same account (e.g. Salesforce's 15/18-character org ids). */
  accountKey(accountId: string): string;
  /**
   * Secret values of a workspace's settings that can appear in a request path (e.g. the
   * Salesforce endpoint token): the host redacts them from every log line.
   */
  secretsOf?(settings: Settings): string[];
  /**
   * Route prefixes whose remainder is a secret (e.g. `/webhooks/salesforce` before the endpoint
   * token): the host logs such a path, however it is spelled, as the prefix plus `[redacted]`.
   */
  readonly secretPathPrefixes?: readonly string[];

  /**
   * The CRM's property definitions of one object type (`config check --online`): names and,
   * for enumerations / picklists, their option values. Throws when the CRM cannot be read.
   */
  describeObject?(workspace: AdapterWorkspace<Settings>, objectType: string): Promise<PropertyCatalog>;
  /** Object types `describeObject` knows (lower-case, as campaigns name them). */
  describedObjects?: readonly string[];

  /** Record and association reads for a workspace, or null when it has no API access. */
  readerFor(workspace: AdapterWorkspace<Settings>): CrmReader | null;

  /**
   * The fields to read per object type for these campaigns: each campaign's trigger property,
   * every field its conditions and variables name, the address fields of its recipient and the
   * workspace's opt-out field. The worker, dry runs and the CLI all call this one function.
   */
  fieldsFor(campaigns: readonly Campaign[], settings: Settings): FieldsByObject;

  /**
   * Loads the records the rules need for one event and resolves its recipient for each mode
   * in `modes` (contact, associated contact, company…). Without a reader it resolves what
   * the event itself carries.
   */
  resolve(
    event: CrmEvent,
    modes: ReadonlySet<RecipientMode>,
    options: { reader: CrmReader | null; fields: FieldsByObject },
  ): Promise<Enrichment>;

  /** Which recipient mode a record uses to address mail to itself (people: contact; companies: company). */
  ownMode(objectType: string): RecipientMode;

  /** True when a recipient's record carries the workspace's opt-out flag (checked before the policies). */
  isOptedOut(settings: Settings, enrichment: Enrichment, recipient: Recipient): boolean;

  /** True when a `deleted` event must purge and suppress the record (the CRM sends no separate privacy event). */
  deletionIsPrivacyDeletion(event: CrmEvent): boolean;

  /**
   * The id that survives a merge: the record later events of this person carry. For a
   * `merged` event the winner, otherwise the event's own `objectId`.
   */
  survivorOf(event: CrmEvent): string;
  /**
   * The object type of `survivorOf(event)` when it differs from the event's own (a Salesforce
   * Lead converted to a Contact survives as `contact`). Optional: the event's `objectType`
   * without it.
   */
  survivorTypeOf?(event: CrmEvent): string;
  /**
   * The ids this event says are gone into `survivorOf(event)` (a merge's losers), empty for
   * any other event. Their history, suppressions and pending pieces move to the survivor, and
   * later events for them are read as the survivor's. Optional: none without it.
   */
  mergedIdsOf?(event: CrmEvent): string[];
  /**
   * When the record read for an event shows that its record is gone into another although the
   * event did not say so (a Salesforce Lead read with `IsConverted` and `ConvertedContactId`,
   * its message carrying neither): the survivor. The worker applies that merge beside the
   * event's decisions, so the Lead's pending pieces and the survivor's become one. Optional:
   * reads never show a merge without it.
   */
  mergeShownByRead?(
    event: CrmEvent,
    enrichment: Enrichment,
  ): { survivorId: string; survivorObjectType: string } | undefined;

  /** Whether delivered pieces are noted on this recipient's CRM record (`mail_activity`). */
  writeBackEnabled(settings: Settings, recipient: CrmRef): boolean;

  /**
   * Performs one write-back; throws to be retried by the outbox. A `mail_activity` resolves
   * with the id of the activity it created or updated, which the host passes back as
   * `activityId` on the piece's next write-back.
   */
  performWriteBack(
    workspace: AdapterWorkspace<Settings>,
    request: CrmWriteBack,
    // biome-ignore lint/suspicious/noConfusingVoidType: adapters written before the result existed declare `Promise<void>` and stay valid
  ): Promise<CrmWriteBackResult | void>;

  /** Starts optional streams (e.g. Change Data Capture) for a workspace; null when none is configured. */
  startStream?(context: StreamContext<Settings>): StreamHandle | null;

  /**
   * Parses a sample payload as the routes would (for dry runs): a JSON value or raw text.
   * Throws an error with a 4xx-worthy message for malformed input.
   */
  parseSample?(sample: unknown): CrmEvent[];
  /** Whether raw file text looks like this CRM's payload (e.g. XML for Salesforce). */
  recognisesSample?(text: string): boolean;
}

/** An adapter with its settings type erased, as registries hold them. */
// biome-ignore lint/suspicious/noExplicitAny: settings are typed per adapter, erased in the registry.
export type AnyCrmAdapter = CrmAdapter<any>;
