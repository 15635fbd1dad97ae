/**
 * Latency end to end: a HubSpot event received → its signed campaign trigger at the
 * direct-mail platform, at a low steady rate with no delay policy. A real connector
 * process (`hookpost start`, worker included) on SQLite, one signed HubSpot webhook per
 * event sent at a fixed rate (open loop), a real HTTP receiver that verifies each trigger
 * and records its arrival; matched by event id.
 *
 * Baseline (the floor of the path): the round trip of the ingest request alone — the event
 * must be durably stored before anything else can happen.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseWebhookBatch, signRequestV3 } from '@hookpost/hubspot';
import { startMailReceiver } from './mail-receiver.js';
import { type BenchSection, fmt } from './report.js';
import { freePort, startPinned, stop, waitFor } from './support.js';
import { benchDataset, CONTACTS, HUBSPOT_SECRET, PORTAL_ID, PUBLIC_URL } from './workload.js';

const CONNECTOR_BIN = path.resolve(import.meta.dirname, '../dist/bin.js');
const TRIGGER_SECRET = `whsec_${Buffer.from('bench-latency-trigger-secret-0123').toString('base64')}`;
const WARM_UP_EVENTS = 20;

export interface LatencyFigures {
  ratePerSec: number;
  events: number;
  delivered: number;
  endToEnd: { p50: number; p99: number; max: number };
  ingest: { p50: number; p99: number };
  /** From the ingest answer to the trigger's arrival: the worker and dispatcher rounds. */
  afterAck: { p50: number; p99: number };
  rejected: number;
  /** 1-minute load average at the end: runnable processes competing for the cores. */
  loadAverage: number;
}

function latencyConfig(destinationUrl: string): string {
  return `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET} }
workspaces:
  - id: bench
    hubspot: { portalId: ${PORTAL_ID}, dataset: ./dataset.json }
    destinations:
      mail: { type: webhook, url: ${destinationUrl}, secret: ${TRIGGER_SECRET} }
    campaigns:
      - id: welcome
        destination: mail
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer }
        policy: { oncePerRecipient: false }
`;
}

/** One HubSpot delivery holding one event for contact `objectId` (a German address in the dataset). */
function signedEvent(eventId: number, objectId: number) {
  const body = JSON.stringify([
    {
      eventId,
      subscriptionId: 25,
      portalId: PORTAL_ID,
      appId: 1160452,
      occurredAt: Date.now(),
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId,
      propertyName: 'lifecyclestage',
      propertyValue: 'customer',
      changeSource: 'CRM_UI',
    },
  ]);
  const headers = signRequestV3({
    clientSecret: HUBSPOT_SECRET,
    method: 'POST',
    url: `${PUBLIC_URL}/webhooks/hubspot`,
    body,
  });
  const id = parseWebhookBatch(body)[0]?.id ?? '';
  return { id, body, headers: { 'content-type': 'application/json', ...headers } };
}

