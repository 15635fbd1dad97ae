import type { Router } from 'express';
import { createLogger } from '../log.js';
import { type ConnectorContext, startConnector } from '../runtime.js';
import { resolveAdminToken } from './admin-token.js';
import { loadConfigOrExit } from './load.js';

export interface StartCommandOptions {
  http: boolean;
  worker: boolean;
  port?: string;
}

/** `hookpost start` / `hookpost worker`: runs until SIGTERM or SIGINT, then drains and exits 0. */
export async function runStart({ http, worker, port }: StartCommandOptions): Promise<void> {
  const logger = createLogger();
  const { config, dir, file } = loadConfigOrExit();
  // The admin API and the console (express, their routes) load only when serving HTTP.
  const web = http ? await loadWeb() : null;
  const envToken = process.env.HOOKPOST_ADMIN_TOKEN?.trim();
  if (web && envToken && envToken.length < web.MIN_ADMIN_TOKEN_CHARS) {
    process.stderr.write(`HOOKPOST_ADMIN_TOKEN must have at least ${web.MIN_ADMIN_TOKEN_CHARS} characters\n`);
    process.exit(1);
  }
  logger.info({ config: file }, 'configuration loaded');
  const running = await startConnector({
    config,
    configDir: dir,
    logger,
    http,
    worker,
    port: Number(port ?? process.env.PORT ?? 3000),
    ...(process.env.HOST ? { host: process.env.HOST } : {}),
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    ...(web ? { api: web.adminApi, console: web.consoleRouter } : {}),
  }).catch((error: unknown) => {
    // One line a person can act on instead of a stack trace (the log line keeps the cause).
    logger.error({ err: error }, 'start failed');
    process.stderr.write(`hookpost start: ${startFailure(error, port)}\n`);
    process.exit(1);
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

/** The admin API (`/api`) and the console's routes, built by the runtime in that order. */
async function loadWeb() {
  const [{ createAdminApi, MIN_ADMIN_TOKEN_CHARS }, { createSessions }, { consoleRoutes }] =
    await Promise.all([
      import('../api/router.js'),
      import('../api/session.js'),
      import('../server/console.js'),
    ]);
  /** Set by `adminApi`: the console signs its sessions with the same token. */
  let adminToken: string | null = null;

  /** Mounts the admin API; a token generated on this start is shown once, on stderr, never logged. */
  function adminApi(ctx: ConnectorContext): Router {
    const admin = resolveAdminToken(ctx.handle.dataDir, process.env);
    if (admin.created) {
      process.stderr.write(
        `\nAdmin API token (shown once; stored in ${admin.file}, or set HOOKPOST_ADMIN_TOKEN):\n  ${admin.token}\n\n`,
      );
    }
    ctx.logger.info({ source: admin.source, file: admin.file }, 'admin API mounted at /api');
    adminToken = admin.token;
    return createAdminApi(ctx, { token: admin.token, sessions: createSessions(admin.token) });
  }
  const consoleRouter = () => consoleRoutes({ sessions: createSessions(adminToken ?? '') });
  return { MIN_ADMIN_TOKEN_CHARS, adminApi, consoleRouter };
}

/** Why start-up failed, in one line: a busy port, an unreachable database, else the message. */
function startFailure(error: unknown, port: string | undefined): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE')
    return `port ${port ?? process.env.PORT ?? 3000} is in use: stop the other process or set PORT`;
  if (code === 'EACCES')
    return `not allowed to listen on port ${port ?? process.env.PORT ?? 3000}: choose a port above 1023`;
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message =
    error instanceof Error ? error.message.replace(/^\[@hookpost\/[a-z]+\] /, '') : String(error);
  return `${message}${cause} (check DATABASE_URL and that the database is reachable)`.replace(
    / \(check DATABASE_URL.*$/,
    /migrat|connect|ECONNREFUSED|database/i.test(`${message}${cause}`)
      ? ' (check DATABASE_URL and that the database is reachable)'
      : '',
  );
}
