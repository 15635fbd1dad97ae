/**
 * Enrichment at the CRM's ceiling: the decision worker reading contacts from the fake
 * HubSpot (`@hookpost/hubspot/testing`) with HubSpot's rate limit for OAuth apps (110
 * requests per rolling 10 s per installing account, 100 ids per batch read), so at most
 * 1,100 records/s. Measured: records read per second as a share of that ceiling, the batch
 * fill, 429s answered, and events whose decision failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { CrmEvent } from '@hookpost/core';
import { parseWebhookBatch } from '@hookpost/hubspot';
import { startFakeHubSpot } from '@hookpost/hubspot/testing';
import { parseConfigText } from '../src/config/load.js';
import { benchWorker, fillInbox } from './pipeline.js';
import { type BenchSection, fmt } from './report.js';
import { HUBSPOT_SECRET, PORTAL_ID, PUBLIC_URL } from './workload.js';

const RECORDS_PER_BATCH = 100;
const LIMIT = { max: 110, intervalMs: 10_000 };

export interface EnrichmentFigures {
  windows: number;
  events: number;
  decided: number;
  recordsRead: number;
  batchReads: number;
  rateLimited: number;
  failedEvents: number;
  seconds: number;
  recordsPerSec: number;
  ceilingPerSec: number;
  share: number;
  /** Events/s the worker decided while reads were free (the first window): its pace without the CRM's limit. */
  unthrottledEventsPerSec: number;
  loadAverage: number;
  /** v4 association reads (contact → company): they share the request budget with record reads. */
  associationReads: number;
  requests: number;
}

function enrichmentConfig(apiBaseUrl: string): string {
  const campaign = (id: string, property: string, to: string) => `
      - id: ${id}
        destination: log
        trigger: { platform: hubspot, object: contact, on: property_change, property: ${property}, to: ${to} }
        policy: { oncePerRecipient: false }`;
  return `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET}, apiBaseUrl: ${apiBaseUrl} }
workspaces:
  - id: bench
    hubspot: { portalId: ${PORTAL_ID}, accessToken: bench-access-token }
    destinations: { log: { type: log } }
    campaigns:${campaign('welcome', 'lifecyclestage', 'customer')}${campaign('evangelist', 'lifecyclestage', 'evangelist')}${campaign('moved', 'city', 'Berlin')}
`;
}

/** One property change per contact, as HubSpot delivers them: every event needs a record nobody has read yet. */
function distinctContactEvents(count: number): CrmEvent[] {
  const now = Date.now();
  const delivery = (from: number) =>
    Array.from({ length: Math.min(100, count - from) }, (_, k) => ({
      eventId: 5_000_000 + from + k,
      subscriptionId: 25,
      portalId: PORTAL_ID,
      appId: 1160452,
      occurredAt: now,
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: from + k + 1,
      propertyName: 'lifecyclestage',
      propertyValue: (from + k) % 2 === 0 ? 'customer' : 'evangelist',
      changeSource: 'CRM_UI',
    }));
  const events: CrmEvent[] = [];
  // HubSpot sends at most 100 events per delivery.
  for (let from = 0; from < count; from += 100)
    events.push(...parseWebhookBatch(JSON.stringify(delivery(from))));
  return events;
}

/**
 * Decides `windows × 110 × 100` stored events, each about a distinct contact, with the
 * records read from the rate-limited fake. The ceiling over the run is one full window of
 * requests per rolling window the run spans (HubSpot admits at most 110 in any 10 s).
 */
