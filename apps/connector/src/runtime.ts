import type { Server } from 'node:http';
import type { HookpostConfig } from './config/schema.js';
import { type DatabaseHandle, DEFAULT_DATABASE_URL, openDatabase, redactUrl } from './db/connect.js';
import { migrateToLatest } from './db/migrations.js';
import type { Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { createApp } from './server/app.js';

export interface StartOptions {
  config: HookpostConfig;
  configDir: string;
  logger: Logger;
  databaseUrl?: string;
  port?: number;
  host?: string;
  /** Serve HTTP (`hookpost start`); false for `hookpost worker`. */
  http?: boolean;
  /** Run the worker and dispatcher loops in this process. */
  worker?: boolean;
}

export interface RunningConnector {
  handle: DatabaseHandle;
  server: Server | null;
  port: number | null;
  /** Stops accepting, finishes in-flight requests and work, closes the database. */
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function startConnector(options: StartOptions): Promise<RunningConnector> {
  const { config, logger, http = true } = options;
  const databaseUrl = options.databaseUrl ?? DEFAULT_DATABASE_URL;
  const handle = openDatabase(databaseUrl);
  const applied = await migrateToLatest(handle.db as never);
  logger.info({ database: redactUrl(databaseUrl), dialect: handle.dialect, applied }, 'database ready');

  const metrics = createMetrics();
  let shuttingDown = false;
  let server: Server | null = null;
  let port: number | null = null;

  if (http) {
    const app = createApp({ config, handle, logger, metrics, isShuttingDown: () => shuttingDown });
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(options.port ?? 3000, options.host ?? '0.0.0.0', (error?: Error) =>
        error ? reject(error) : resolve(s),
      );
    });
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : null;
    // HubSpot gives up after 5 s; nothing we answer should take longer than that.
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 65_000;
    logger.info({ port, workspaces: config.workspaces.map((w) => w.id) }, 'connector listening');
  }

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
      await handle.close();
      logger.info('connector stopped');
    })();
    return stopping;
  }

  return { handle, server, port, stop };
}
