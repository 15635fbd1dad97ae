import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { Router } from 'express';
import { type ComposeOptions, type CrmOptions, createRegistry } from './adapters/compose.js';
import type { AdapterRegistry } from './adapters/registry.js';
import type { HookpostConfig } from './config/schema.js';
import { type DatabaseHandle, DEFAULT_DATABASE_URL, openDatabase, redactUrl } from './db/connect.js';
import { migrateToLatest } from './db/migrations.js';
import { allowYoungGrowth, WORKER_YOUNG_CAP_BYTES, YOUNG_CAP_BYTES } from './heap.js';
import type { Logger } from './log.js';
import { type Loop, startLoop } from './loop.js';
import { createMetrics, type Metrics } from './metrics.js';
import { recordQueueDepth } from './queue/depth.js';
import { startRetention } from './retention.js';
import { createInbox, type Inbox } from './store/inbox.js';
import { createStreamLease } from './store/stream-lease.js';
import { createStreamPositions } from './store/stream-positions.js';
import { createWorkspaceIndex, type WorkspaceIndex } from './workspaces.js';

export interface StartOptions {
  config: HookpostConfig;
  configDir: string;
  logger: Logger;
  databaseUrl?: string;
  port?: number;
  host?: string;
  /** Serve HTTP (`hookpost start`); false for `hookpost worker`. */
  http?: boolean;
  /** Run the worker, dispatcher and outbox loops in this process. */
  worker?: boolean;
  /** Options of the built-in CRM adapters (e.g. a Change Data Capture transport for tests). */
  crm?: CrmOptions;
  /** More CRM adapters, registered after the built-in ones. */
  adapters?: ComposeOptions['adapters'];
  /** Stream lease timings (one subscriber per stream across processes); default 30 s TTL, 10 s renewal. */
  streamLease?: { ttlMs: number; renewMs: number };
  /** Builds the admin API router (`/api`) once the runtime exists. */
  api?: (runtime: ConnectorContext) => Router;
  /** Builds the operator console's routes (`/console/`), called after `api`. */
  console?: (runtime: ConnectorContext) => Router;
  env?: NodeJS.ProcessEnv;
}

/** Everything a route or command needs from a running connector. */
export interface ConnectorContext {
  config: HookpostConfig;
  handle: DatabaseHandle;
  workspaces: WorkspaceIndex;
  /** The CRM adapters: routes, routing, reads, derived fields, write-back, streams. */
  registry: AdapterRegistry;
  metrics: Metrics;
  inbox: Inbox;
  logger: Logger;
  /** Wakes the worker and dispatcher (new events, a replay). */
  poke(): void;
}

