import express, { type Express } from 'express';
import type { HookpostConfig } from '../config/schema.js';
import type { DatabaseHandle } from '../db/connect.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { healthRoutes } from './health.js';
import { requestContext } from './request-id.js';

export interface AppDeps {
  config: HookpostConfig;
  handle: DatabaseHandle;
  logger: Logger;
  metrics: Metrics;
  isShuttingDown: () => boolean;
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
  return app;
}
