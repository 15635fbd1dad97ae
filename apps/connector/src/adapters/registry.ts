import type {
  AcceptDelivery,
  AdapterLogger,
  AdapterWorkspace,
  AnyCrmAdapter,
  Campaign,
  CrmAdapter,
  CrmEvent,
  CrmReader,
  CrmRef,
  CrmWriteBack,
  CrmWriteBackResult,
  Enrichment,
  FieldsByObject,
  InboundRoute,
  PropertyCatalog,
  Recipient,
  RecipientMode,
  StreamHandle,
  StreamLease,
  StreamPositions,
} from '@hookpost/core';
import type { WorkspaceConfig } from '../config/schema.js';
import { withRecordCache } from '../enrich/reader.js';

/** One CRM adapter and where its settings sit in a workspace's configuration. */
export interface AdapterRegistration {
  adapter: AnyCrmAdapter;
  /** This CRM's block of a workspace (`workspace.hubspot`), or undefined when the workspace does not use it. */
  settingsOf(workspace: WorkspaceConfig): unknown;
}

/**
 * Pairs an adapter with the function that finds its settings in a workspace, keeping the two
 * types in step.
 *
 * @example
 * register(createHubSpotAdapter(options), (workspace) => workspace.hubspot);
 */
export function register<S>(
  adapter: CrmAdapter<S>,
  settingsOf: (workspace: WorkspaceConfig) => S | undefined,
): AdapterRegistration {
  return { adapter, settingsOf };
}

/** One workspace's view of one CRM: everything the worker and dry runs need, fields derived once. */
export interface WorkspaceCrm {
  platform: string;
  reader: CrmReader | null;
  /** The fields to read per object type, from `CrmAdapter.fieldsFor` over this CRM's campaigns. */
  fields: FieldsByObject;
  resolve(event: CrmEvent, modes: ReadonlySet<RecipientMode>): Promise<Enrichment>;
  ownMode(objectType: string): RecipientMode;
  isOptedOut(enrichment: Enrichment, recipient: Recipient): boolean;
  deletionIsPrivacyDeletion(event: CrmEvent): boolean;
  survivorOf(event: CrmEvent): string;
  /** The survivor's object type (a converted Lead survives as `contact`); the event's own otherwise. */
  survivorTypeOf(event: CrmEvent): string;
  /** The ids a merge event says are gone into `survivorOf(event)`; empty for other events. */
  mergedIdsOf(event: CrmEvent): string[];
  /** The survivor the record read shows for an event that did not announce a merge (a converted Lead). */
  mergeShownByRead(
    event: CrmEvent,
    enrichment: Enrichment,
  ): { survivorId: string; survivorObjectType: string } | undefined;
}

