import { Router } from 'express';
import type { Registry } from 'prom-client';

export interface HealthOptions {
  ping: () => Promise<boolean>;
  registry: Registry;
  isShuttingDown: () => boolean;
}

/** Liveness, readiness (database reachable, not draining) and Prometheus metrics. */
export function healthRoutes({ ping, registry, isShuttingDown }: HealthOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const database = await ping();
    const ready = database && !isShuttingDown();
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not_ready', database: database ? 'ok' : 'unreachable' });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.send(await registry.metrics());
  });
  return router;
}
