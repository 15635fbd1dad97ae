import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InboundRoute } from '@hookpost/core';
import { type Request, type Response, Router } from 'express';
import type { AdapterRegistry } from '../../adapters/registry.js';
import type { HookpostConfig } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { InboundDelivery, Inbox } from '../../store/inbox.js';

export interface InboundOptions {
  config: HookpostConfig;
  registry: AdapterRegistry;
  inbox: Inbox;
  metrics: Metrics;
  logger: Logger;
  /** Called after a commit so the worker starts at once instead of at its next poll. */
  onStored: () => void;
}

/** Counts every inbound delivery by channel and the status it was answered with. */
function counted(route: InboundRoute, metrics: Metrics) {
  return async function countedHandler(req: Request, res: Response) {
    const channel = route.channel;
    if (channel !== undefined)
      res.once('finish', () => metrics.deliveriesReceived.inc({ channel, status: String(res.statusCode) }));
    // Adapter handlers take plain Node requests; Express's is one, with extras.
    await route.handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  };
}

/**
 * The CRM-facing routes: whatever each registered adapter serves. An adapter verifies and
 * parses; `accept` is the inbox write, and the adapter answers only after it resolved.
 */
export function inboundRoutes({
  config,
  registry,
  inbox,
  metrics,
  logger,
  onStored,
}: InboundOptions): Router {
  // Case-sensitive and strict: a path written differently (`/Webhooks/…`, a trailing slash)
  // is not the route, so it cannot reach a handler past the log redaction.
  const router = Router({ caseSensitive: true, strict: true });
  const accept = async (delivery: InboundDelivery) => {
    const result = await inbox.ingest(delivery);
    metrics.eventsAccepted.inc({ platform: delivery.platform }, result.accepted);
    if (result.duplicates > 0)
      metrics.eventsDuplicate.inc({ platform: delivery.platform }, result.duplicates);
    if (result.accepted > 0) onStored();
    if (delivery.malformed?.length)
      logger.warn(
        { platform: delivery.platform, items: delivery.malformed.length },
        'malformed items stored as failed events',
      );
    return result;
  };
  for (const route of registry.routes(config.workspaces, accept, logger)) {
    const handler = counted(route, metrics);
    if (route.method === 'GET') router.get(route.path, handler);
    else router.post(route.path, handler);
  }
  return router;
}