/** The connector's only view of CRMs: every per-CRM decision goes through here. */
export interface AdapterRegistry {
  /** Registered platform names, in registration order. */
  readonly platforms: readonly string[];
  adapter(platform: string): AnyCrmAdapter | undefined;
  /** The CRM accounts a workspace is configured for, with each adapter's comparison key. */
  accountsOf(workspace: WorkspaceConfig): { platform: string; key: string }[];
  /** The comparison key of an inbound account id (`accountKey` of its adapter). */
  accountKey(platform: string, accountId: string): string;
  /** The workspace's bound CRM for a platform, or null when the platform is unknown or not configured there. */
  crmFor(workspace: WorkspaceConfig, platform: string): WorkspaceCrm | null;
  /** Every adapter's routes, for the workspaces configured for it. */
  routes(
    workspaces: readonly WorkspaceConfig[],
    accept: AcceptDelivery,
    logger: AdapterLogger,
  ): InboundRoute[];
  /** Starts every configured stream (e.g. Change Data Capture). */
  startStreams(
    workspaces: readonly WorkspaceConfig[],
    context: {
      accept: AcceptDelivery;
      positionsFor(workspaceId: string): StreamPositions;
      logger: AdapterLogger;
      /** One holder per stream across processes (a lease row in the database). */
      lease?: (name: string) => StreamLease;
      leaseRenewMs?: number;
      onGap?: (stream: string) => void;
    },
  ): StreamHandle[];
  /** Object types whose property definitions a platform's adapter can read. */
  describedObjects(platform: string): ReadonlySet<string>;
  /** A workspace's property definitions of one object type on one platform (throws when unreadable). */
  describeObject(workspace: WorkspaceConfig, platform: string, objectType: string): Promise<PropertyCatalog>;
  /** Route prefixes whose remainder is a secret (logged as `[redacted]`). */
  secretPathPrefixes: readonly string[];
  /** Secrets of the workspaces' CRM settings that may appear in request paths (redacted from logs). */
  secretsIn(workspaces: readonly WorkspaceConfig[]): string[];
  /** Whether a delivered piece for this recipient is noted on its CRM record (`mail_activity`). */
  writeBackEnabled(workspace: WorkspaceConfig, recipient: CrmRef): boolean;
  /**
   * Performs one outbox row against the CRM its `platform` names; throws to be retried.
   * Resolves with the CRM activity's id when the adapter reports one (`mail_activity`).
   */
  performWriteBack(workspace: WorkspaceConfig, request: CrmWriteBack): Promise<CrmWriteBackResult>;
  /** Parses a dry-run sample given under a platform's key (`{ hubspot: [...] }`). */
  parseSample(platform: string, sample: unknown): CrmEvent[];
  /** The platform whose sample format this file text looks like, if any. */
  recogniseSample(text: string): string | undefined;
}

/** The workspace's campaigns that fire on events of one platform. */
const campaignsOf = (workspace: WorkspaceConfig, platform: string) =>
  (workspace.campaigns as Campaign[]).filter((c) => c.trigger.platform === platform);

/**
 * The registry over a list of adapters. Readers get a short-lived record cache; bound CRMs
 * (reader, derived fields) are built once per workspace and platform.
 */
