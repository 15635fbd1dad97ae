import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Prometheus metrics for the pipeline; one registry per connector instance. The defaults
 * include the event-loop delay (`nodejs_eventloop_lag_seconds`, `…_p50/_p90/_p99_seconds`,
 * `…_max_seconds`, from `perf_hooks.monitorEventLoopDelay`): a request that blocks the
 * loop (a huge body being parsed) shows there before `/healthz` is late.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  return {
    registry,
    deliveriesReceived: new Counter({
      name: 'hookpost_inbound_deliveries_total',
      help: 'Inbound CRM requests by channel and HTTP status answered',
      labelNames: ['channel', 'status'] as const,
      registers: [registry],
    }),
    eventsAccepted: new Counter({
      name: 'hookpost_events_accepted_total',
      help: 'Events stored in the inbox',
      labelNames: ['platform'] as const,
      registers: [registry],
    }),
    eventsDuplicate: new Counter({
      name: 'hookpost_events_duplicate_total',
      help: 'Inbound events already stored (CRM retries and re-sends)',
      labelNames: ['platform'] as const,
      registers: [registry],
    }),
    streamGaps: new Counter({
      name: 'hookpost_stream_gaps_total',
      help: 'Replay gaps found on CRM event streams (events in a range may be lost and are re-read)',
      labelNames: ['stream'] as const,
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'hookpost_decisions_total',
      help: 'Campaign decisions by outcome (workspace and campaign: configured names, bounded)',
      labelNames: ['outcome', 'workspace', 'campaign'] as const,
      registers: [registry],
    }),
    triggers: new Counter({
      name: 'hookpost_triggers_total',
      help: 'Trigger state changes by status (workspace, campaign and destination: configured names, bounded)',
      labelNames: ['status', 'workspace', 'campaign', 'destination'] as const,
      registers: [registry],
    }),
    deliveryAttemptDuration: new Histogram({
      name: 'hookpost_delivery_duration_seconds',
      help: 'Time of one delivery attempt (our POST) to a destination',
      labelNames: ['outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    bodiesInFlight: new Gauge({
      name: 'hookpost_http_bodies_in_flight',
      help: 'Request bodies being received right now (refused with 503 past HOOKPOST_MAX_BODIES_IN_FLIGHT)',
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'hookpost_queue_depth',
      help: 'Rows per leased queue (events, triggers, outbox) and status',
      labelNames: ['queue', 'status'] as const,
      registers: [registry],
    }),
    queueClaims: new Counter({
      name: 'hookpost_queue_claims_total',
      help: 'Rows claimed with a lease, per queue',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
    queueRetries: new Counter({
      name: 'hookpost_queue_retries_total',
      help: 'Failed attempts scheduled for a retry with back-off, per queue',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'hookpost_queue_dead_letters_total',
      help: 'Rows that ended `dead` (retries exhausted or rejected for good), per queue',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
  };
}
