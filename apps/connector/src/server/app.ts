import type { TokenStore } from '@hookpost/hubspot';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { HookpostConfig } from '../config/schema.js';
import type { DatabaseHandle } from '../db/connect.js';
import type { Integrations } from '../integrations.js';
import type { Logger } from '../log.js';
import { mailStatusRoutes } from '../mail/route.js';
import type { Metrics } from '../metrics.js';
import type { Inbox } from '../store/inbox.js';
import { healthRoutes } from './health.js';
import { requestContext } from './request-id.js';
import { inboundRoutes } from './routes/inbound.js';
import { oauthRoutes } from './routes/oauth.js';

export interface AppDeps {
  config: HookpostConfig;
  handle: DatabaseHandle;
  logger: Logger;
  metrics: Metrics;
  inbox: Inbox;
  integrations: Pick<Integrations, 'oauth'> & { tokenStore: TokenStore | null };
  isShuttingDown: () => boolean;
  onStored: () => void;
  /** Mounted at `/api` (admin API), when given. */
  api?: express.Router;
}

/** The connector's HTTP surface (DESIGN §5). Webhook routes read raw bodies themselves. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(requestContext(deps.logger));
  app.use(
    healthRoutes({
      ping: deps.handle.ping,
      registry: deps.metrics.registry,
      isShuttingDown: deps.isShuttingDown,
    }),
  );
  app.use(
    inboundRoutes({
      config: deps.config,
      inbox: deps.inbox,
      metrics: deps.metrics,
      logger: deps.logger,
      onStored: deps.onStored,
    }),
  );
  app.use(mailStatusRoutes(deps));
  app.use(
    oauthRoutes({
      oauth: deps.integrations.oauth,
      tokenStore: deps.integrations.tokenStore,
      logger: deps.logger,
    }),
  );
  if (deps.api) app.use('/api', deps.api);
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `no route for ${req.method} ${req.path}` });
  });
  // Express 5 forwards rejected promises here: answer JSON, never an HTML stack trace.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({
      error: status >= 500 ? 'internal_error' : 'bad_request',
      message: status >= 500 ? `request failed (request id ${req.id})` : (error as Error).message,
    });
  });
  return app;
}
