import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** Prometheus metrics for the pipeline; one registry per connector instance. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
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
      help: 'Campaign decisions by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    triggers: new Counter({
      name: 'hookpost_triggers_total',
      help: 'Trigger state changes by status',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    deliveryAttemptDuration: new Histogram({
      name: 'hookpost_delivery_duration_seconds',
      help: 'Time of one delivery attempt (our POST) to a destination',
      labelNames: ['outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
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
