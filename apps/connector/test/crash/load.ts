import { eventIdFor, webhookExternalId } from '@hookpost/hubspot';
import { signV3 } from '@hookpost/hubspot/testing';

/** One event the load sent: its id as the connector derives it, and what it changes. */
export interface SentEvent {
  id: string;
  contactId: string;
  property: 'city' | 'lifecyclestage';
}

export interface LoadOptions {
  /** Base URLs of the processes that are up right now (round-robin over them). */
  targets: () => string[];
  clientSecret: string;
  publicUrl: string;
  portalId: number;
  contactIds: readonly string[];
  random: () => number;
  /** How many events to send in all: the work is a fixed amount, not a duration. */
  events: number;
  /** Events per batch, inclusive; HubSpot sends at most 100. */
  batchSize?: [min: number, max: number];
  /** Batches in flight at once. */
  senders?: number;
  /** Most events sent per second (a pace, not a target: a slow machine sends slower). */
  eventsPerSecond?: number;
  /** Share of events that set `lifecyclestage` (the once-per-recipient campaign). */
  lifecycleShare?: number;
  /** Share of the events (0–1) that may be sent so far: lets the kills keep up with the work. */
  gate?: () => number;
  /** How long an unacknowledged batch is resent after `stop()` before it is given up. */
  resendForMs?: number;
}

export interface LoadReport {
  batches: number;
  /** Events whose batch got a 204 from some process. */
  acknowledged: SentEvent[];
  /** Every event sent at least once (acknowledged or not). */
  sent: SentEvent[];
  /** Times a batch was sent again: its request failed (reset by a kill, 503) or no process was up. */
  resends: number;
  /** Batches never acknowledged before the resend window closed. */
  givenUp: number;
}

export interface Load {
  /** Share of the events acknowledged so far, 0–1: what kills and crashes are spread over. */
  progress(): number;
  /** Resolves once every event was sent and its batch acknowledged (or given up after `stop`). */
  finished: Promise<LoadReport>;
  /** Stops early (a safety limit ran out): unacknowledged batches are resent for `resendForMs`, then given up. */
  stop(): Promise<LoadReport>;
}

const REQUEST_TIMEOUT_MS = 10_000;
const RESEND_PAUSE_MS = 100;
const GATE_POLL_MS = 50;
const PATH = '/webhooks/hubspot';
const CITIES = ['Köln', 'Berlin', 'Hamburg', 'München', 'Leipzig', 'Dresden'];

/**
 * A fixed number of signed HubSpot webhook events against the live processes. A batch counts as
 * acknowledged only on a 204; a failed request (the process was killed mid-request) is
 * signed again and resent to another process, as HubSpot retries a non-2xx delivery.
 * https://developers.hubspot.com/docs/api/webhooks#retries
 */
export function startHubSpotLoad(options: LoadOptions): Load {
  const { targets, random, contactIds } = options;
  const { batchSize = [10, 50], senders = 3, eventsPerSecond = 100, lifecycleShare = 0.2 } = options;
  const { resendForMs = 30_000 } = options;
  const loadStarted = Date.now();
  const report: LoadReport = { batches: 0, acknowledged: [], sent: [], resends: 0, givenUp: 0 };
  let running = true;
  let giveUpAt = Number.POSITIVE_INFINITY;
  let nextEventId = 1;
  let cursor = 0;

  function nextBatch(): { body: string; events: SentEvent[] } {
    const [min, max] = batchSize;
    const size = Math.min(options.events - report.sent.length, min + Math.floor(random() * (max - min + 1)));
    const events: SentEvent[] = [];
    const wire = Array.from({ length: size }, () => {
      const contactId = contactIds[Math.floor(random() * contactIds.length)] as string;
      const property = random() < lifecycleShare ? 'lifecyclestage' : 'city';
      const value =
        property === 'city' ? (CITIES[Math.floor(random() * CITIES.length)] as string) : 'customer';
      const base = {
        eventId: nextEventId++,
        subscriptionId: 7,
        portalId: options.portalId,
        occurredAt: Date.now(),
      };
      const externalId = webhookExternalId({ ...base, objectId: contactId, propertyName: property });
      events.push({
        id: eventIdFor('hubspot', String(options.portalId), externalId, base.occurredAt),
        contactId,
        property,
      });
      return {
        ...base,
        appId: 1,
        attemptNumber: 0,
        changeSource: 'CRM_UI',
        subscriptionType: 'contact.propertyChange',
        objectId: Number(contactId),
        propertyName: property,
        propertyValue: value,
      };
    });
    return { body: JSON.stringify(wire), events };
  }

  async function post(base: string, body: string): Promise<number> {
    const headers = signV3({
      secret: options.clientSecret,
      method: 'POST',
      url: `${options.publicUrl}${PATH}`,
      body,
    });
    const response = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Sends until some process answers 204; false when the resend window closed first. */
  async function deliver(body: string): Promise<boolean> {
    for (;;) {
      const live = targets();
      if (live.length > 0) {
        const base = live[cursor++ % live.length] as string;
        const status = await post(base, body).catch(() => 0);
        if (status === 204) return true;
      }
      if (Date.now() > giveUpAt) return false;
      report.resends++;
      await new Promise((r) => setTimeout(r, RESEND_PAUSE_MS));
    }
  }

  async function sender(): Promise<void> {
    while (running && report.sent.length < options.events) {
      if (options.gate && report.sent.length / options.events >= options.gate()) {
        await new Promise((r) => setTimeout(r, GATE_POLL_MS));
        continue;
      }
      const { body, events } = nextBatch();
      report.batches++;
      report.sent.push(...events);
      if (await deliver(body)) report.acknowledged.push(...events);
      else report.givenUp++;
      // Keep to the rate: sleep until the events sent so far are due.
      const dueAt = loadStarted + (report.sent.length / eventsPerSecond) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now())));
    }
  }

  const finished = Promise.all(Array.from({ length: senders }, sender)).then(() => report);
  return {
    progress: () => report.acknowledged.length / options.events,
    finished,
    async stop() {
      running = false;
      giveUpAt = Date.now() + resendForMs;
      return finished;
    },
  };
}
