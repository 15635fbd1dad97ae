import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';

export interface HealthOptions {
  ping: () => Promise<boolean>;
  registry: Registry;
  isShuttingDown: () => boolean;
  /** When set (`HOOKPOST_METRICS_TOKEN`), `/metrics` answers only `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
}

/** Liveness, readiness (database reachable, not draining) and Prometheus metrics. */
export function healthRoutes({ ping, registry, isShuttingDown, metricsToken }: HealthOptions): Router {
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
  const expected = metricsToken ? Buffer.from(`Bearer ${metricsToken}`) : null;
  router.get('/metrics', async (req, res) => {
    const given = Buffer.from(req.get('authorization') ?? '');
    if (expected && !(given.length === expected.length && timingSafeEqual(given, expected))) {
      res
        .status(401)
        .json({ error: 'unauthorized', message: 'send Authorization: Bearer <HOOKPOST_METRICS_TOKEN>' });
      return;
    }
    res.setHeader('content-type', registry.contentType);
    res.send(await registry.metrics());
  });
  return router;
}