export interface RunningConnector extends ConnectorContext {
  server: Server | null;
  port: number | null;
  /** Stops accepting, finishes in-flight requests and work, closes the database. */
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function startConnector(options: StartOptions): Promise<RunningConnector> {
  const { config, logger, http = true, worker = true, env = process.env } = options;
  const databaseUrl = options.databaseUrl ?? DEFAULT_DATABASE_URL;
  // A server or worker starts its checkpoint thread now, before it serves, rather than when
  // the WAL first passes 1 MB (db/checkpoint.ts): starting it blocks this thread while the
  // new one sets up its heap, 40–320 ms under load (bench/stall-probe.mjs, measured on the
  // pinned core), which every request then in flight waited out. It costs about 10 MB of
  // idle RSS (bench/memory.ts).
  const handle = openDatabase(databaseUrl, process.cwd(), { checkpoint: { startAfterBytes: 0 } });
  const applied = await migrateToLatest(handle.db as never);
  logger.info({ database: redactUrl(databaseUrl), dialect: handle.dialect, applied }, 'database ready');

  const metrics = createMetrics();
  const registry = createRegistry({
    config,
    configDir: options.configDir,
    db: handle.db,
    dialect: handle.dialect,
    env,
    ...options.crm,
    ...(options.adapters ? { adapters: options.adapters } : {}),
  });
  const workspaces = createWorkspaceIndex(config, registry);
  const inbox = createInbox({ db: handle.db, dialect: handle.dialect, workspaces });
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const loops: Loop[] = [];
  let releaseClaimedAhead: (() => Promise<void>) | undefined;
  const poke = () => {
    for (const loop of loops) loop.poke();
  };
  const context: ConnectorContext = {
    config,
    handle,
    workspaces,
    registry,
    metrics,
    inbox,
    logger,
    poke,
  };

  if (worker) {
    // The worker's and the HTTP server's modules load only in a process that runs them
    // (`hookpost worker` holds no express, `--no-worker` no decision pipeline).
    const [{ createWorker }, { createDispatcher }, { createOutboxProcessor }, { createMailSideEffects }] =
      await Promise.all([
        import('./worker/worker.js'),
        import('./dispatch/dispatcher.js'),
        import('./dispatch/outbox.js'),
        import('./mail/side-effects.js'),
      ]);
    const base = {
      db: handle.db,
      dialect: handle.dialect,
      workspaces,
      logger,
      owner,
      relaxed: handle.relaxed,
    };
    const leases = leaseSettings(env);
    const decide = createWorker({
      ...base,
      metrics,
      registry,
      leaseMs: leases.eventMs,
    });
    const dispatch = createDispatcher({
      ...base,
      metrics,
      leaseMs: leases.triggerMs,
      writeBackEnabled: registry.writeBackEnabled,
    });
    const mail = createMailSideEffects({ db: handle.db, performWriteBack: registry.performWriteBack });
    const outbox = createOutboxProcessor({
      ...base,
      metrics,
      // A cancel goes to the mail platform; a piece's activity is written as the piece is
      // now; everything else to the CRM its payload names.
      run: async (workspace, payload) => {
        if (payload.type === 'platform_cancel') await mail.cancel(workspace, payload);
        else if (payload.type === 'mail_activity') await mail.activity(workspace, payload);
        else await registry.performWriteBack(workspace, payload);
      },
      leaseMs: leases.eventMs,
    });
    // Each stage wakes the next in this process (new triggers, new outbox entries); the
    // idle polls remain for work committed by other processes.
    const outboxLoop = startLoop('outbox', outbox.runOnce, outbox.idleMs, logger);
    const dispatchLoop = startLoop('dispatcher', dispatch.runOnce, dispatch.idleMs, logger, {
      onFound: () => outboxLoop.poke(),
    });
    const decideLoop = startLoop('worker', decide.runOnce, decide.idleMs, logger, {
      onFound: () => dispatchLoop.poke(),
    });
    loops.push(decideLoop, dispatchLoop, outboxLoop);
    releaseClaimedAhead = decide.stop;
  }
  // Streams (e.g. Change Data Capture) feed the same inbox as the routes.
  const streamLease = options.streamLease ?? { ttlMs: 30_000, renewMs: 10_000 };
  const streams = worker
    ? registry.startStreams(config.workspaces, {
        accept: async (delivery) => {
          const result = await inbox.ingest(delivery);
          // Stream events count like pushed ones.
          metrics.eventsAccepted.inc({ platform: delivery.platform }, result.accepted);
          if (result.duplicates > 0)
            metrics.eventsDuplicate.inc({ platform: delivery.platform }, result.duplicates);
          poke();
          return result;
        },
        positionsFor: (workspaceId) => createStreamPositions(handle.db, workspaceId),
        logger,
        lease: (name) => createStreamLease(handle.db, { name, ttlMs: streamLease.ttlMs, holder: owner }),
        leaseRenewMs: streamLease.renewMs,
        onGap: (stream) => metrics.streamGaps.inc({ stream }),
      })
    : [];
  // Not in `loops`: poking it on every ingest would run its count queries on the hot path.
  const gauge = worker ? startQueueGauge(context) : null;
  const retention = worker ? startRetention(handle.db, config, logger) : null;

  let shuttingDown = false;
  let server: Server | null = null;
  let port: number | null = null;
  if (http) {
    const [{ createApp }, { createHttpServer, httpLimitsFrom }] = await Promise.all([
      import('./server/app.js'),
      import('./server/limits.js'),
    ]);
    const limits = httpLimitsFrom(env);
    const app = createApp({
      maxBodiesInFlight: limits.maxBodiesInFlight,
      config,
      handle,
      logger,
      metrics,
      inbox,
      registry,
      isShuttingDown: () => shuttingDown,
      metricsToken: env.HOOKPOST_METRICS_TOKEN?.trim() || undefined,
      streams: () => streams.flatMap((stream) => (stream.status ? [stream.status()] : [])),
      onStored: poke,
      ...(options.api ? { api: options.api(context) } : {}),
      ...(options.console ? { console: options.console(context) } : {}),
    });
    const s = createHttpServer(app, limits);
    server = await new Promise<Server>((resolve, reject) => {
      s.once('error', reject);
      s.listen(options.port ?? 3000, options.host ?? '0.0.0.0', () => resolve(s));
    });
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : null;
    logger.info({ port, workspaces: config.workspaces.map((w) => w.id) }, 'connector listening');
  }
  if (worker) logger.info({ owner }, 'worker, dispatcher and outbox running');
  // Serving or deciding now, its modules loaded: the young generation may grow to its cap
  // (heap.ts): the server's, or V8's own in a process that only decides and delivers. Kept
  // at 2 × 1 MB, a `hookpost worker` on PostgreSQL spent about 40 % of its CPU in garbage
  // collection (bench/postgres.ts, cpu-prof).
  allowYoungGrowth(http ? YOUNG_CAP_BYTES : WORKER_YOUNG_CAP_BYTES);

  let stopping: Promise<void> | null = null;
  async function stop(): Promise<void> {
    stopping ??= (async () => {
      shuttingDown = true;
      if (server) {
        const closed = new Promise<void>((resolve) => server?.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server?.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearTimeout(timer);
      }
      await Promise.all(streams.map((stream) => stream.stop()));
      await inbox.drain();
      await Promise.all(
        [...loops, ...(gauge ? [gauge] : []), ...(retention ? [retention] : [])].map((loop) => loop.stop()),
      );
      // The worker's loop has stopped: events it claimed ahead go back to the queue now,
      // not when their lease runs out.
      await releaseClaimedAhead?.();
      await handle.close();
      logger.info('connector stopped');
    })();
    return stopping;
  }

  return { ...context, server, port, stop };
}

/**
 * Lease lengths: how long a crashed process's claimed work waits before another takes it.
 * `HOOKPOST_LEASE_MS` (events, outbox; default 60 s) and `HOOKPOST_TRIGGER_LEASE_MS`
 * (deliveries; default 120 s, longer than any destination timeout).
 */
function leaseSettings(env: NodeJS.ProcessEnv): { eventMs: number; triggerMs: number } {
  const read = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    eventMs: read('HOOKPOST_LEASE_MS', 60_000),
    triggerMs: read('HOOKPOST_TRIGGER_LEASE_MS', 120_000),
  };
}

/** Keeps `hookpost_queue_depth{queue,status}` current for events, triggers and the outbox. */
function startQueueGauge({ handle, metrics, logger }: ConnectorContext): Loop {
  return startLoop(
    'queue-gauge',
    async () => {
      await recordQueueDepth(handle.db, metrics);
      return 0;
    },
    5_000,
    logger,
  );
}