export function createAdapterRegistry(registrations: readonly AdapterRegistration[]): AdapterRegistry {
  const byPlatform = new Map(registrations.map((r) => [r.adapter.platform, r]));
  if (byPlatform.size !== registrations.length)
    throw new Error('[@hookpost/connector] two adapters are registered for the same platform');
  const bound = new Map<string, WorkspaceCrm | null>();

  function adapterWorkspace(workspace: WorkspaceConfig, platform: string): AdapterWorkspace<unknown> | null {
    const settings = byPlatform.get(platform)?.settingsOf(workspace);
    return settings === undefined
      ? null
      : { id: workspace.id, campaigns: campaignsOf(workspace, platform), settings };
  }

  function required(platform: string) {
    const registration = byPlatform.get(platform);
    if (!registration) throw new Error(`[@hookpost/connector] no adapter for platform "${platform}"`);
    return registration;
  }

  function bind(workspace: WorkspaceConfig, platform: string): WorkspaceCrm | null {
    const registration = byPlatform.get(platform);
    const scoped = adapterWorkspace(workspace, platform);
    if (!registration || !scoped) return null;
    const { adapter } = registration;
    const direct = adapter.readerFor(scoped);
    const reader = direct ? withRecordCache(direct) : null;
    const fields = adapter.fieldsFor(scoped.campaigns, scoped.settings);
    return {
      platform,
      reader,
      fields,
      resolve: (event, modes) => adapter.resolve(event, modes, { reader, fields }),
      ownMode: (objectType) => adapter.ownMode(objectType),
      isOptedOut: (enrichment, recipient) => adapter.isOptedOut(scoped.settings, enrichment, recipient),
      deletionIsPrivacyDeletion: (event) => adapter.deletionIsPrivacyDeletion(event),
      survivorOf: (event) => adapter.survivorOf(event),
      survivorTypeOf: (event) => adapter.survivorTypeOf?.(event) ?? event.objectType,
      mergedIdsOf: (event) => adapter.mergedIdsOf?.(event) ?? [],
      mergeShownByRead: (event, enrichment) => adapter.mergeShownByRead?.(event, enrichment),
    };
  }

  return {
    platforms: [...byPlatform.keys()],
    adapter: (platform) => byPlatform.get(platform)?.adapter,
    accountsOf(workspace) {
      return registrations.flatMap(({ adapter, settingsOf }) => {
        const settings = settingsOf(workspace);
        if (settings === undefined) return [];
        return [{ platform: adapter.platform, key: adapter.accountKey(adapter.accountIdOf(settings)) }];
      });
    },
    accountKey: (platform, accountId) => byPlatform.get(platform)?.adapter.accountKey(accountId) ?? accountId,
    crmFor(workspace, platform) {
      const key = `${workspace.id}\u0000${platform}`;
      if (!bound.has(key)) bound.set(key, bind(workspace, platform));
      return bound.get(key) ?? null;
    },
    routes(workspaces, accept, logger) {
      return registrations.flatMap(({ adapter }) =>
        adapter.routes({
          workspaces: workspaces.flatMap((w) => adapterWorkspace(w, adapter.platform) ?? []),
          accept,
          logger,
        }),
      );
    },
    startStreams(workspaces, { accept, positionsFor, logger, ...shared }) {
      const handles: StreamHandle[] = [];
      for (const { adapter } of registrations) {
        if (!adapter.startStream) continue;
        for (const workspace of workspaces) {
          const scoped = adapterWorkspace(workspace, adapter.platform);
          if (!scoped) continue;
          const handle = adapter.startStream({
            workspace: scoped,
            accept,
            positions: positionsFor(workspace.id),
            logger,
            ...shared,
          });
          if (handle) handles.push(handle);
        }
      }
      return handles;
    },
    describedObjects: (platform) => new Set(byPlatform.get(platform)?.adapter.describedObjects ?? []),
    async describeObject(workspace, platform, objectType) {
      const { adapter } = required(platform);
      const scoped = adapterWorkspace(workspace, platform);
      if (!scoped) throw new Error(`workspace ${workspace.id} has no ${adapter.displayName} settings`);
      if (!adapter.describeObject) throw new Error(`${adapter.displayName} cannot describe its objects`);
      return adapter.describeObject(scoped, objectType);
    },
    secretPathPrefixes: registrations.flatMap(({ adapter }) => adapter.secretPathPrefixes ?? []),
    secretsIn(workspaces) {
      return workspaces.flatMap((workspace) =>
        registrations.flatMap(({ adapter, settingsOf }) => {
          const settings = settingsOf(workspace);
          return settings !== undefined && adapter.secretsOf ? adapter.secretsOf(settings) : [];
        }),
      );
    },
    writeBackEnabled(workspace, recipient) {
      const registration = byPlatform.get(recipient.platform);
      const settings = registration?.settingsOf(workspace);
      return (
        registration !== undefined &&
        settings !== undefined &&
        registration.adapter.writeBackEnabled(settings, recipient)
      );
    },
    async performWriteBack(workspace, request) {
      const { adapter } = required(request.platform);
      const scoped = adapterWorkspace(workspace, request.platform);
      if (!scoped)
        throw new Error(
          `workspace ${workspace.id} has no ${adapter.displayName} settings for this write-back`,
        );
      return (await adapter.performWriteBack(scoped, request)) ?? {};
    },
    parseSample(platform, sample) {
      const { adapter } = required(platform);
      if (!adapter.parseSample) throw new Error(`${adapter.displayName} has no sample format`);
      return adapter.parseSample(sample);
    },
    recogniseSample: (text) =>
      registrations.find((r) => r.adapter.recognisesSample?.(text))?.adapter.platform,
  };
}
