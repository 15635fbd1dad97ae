/**
 * `npx tsx bench/stall-run.ts [seconds] [hubspot|salesforce]` (after `npm run build`): the
 * HubSpot (default) or Salesforce ingest open-loop run of the connector alone, with the stall probe loaded into it; prints the
 * latencies and every event-loop block over 20 ms with what it was (bench/stall-evidence.ts).
 * A diagnostic for the open-loop row, not part of `npm run bench`. STALL_NODE_ARGS adds Node
 * flags to the connector (e.g. `--cpu-prof`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectorTarget, HUBSPOT_BATCHES, measureIngest, SALESFORCE_MESSAGES } from './ingest.js';
import { describeStalls, stallEvidence, stallProbe } from './stall-evidence.js';

const seconds = Number(process.argv[2] ?? 5);
const workload = process.argv[3] === 'salesforce' ? SALESFORCE_MESSAGES : HUBSPOT_BATCHES;
const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-stall-'));
const probe = stallProbe(path.join(dir, 'stalls.json'));
const nodeArgs = [...(process.env.STALL_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...probe.nodeArgs];
const sqlite = (d: string) => `sqlite:${path.join(d, 'hookpost.db')}`;
const f = await measureIngest(connectorTarget(sqlite, 'connector', probe.env, nodeArgs), workload, seconds);
const ol = f.openLoop;
if (!ol) throw new Error('no open-loop run');
process.stdout.write(
  `saturated ${Math.round(f.result.requestsPerSec)} requests/s, CPU ${f.cpuMsPer1kEvents.toFixed(1)} ms/1k events; open loop at ${ol.rate}/s: p50 ${ol.p50} p90 ${ol.p90} p99 ${ol.p99} max ${ol.max} ms, sender late ≤ ${ol.sendLagMax} ms, load average ${ol.loadAverage.toFixed(2)}\n`,
);
const evidence = stallEvidence(probe.env.STALL_PROBE_OUT, ol, seconds);
process.stdout.write(`${describeStalls(evidence)}\n`);
for (const b of evidence.blocks)
  process.stdout.write(
    `  ${b.ms.toFixed(0)} ms at ${(b.startsAtMs / 1000).toFixed(3)} s: ran ${b.ranMs.toFixed(0)}, waited ${b.waitedMs.toFixed(0)}, asleep ${b.sleptMs.toFixed(0)}: ${b.cause}\n`,
  );
rmSync(dir, { recursive: true, force: true });
