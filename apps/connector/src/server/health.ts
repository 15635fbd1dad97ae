import { timingSafeEqual } from 'node:crypto';
import type { StreamStatus } from '@hookpost/core';
import { Router } from 'express';
import type { Registry } from 'prom-client';

export interface HealthOptions {
  ping: () => Promise<boolean>;
  registry: Registry;
  isShuttingDown: () => boolean;
  /** When set (`HOOKPOST_METRICS_TOKEN`), `/metrics` answers only `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
  /** CRM event streams this process runs or stands by for (shown, not gating readiness). */
  streams?: () => StreamStatus[];
}

/**
 * Liveness, readiness (database reachable, not draining) and Prometheus metrics. `/readyz`
 * also lists the event streams; a stream that is retrying makes the answer `degraded` but
 * stays 200, since the HTTP routes still accept webhooks (alert on it instead).
 */
export function healthRoutes({
  ping,
  registry,
  isShuttingDown,
  metricsToken,
  streams = () => [],
}: HealthOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const database = await ping();
    const ready = database && !isShuttingDown();
    const streamStatus = streams();
    const degraded = streamStatus.some((s) => !s.healthy);
    res.status(ready ? 200 : 503).json({
      status: ready ? (degraded ? 'degraded' : 'ready') : 'not_ready',
      database: database ? 'ok' : 'unreachable',
      streams: streamStatus,
    });
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
