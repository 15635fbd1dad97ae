/**
 * `npx tsx bench/memory.young-cap.ts` (after `npm run build`): which young-generation cap
 * keeps both the CPU per ingested event near Node's defaults and the peak RSS under the
 * HubSpot load within target. Each cap runs as `--max-semi-space-size=N` (N MB per
 * semi-space, so 2 × N MB in all: what `YOUNG_CAP_BYTES` caps with the connector's own
 * defaults once the process serves), against Node's defaults (`HOOKPOST_HEAP=node`), on
 * `hookpost start --no-worker` and on `hookpost start`, variants alternated round by round
 * (BENCH_ROUNDS, default 3; BENCH_SECONDS, default 5). On `--no-worker`: CPU per event over
 * a fixed-rate run (`FIXED_RATE` in memory.ts) and peak RSS after a
 * saturated one; on `hookpost start`: peak RSS after a saturated run. Prints one line per
 * run, then the medians.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectorTarget, measureHubSpot } from './ingest.js';
import { measureCostedIngest, startTarget } from './memory.js';
import { readGcTime } from './profiles.js';

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
for (let round = 0; round < rounds; round++) {
  for (const [name, env] of variants) {
    const ingest = await measureCostedIngest(connectorTarget(sqlite, name, env), seconds);
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

// Garbage collection in one more run of each (a perf_hooks observer costs a little per
// collection, so not in the runs above): pauses as a share of the process's CPU time, over
// its whole life (start-up, warm-up, saturated and fixed-rate runs).
const GC_PRELOAD = pathToFileURL(path.resolve(import.meta.dirname, 'gc-time.mjs')).href;
for (const [name, env] of variants) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-gc-')), 'gc.json');
  const options = `${env.NODE_OPTIONS ?? ''} --import ${GC_PRELOAD}`.trim();
  await measureCostedIngest(
    connectorTarget(sqlite, name, { ...env, NODE_OPTIONS: options, HOOKPOST_GC_FILE: file }),
    seconds,
  );
  const gc = readGcTime(file);
  if (gc)
    process.stdout.write(
      `${name}: GC ${gc.gcMs.toFixed(0)} ms of ${gc.cpuMs.toFixed(0)} ms CPU (${((100 * gc.gcMs) / gc.cpuMs).toFixed(1)} %), ${gc.young} young + ${gc.full} full collections\n`,
    );
}
