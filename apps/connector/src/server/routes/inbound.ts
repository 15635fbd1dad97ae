import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InboundRoute } from '@hookpost/core';
import { Router } from 'express';
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

/** One CRM-facing route with its handler counted in the metrics. */
export type CountedRoute = Pick<InboundRoute, 'method' | 'path' | 'channel'> & {
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>;
};

/** A prom-client child per label value, made once: `inc(labels)` hashes its labels on every call. */
function childrenOf<C>(make: (value: string) => C): (value: string) => C {
  const children = new Map<string, C>();
  return (value) => {
    let child = children.get(value);
    if (child === undefined) {
      child = make(value);
      children.set(value, child);
    }
    return child;
  };
}

/** Counts every inbound delivery by channel and the status it was answered with. */
function counted(route: InboundRoute, metrics: Metrics): CountedRoute['handler'] {
  const channel = route.channel;
  if (channel === undefined) return route.handler;
  const byStatus = childrenOf((status) => metrics.deliveriesReceived.labels({ channel, status }));
  return async function countedHandler(req, res) {
    res.once('finish', () => byStatus(String(res.statusCode)).inc());
    await route.handler(req, res);
  };
}

/**
 * The CRM-facing routes: whatever each registered adapter serves. An adapter verifies and
 * parses; `accept` is the inbox write, and the adapter answers only after it resolved.
 */
export function inboundHandlers({
  config,
  registry,
  inbox,
  metrics,
  logger,
  onStored,
}: InboundOptions): CountedRoute[] {
  const accepted = childrenOf((platform) => metrics.eventsAccepted.labels({ platform }));
  const duplicates = childrenOf((platform) => metrics.eventsDuplicate.labels({ platform }));
  const accept = async (delivery: InboundDelivery) => {
    const result = await inbox.ingest(delivery);
    accepted(delivery.platform).inc(result.accepted);
    if (result.duplicates > 0) duplicates(delivery.platform).inc(result.duplicates);
    if (result.accepted > 0) onStored();
    if (delivery.malformed?.length)
      logger.warn(
        { platform: delivery.platform, items: delivery.malformed.length },
        'malformed items stored as failed events',
      );
    return result;
  };
  return registry.routes(config.workspaces, accept, logger).map((route) => ({
    method: route.method,
    path: route.path,
    ...(route.channel !== undefined ? { channel: route.channel } : {}),
    handler: counted(route, metrics),
  }));
}

/** The routes as an Express router (every request the hand router does not take comes here). */
export function inboundRouter(routes: readonly CountedRoute[]): Router {
  // Case-sensitive and strict: a path written differently (`/Webhooks/…`, a trailing slash)
  // is not the route, so it cannot reach a handler past the log redaction.
  const router = Router({ caseSensitive: true, strict: true });
  for (const route of routes) {
    // Adapter handlers take plain Node requests; Express's is one, with extras.
    const handler = (req: IncomingMessage, res: ServerResponse) => route.handler(req, res);
    if (route.method === 'GET') router.get(route.path, handler);
    else router.post(route.path, handler);
  }
  return router;
}
