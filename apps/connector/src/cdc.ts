import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CdcTransport, ReplayStore } from '@hookpost/salesforce';
import { createCdcSubscriber, createPubSubTransport } from '@hookpost/salesforce';
import type { Kysely } from 'kysely';
import type { WorkspaceConfig } from './config/schema.js';
import type { Database } from './db/types.js';
import type { Logger } from './log.js';
import type { Inbox } from './store/inbox.js';

export type CdcTransportFactory = (workspace: WorkspaceConfig) => CdcTransport;

const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 60_000;

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

/**
 * Subscribes each workspace with `salesforce.cdc` to Change Data Capture: events go to the
 * inbox (one transaction) before their replay id is stored; a dropped stream is resumed
 * from the stored replay id with back-off. Several processes may subscribe at once: the
 * inbox's unique key absorbs the duplicates.
 */
export function startCdc(options: {
  workspaces: readonly WorkspaceConfig[];
  db: Kysely<Database>;
  inbox: Inbox;
  logger: Logger;
  transportFor: CdcTransportFactory;
  onStored: () => void;
}): { stop(): Promise<void> } {
  const stops: (() => Promise<void>)[] = [];
  for (const workspace of options.workspaces) {
    const sf = workspace.salesforce;
    if (!sf?.cdc?.enabled) continue;
    const log = options.logger.child({ workspace: workspace.id, channel: sf.cdc.channel });
    let delayMs = RESTART_MIN_MS;
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const subscriber = createCdcSubscriber({
      transport: options.transportFor(workspace),
      replayStore: createReplayStore(options.db, workspace.id),
      organizationId: sf.organizationId,
      channel: sf.cdc.channel,
      skipChangeOrigins: sf.cdc.skipChangeOrigins,
      onEvents: async (events) => {
        await options.inbox.ingest({
          platform: 'salesforce',
          channel: 'cdc',
          accountId: sf.organizationId,
          signatureVersion: null,
          body: JSON.stringify(events.map((e) => e.source)),
          events,
        });
        delayMs = RESTART_MIN_MS;
        options.onStored();
      },
      onError: (error) => {
        log.warn({ code: error.code }, error.message);
        if (subscriber.failure() && !stopped && !timer) {
          timer = setTimeout(() => {
            timer = null;
            subscriber.start().catch((e: unknown) => log.error({ err: e }, 'CDC restart failed'));
          }, delayMs);
          delayMs = Math.min(delayMs * 2, RESTART_MAX_MS);
        }
      },
    });
    subscriber.start().then(
      () => log.info('CDC subscription started'),
      (error: unknown) => log.error({ err: error }, 'CDC subscription failed to start'),
    );
    stops.push(async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await subscriber.stop();
    });
  }
  return { stop: async () => void (await Promise.all(stops.map((s) => s()))) };
}
