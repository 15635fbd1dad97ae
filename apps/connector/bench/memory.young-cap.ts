/**
 * `npx tsx bench/memory.young-cap.ts` (after `npm run build`): which young-generation cap
 * keeps both the CPU per ingested event near Node's defaults and the peak RSS under the
 * HubSpot load within target. Each cap runs as `--max-semi-space-size=N` (N MB per
 * semi-space, so 2 × N MB in all: what `YOUNG_CAP_BYTES` caps with the connector's own
 * defaults once the process serves), against Node's defaults (`HOOKPOST_HEAP=node`), on
 * `hookpost start --no-worker` and on `hookpost start`, variants alternated round by round
 * (BENCH_ROUNDS, default 3; BENCH_SECONDS, default 5). On `--no-worker`: CPU per event over
 * a fixed-rate run (BENCH_RATE requests/s of 100 events, default 80) and peak RSS after a
 * saturated one; on `hookpost start`: peak RSS after a saturated run. Prints one line per
 * run, then the medians.
 */
import path from 'node:path';
import { connectorTarget, HUBSPOT_BATCHES, measureHubSpot, type Target } from './ingest.js';
import { startTarget } from './memory.js';
import { openLoop } from './open-loop.js';
import { cpuSeconds, load, peakRssMb } from './support.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const sqlite = (dir: string) => `sqlite:${path.join(dir, 'hookpost.db')}`;
const variants: [name: string, env: NodeJS.ProcessEnv][] = [
  ['semi-space 4 MB', { NODE_OPTIONS: '--max-semi-space-size=4' }],
  ['semi-space 8 MB', { NODE_OPTIONS: '--max-semi-space-size=8' }],
  ['semi-space 16 MB', { NODE_OPTIONS: '--max-semi-space-size=16' }],
  ["Node's defaults", { HOOKPOST_HEAP: 'node' }],
];
const results = new Map<string, { cpu: number[]; rss: number[]; startRss: number[] }>();
/** Requests/s of the fixed-rate run that CPU per event is measured over (100 events each). */
const FIXED_RATE = Number(process.env.BENCH_RATE ?? 80);

/**
 * CPU per 1,000 events at a fixed request rate, and peak RSS after a saturated run. At a
 * fixed rate the group commits hold about as many requests whatever else the machine runs;
 * at saturation the group size, and with it the CPU per event, follows the throughput the
 * shared machine allows.
 */
async function measure(target: Target): Promise<{ cpuMsPer1kEvents: number; rssMb: number }> {
  const server = await target.start();
  try {
    const { path: route, next } = HUBSPOT_BATCHES;
    await load({ url: server.url, path: route, connections: 50, seconds, next });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = cpuSeconds(server.pid);
    const run = await openLoop({ url: server.url, path: route, rate: FIXED_RATE, seconds, next });
    const cpuMsPer1kEvents = ((cpuSeconds(server.pid) - before) * 1e6) / (run.sent * 100);
    return { cpuMsPer1kEvents, rssMb: peakRssMb(server.pid) };
  } finally {
    await server.close();
  }
}

for (let round = 0; round < rounds; round++) {
  for (const [name, env] of variants) {
    const ingest = await measure(connectorTarget(sqlite, name, env));
    const started = await measureHubSpot(startTarget(name, env), seconds);
    const r = results.get(name) ?? { cpu: [], rss: [], startRss: [] };
    r.cpu.push(ingest.cpuMsPer1kEvents);
    r.rss.push(ingest.rssMb);
    r.startRss.push(started.rssMb);
    results.set(name, r);
    process.stdout.write(
      `round ${round + 1} ${name}: --no-worker CPU ${ingest.cpuMsPer1kEvents.toFixed(1)} ms/1k events, peak ${ingest.rssMb} MB; start peak ${started.rssMb} MB\n`,
    );
  }
}
const mean = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const node = results.get("Node's defaults");
for (const [name, r] of results)
  process.stdout.write(
    `${name}: CPU ${mean(r.cpu).toFixed(1)} ms/1k median (${node ? (mean(r.cpu) / mean(node.cpu)).toFixed(2) : '–'}× Node's; runs ${r.cpu.map((c) => c.toFixed(1)).join(', ')}), peak --no-worker max ${Math.max(...r.rss)} MB, hookpost start max ${Math.max(...r.startRss)} MB\n`,
  );
