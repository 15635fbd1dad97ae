import type { RequestListener } from 'node:http';
import type { StreamStatus } from '@hookpost/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AdapterRegistry } from '../adapters/registry.js';
import type { HookpostConfig } from '../config/schema.js';
import type { DatabaseHandle } from '../db/connect.js';
import type { Logger } from '../log.js';
import { mailStatusRoutes } from '../mail/route.js';
import type { Metrics } from '../metrics.js';
import type { Inbox } from '../store/inbox.js';
import { answerError } from './errors.js';
import { handRouted } from './hand-routed.js';
import { healthRoutes } from './health.js';
import { bodiesInFlight, bodyGate, DEFAULT_MAX_BODIES_IN_FLIGHT } from './limits.js';
import { requestContext, requestTracker } from './request-id.js';
import { inboundHandlers, inboundRouter } from './routes/inbound.js';

export interface AppDeps {
  config: HookpostConfig;
  handle: DatabaseHandle;
  logger: Logger;
  metrics: Metrics;
  inbox: Inbox;
  /** The CRM adapters whose routes are mounted. */
  registry: AdapterRegistry;
  isShuttingDown: () => boolean;
  onStored: () => void;
  /** Bearer token `/metrics` requires, when set. */
  metricsToken?: string | undefined;
  /** Event streams' status for `/readyz`. */
  streams?: () => StreamStatus[];
  /** Mounted at `/api` (admin API), when given. */
  api?: express.Router;
  /** Request bodies received at once before new ones are refused with 503 (overload). */
  maxBodiesInFlight?: number;
  /** The operator console (`/`, `/console/…`), when given. */
  console?: express.Router;
}

/**
 * The connector's HTTP surface: health, the CRM adapters' routes, the mail platform's status
 * webhooks and the admin API. Adapter routes read raw bodies themselves. The CRM ingest POSTs
 * are hand-routed ahead of Express (see `handRouted`); Express serves everything else.
 */
export function createApp(deps: AppDeps): RequestListener {
  const track = requestTracker(deps.logger, {
    secretPathPrefixes: deps.registry.secretPathPrefixes,
    secrets: deps.registry.secretsIn(deps.config.workspaces),
  });
  const admit = bodyGate(deps.maxBodiesInFlight ?? DEFAULT_MAX_BODIES_IN_FLIGHT, (n) =>
    deps.metrics.bodiesInFlight.set(n),
  );
  const routes = inboundHandlers({
    config: deps.config,
    registry: deps.registry,
    inbox: deps.inbox,
    metrics: deps.metrics,
    logger: deps.logger,
    onStored: deps.onStored,
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(requestContext(track));
  app.use(bodiesInFlight(admit));
  app.use(
    healthRoutes({
      ping: deps.handle.ping,
      registry: deps.metrics.registry,
      isShuttingDown: deps.isShuttingDown,
      metricsToken: deps.metricsToken,
      ...(deps.streams ? { streams: deps.streams } : {}),
    }),
  );
  app.use(inboundRouter(routes));
  app.use(mailStatusRoutes(deps));
  if (deps.api) app.use('/api', deps.api);
  if (deps.console) app.use(deps.console);
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `no route for ${req.method} ${req.path}` });
  });
  // Express 5 forwards rejected promises here: answer JSON, never an HTML stack trace.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    answerError(error, res, req);
  });
  return handRouted(routes, app, { track, admit });
}