export async function measureEnrichment(
  windows = Number(process.env.BENCH_ENRICH_WINDOWS ?? 3),
): Promise<EnrichmentFigures> {
  const fake = await startFakeHubSpot({ rateLimit: LIMIT, portalId: PORTAL_ID });
  try {
    const count = windows * LIMIT.max * RECORDS_PER_BATCH;
    for (let i = 1; i <= count; i++)
      fake.addRecord('contact', String(i), {
        firstname: `Erika${i}`,
        lastname: 'Mustermann',
        address: `Heidestraße ${i % 200}`,
        zip: String(10_000 + (i % 80_000)),
        city: 'Köln',
        country: 'Deutschland',
        lifecyclestage: 'lead',
      });
    const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-enrich-'));
    const parsed = parseConfigText(enrichmentConfig(fake.url), path.join(dir, 'hookpost.config.yaml'), {});
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const config = parsed.value;
    const handle = await fillInbox(
      `sqlite:${path.join(dir, 'enrich.db')}`,
      config,
      distinctContactEvents(count),
    );
    try {
      const worker = benchWorker(config, dir, handle);
      let first = Number.NaN;
      let last = Number.NaN;
      let windowUsed = Number.NaN;
      let recordsInFirstWindow = 0;
      // Request times as the CRM sees them, sampled between the worker's awaits.
      const sampler = setInterval(() => {
        if (fake.stats.batchReads > 0 && Number.isNaN(first)) first = performance.now();
        if (fake.stats.calls >= LIMIT.max && Number.isNaN(windowUsed)) {
          windowUsed = performance.now();
          recordsInFirstWindow = fake.stats.recordsRead;
        }
      }, 1);
      const before = fake.stats.recordsRead;
      while ((await worker.runOnce()) > 0) last = performance.now();
      clearInterval(sampler);
      const rows = await handle.db.selectFrom('events').select(['status', 'attempts']).execute();
      const decided = rows.filter((r) => r.status !== 'pending').length;
      const failedEvents = rows.filter(
        (r) => r.attempts > 1 || r.status === 'dead' || r.status === 'failed',
      ).length;
      const recordsRead = fake.stats.recordsRead - before;
      const seconds = (last - first) / 1000;
      // Rolling windows the run spans, each admitting one full window of requests.
      const spanned = Math.floor((seconds * 1000) / LIMIT.intervalMs) + 1;
      const ceilingRecords = spanned * LIMIT.max * RECORDS_PER_BATCH;
      return {
        windows: spanned,
        events: count,
        decided,
        recordsRead,
        batchReads: fake.stats.batchReads,
        rateLimited: fake.stats.rateLimited,
        failedEvents,
        seconds,
        recordsPerSec: recordsRead / ((spanned * LIMIT.intervalMs) / 1000),
        ceilingPerSec: (LIMIT.max * RECORDS_PER_BATCH * 1000) / LIMIT.intervalMs,
        share: recordsRead / ceilingRecords,
        // The first window's reads are all free at once: how fast the worker used them is its own pace.
        unthrottledEventsPerSec: recordsInFirstWindow / ((windowUsed - first) / 1000),
        associationReads: fake.stats.associationReads,
        requests: fake.stats.calls,
        loadAverage: loadavg()[0] ?? Number.NaN,
      };
    } finally {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await fake.close();
  }
}

export async function enrichmentSection(windows?: number): Promise<BenchSection> {
  const f = await measureEnrichment(windows);
  const fill = f.recordsRead / Math.max(1, f.batchReads);
  const requestShare = f.requests / (f.windows * LIMIT.max);
  const recordShareOfRequests = f.batchReads / Math.max(1, f.requests);
  const workerBound = f.unthrottledEventsPerSec < f.ceilingPerSec / 0.9;
  return {
    title: "Enrichment at the CRM's ceiling (HubSpot, 110 requests / 10 s, 100 ids per batch read)",
    markdown: [
      `${fmt(f.events)} stored HubSpot events, each about a distinct contact, decided by one worker on SQLite with 3 campaigns; every record is read from the fake HubSpot (\`@hookpost/hubspot/testing\`) enforcing HubSpot's rolling limit per access token (429 with \`policyName\`, \`Retry-After\`, \`X-HubSpot-RateLimit-*\`); the client paces itself with a sliding window of the same size. Baseline: the ceiling, 110 full batch reads per rolling 10 s = ${fmt(f.ceilingPerSec)} records/s, over the ${f.windows} windows the run spans. Durability: the worker's usual commits (decisions and triggers kept).`,
      '',
      '| | records/s | requests | record batch reads | association reads | ids per batch | 429s | events failed | ratio |',
      '|---|---|---|---|---|---|---|---|---|',
      `| ceiling (baseline) | ${fmt(f.ceilingPerSec)} | ${fmt(f.windows * LIMIT.max)} | ${fmt(f.windows * LIMIT.max)} | 0 | 100 | 0 | 0 | 1.00 |`,
      `| connector | ${fmt(f.recordsPerSec)} | ${fmt(f.requests)} | ${fmt(f.batchReads)} | ${fmt(f.associationReads)} | ${fmt(fill, 1)} | ${f.rateLimited} | ${f.failedEvents} | ${fmt(f.share, 2)} |`,
      '',
      `${fmt(f.decided)} of ${fmt(f.events)} events decided in ${fmt(f.seconds, 1)} s from the first read to the last round; requests used ${fmt(requestShare * 100)} % of the windows' budget. While the first window's requests were free the worker read ${fmt(f.unthrottledEventsPerSec)} records/s (its pace without the limit). Association reads (v4, contact → company: the recipient's company name when the contact has none, and company fields) share the budget with record reads.`,
    ],
    targets: [
      {
        name: "records read / the CRM's ceiling",
        value: `${fmt(f.share * 100, 1)} %`,
        target: '≥ 90 %',
        met: f.share >= 0.9,
        bound: workerBound
          ? `the decision worker, not the reads: ${fmt(f.unthrottledEventsPerSec)} records/s while requests were free (load average ${fmt(f.loadAverage, 1)})`
          : `the request budget, not the batches (${fmt(fill, 1)} ids each, ${f.rateLimited} 429s): ${fmt(f.associationReads)} of ${fmt(f.requests)} requests were association reads (contact → company), so record reads got ${fmt(recordShareOfRequests * 100)} % of the requests`,
      },
      {
        name: 'events failed by 429s',
        value: `${f.failedEvents} (${f.rateLimited} 429s answered)`,
        target: '0',
        met: f.failedEvents === 0,
        bound: 'rate-limited reads retried past their budget',
      },
    ],
  };
}
