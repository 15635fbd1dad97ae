import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CdcStatus, CdcSubscriber, CdcTransport, ReplayStore } from '@hookpost/salesforce';
import { createCdcSubscriber, createPubSubTransport, toOrgId18 } from '@hookpost/salesforce';
import type { Kysely } from 'kysely';
import type { WorkspaceConfig } from './config/schema.js';
import type { Database } from './db/types.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { Inbox } from './store/inbox.js';
import { createStreamLease } from './store/stream-lease.js';

export type CdcTransportFactory = (workspace: WorkspaceConfig) => CdcTransport;

/** Replay ids per workspace and channel, in the `replay_ids` table. */
export function createReplayStore(db: Kysely<Database>, workspaceId: string, now = Date.now): ReplayStore {
  const key = (channel: string) => `${workspaceId}:${channel}`;
  return {
    async get(channel) {
      const row = await db
        .selectFrom('replay_ids')
        .select('replay_id')
        .where('channel', '=', key(channel))
        .executeTakeFirst();
      return row?.replay_id ?? null;
    },
    async set(channel, replayId) {
      await db
        .insertInto('replay_ids')
        .values({ channel: key(channel), replay_id: replayId, updated_at: now() })
        .onConflict((oc) => oc.column('channel').doUpdateSet({ replay_id: replayId, updated_at: now() }))
        .execute();
    },
  };
}

/** The real transport: the Pub/Sub API with the workspace's JWT bearer credentials. */
export function pubSubTransportFor(configDir: string): CdcTransportFactory {
  return (workspace) => {
    const sf = workspace.salesforce;
    if (!sf?.auth) throw new Error(`workspace ${workspace.id}: salesforce.cdc needs salesforce.auth`);
    return createPubSubTransport({
      auth: {
        type: 'jwt',
        clientId: sf.auth.clientId,
        username: sf.auth.username,
        privateKey: readFileSync(path.resolve(configDir, sf.auth.privateKeyFile), 'utf8'),
        loginUrl: sf.loginUrl,
      },
      ...(sf.cdc?.pubSubEndpoint ? { pubSubEndpoint: sf.cdc.pubSubEndpoint } : {}),
    });
  };
}

/** Lease timings; defaults suit production (a dead holder is replaced within ~30 s). */
export interface CdcLeaseTimings {
  ttlMs: number;
  renewMs: number;
}

/**
 * Subscribes each workspace with `salesforce.cdc` to Change Data Capture through the
 * package's self-healing subscriber: events go to the inbox (one transaction) before their
 * replay id is stored; stream errors resubscribe with jittered back-off; a refused replay id
 * resumes from EARLIEST/LATEST and logs the gap at error level. One process per org and
 * channel holds the subscription (a `stream_leases` row); the others stand by.
 */
export function startCdc(options: {
  workspaces: readonly WorkspaceConfig[];
  db: Kysely<Database>;
  inbox: Inbox;
  logger: Logger;
  transportFor: CdcTransportFactory;
  onStored: () => void;
  /** CDC events count in `hookpost_events_accepted_total` / `…_duplicate_total` like pushed ones. */
  metrics?: Pick<Metrics, 'eventsAccepted' | 'eventsDuplicate'>;
  lease?: CdcLeaseTimings;
  holder?: string;
}): { stop(): Promise<void>; status(): CdcStatus[] } {
  const subscribers: CdcSubscriber[] = [];
  const timings = options.lease ?? { ttlMs: 30_000, renewMs: 10_000 };
  for (const workspace of options.workspaces) {
    const sf = workspace.salesforce;
    if (!sf?.cdc?.enabled) continue;
    const log = options.logger.child({ workspace: workspace.id, channel: sf.cdc.channel });
    const organizationId = toOrgId18(sf.organizationId);
    const subscriber = createCdcSubscriber({
      transport: options.transportFor(workspace),
      replayStore: createReplayStore(options.db, workspace.id),
      organizationId,
      channel: sf.cdc.channel,
      skipChangeOrigins: sf.cdc.skipChangeOrigins,
      lease: createStreamLease(options.db, {
        name: `salesforce:${organizationId}:${sf.cdc.channel}`,
        ttlMs: timings.ttlMs,
        ...(options.holder ? { holder: options.holder } : {}),
      }),
      leaseRenewMs: timings.renewMs,
      onEvents: async (events) => {
        const result = await options.inbox.ingest({
          platform: 'salesforce',
          channel: 'cdc',
          accountId: sf.organizationId,
          signatureVersion: null,
          body: JSON.stringify(events.map((e) => e.source)),
          events,
        });
        options.metrics?.eventsAccepted.inc({ platform: 'salesforce' }, result.accepted);
        if (result.duplicates > 0)
          options.metrics?.eventsDuplicate.inc({ platform: 'salesforce' }, result.duplicates);
        options.onStored();
      },
      onGap: (gap) => log.error({ gap }, 'CDC replay gap: events in this range may be lost; re-read the org'),
      onError: (error) => log.warn({ code: error.code }, error.message),
    });
    subscriber.start().then(
      () => log.info({ state: subscriber.status().state }, 'CDC subscriber started'),
      (error: unknown) => log.error({ err: error }, 'CDC subscription failed to start'),
    );
    subscribers.push(subscriber);
  }
  return {
    stop: async () => void (await Promise.all(subscribers.map((s) => s.stop()))),
    status: () => subscribers.map((s) => s.status()),
  };
}