/** Nearest-rank percentile of ascending `sorted` values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Sends `seconds × ratePerSec` events (after a warm-up) at a fixed rate and times each to its trigger. */
export async function measureLatency(
  seconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 30),
  ratePerSec = 10,
): Promise<LatencyFigures> {
  const receiver = await startMailReceiver(TRIGGER_SECRET);
  const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-latency-'));
  writeFileSync(path.join(dir, 'dataset.json'), benchDataset());
  writeFileSync(path.join(dir, 'hookpost.config.yaml'), latencyConfig(receiver.url));
  const port = await freePort();
  const child = startPinned(process.execPath, [CONNECTOR_BIN, 'start'], {
    PORT: String(port),
    HOOKPOST_CONFIG: path.join(dir, 'hookpost.config.yaml'),
    DATABASE_URL: `sqlite:${path.join(dir, 'hookpost.db')}`,
    HOOKPOST_ADMIN_TOKEN: 'bench-admin-token',
    LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}/webhooks/hubspot`;
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`);
    const total = WARM_UP_EVENTS + Math.round(seconds * ratePerSec);
    const sent: Array<{ id: string; at: number; ackMs: number }> = [];
    const inFlight: Promise<void>[] = [];
    const intervalMs = 1000 / ratePerSec;
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      await sleep(started + i * intervalMs - performance.now());
      // Contacts with a German address (every 4th has a French one), a fresh one per event.
      const event = signedEvent(1_000_000 + i, 1 + ((i * 4) % CONTACTS) + (i % 3));
      const record = { id: event.id, at: performance.now(), ackMs: Number.NaN };
      sent.push(record);
      inFlight.push(
        fetch(url, { method: 'POST', headers: event.headers, body: event.body }).then(async (response) => {
          await response.arrayBuffer();
          if (response.ok) record.ackMs = performance.now() - record.at;
        }),
      );
    }
    await Promise.all(inFlight);
    const deadline = performance.now() + 15_000;
    while (sent.some((s) => !receiver.arrivals.has(s.id)) && performance.now() < deadline) await sleep(50);
    const measured = sent.slice(WARM_UP_EVENTS);
    const endToEnd = measured
      .flatMap((s) => {
        const at = receiver.arrivals.get(s.id);
        return at === undefined ? [] : [at - s.at];
      })
      .sort((a, b) => a - b);
    const acks = measured
      .map((s) => s.ackMs)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const afterAck = measured
      .flatMap((s) => {
        const at = receiver.arrivals.get(s.id);
        return at === undefined || !Number.isFinite(s.ackMs) ? [] : [at - s.at - s.ackMs];
      })
      .sort((a, b) => a - b);
    return {
      ratePerSec,
      events: measured.length,
      delivered: endToEnd.length,
      endToEnd: {
        p50: percentile(endToEnd, 50),
        p99: percentile(endToEnd, 99),
        max: endToEnd.at(-1) ?? Number.NaN,
      },
      ingest: { p50: percentile(acks, 50), p99: percentile(acks, 99) },
      afterAck: { p50: percentile(afterAck, 50), p99: percentile(afterAck, 99) },
      rejected: receiver.rejected,
      loadAverage: loadavg()[0] ?? Number.NaN,
    };
  } finally {
    await stop(child);
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Target for what the pipeline adds after the ingest answer (worker round, dispatcher round,
 * the signed POST): p99 ≤ 50 ms, a quarter of one idle poll — it must never wait for a poll.
 */
export const LATENCY_ADDED_P99_MS = 50;

export async function latencySection(seconds?: number): Promise<BenchSection> {
  const f = await measureLatency(seconds);
  const ms = (n: number) => fmt(n, 1);
  const allDelivered = f.delivered === f.events && f.rejected === 0;
  return {
    title: 'Latency end to end: event received → trigger at the mail platform',
    markdown: [
      `A connector process (\`hookpost start\`, worker and dispatcher included) on SQLite (WAL, synchronous=FULL for ingest), one campaign with no delay policy and a webhook destination. ${fmt(f.events)} HubSpot webhooks of one event each, signed (v3), sent open-loop at ${f.ratePerSec} events/s (after ${WARM_UP_EVENTS} warm-up events); a real HTTP mail platform verifies each Standard Webhooks signature and records its arrival, matched by event id. Baseline: the ingest request's round trip alone (the event durably stored), the floor of the path.`,
      '',
      '| | p50 ms | p99 ms | max ms | ratio p50 / p99 |',
      '|---|---|---|---|---|',
      `| ingest round trip (baseline) | ${ms(f.ingest.p50)} | ${ms(f.ingest.p99)} | | 1 / 1 |`,
      `| event → trigger at the destination | ${ms(f.endToEnd.p50)} | ${ms(f.endToEnd.p99)} | ${ms(f.endToEnd.max)} | ${fmt(f.endToEnd.p50 / f.ingest.p50, 1)} / ${fmt(f.endToEnd.p99 / f.ingest.p99, 1)} |`,
      `| of which after the ingest answer (worker, dispatcher, POST) | ${ms(f.afterAck.p50)} | ${ms(f.afterAck.p99)} | | |`,
      '',
      `${fmt(f.delivered)} of ${fmt(f.events)} triggers arrived, ${f.rejected} failed verification.`,
    ],
    targets: [
      {
        name: 'every event reaches the destination, signed',
        value: `${fmt(f.delivered)} / ${fmt(f.events)}, ${f.rejected} rejected`,
        target: 'all',
        met: allDelivered,
        bound: 'triggers missing within 15 s of the last event',
      },
      {
        name: 'added after the ingest answer, p99 at 10 events/s',
        value: `${ms(f.afterAck.p99)} ms (end to end p99 ${ms(f.endToEnd.p99)} ms)`,
        target: `≤ ${LATENCY_ADDED_P99_MS} ms`,
        met: f.afterAck.p99 <= LATENCY_ADDED_P99_MS,
        bound: `the worker and dispatcher rounds waiting for a core: load average ${fmt(f.loadAverage, 1)} on ${availableParallelism()} cores during the run`,
      },
    ],
  };
}
