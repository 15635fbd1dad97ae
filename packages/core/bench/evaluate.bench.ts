/**
 * `npm run bench -w @hookpost/core`: 50 campaigns over 100,000 events on one core.
 * The baseline walks the same events × campaigns reading only `event.kind`, so the ratio
 * shows what rule evaluation costs on top of touching the data at all.
 */
import { performance } from 'node:perf_hooks';
import { createEvaluator } from '../src/rules/evaluate.js';
import { benchCampaigns, benchEvents } from './workload.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const ROUNDS = 5;

const campaigns = benchCampaigns();
const workload = benchEvents(EVENTS);
const evaluate = createEvaluator(campaigns);

function baseline(): number {
  let sink = 0;
  for (const { event } of workload) {
    for (const campaign of campaigns) if (event.kind === 'updated' && campaign.enabled) sink++;
  }
  return sink;
}

function evaluation(): number {
  let matched = 0;
  for (const { event, context } of workload) {
    for (const decision of evaluate(event, context)) if (decision.outcome === 'matched') matched++;
  }
  return matched;
}

/** Best of several rounds after a warm-up: the steady state, not JIT start-up. */
function measure(run: () => number): { ms: number; result: number } {
  let result = run();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    result = run();
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, result };
}

const base = measure(baseline);
const evaluated = measure(evaluation);
const perSecond = (ms: number) => Math.round((EVENTS / ms) * 1000);
const format = (n: number) => n.toLocaleString('en-US');

console.log(
  `@hookpost/core evaluate: ${campaigns.length} campaigns × ${format(EVENTS)} events (best of ${ROUNDS})`,
);
console.log(
  `  baseline (read event.kind per campaign): ${base.ms.toFixed(1)} ms, ${format(perSecond(base.ms))} events/s`,
);
console.log(
  `  evaluateCampaigns:                        ${evaluated.ms.toFixed(1)} ms, ${format(perSecond(evaluated.ms))} events/s (${format(evaluated.result)} matches)`,
);
console.log(`  ratio evaluate / baseline time: ${(evaluated.ms / base.ms).toFixed(1)}×`);
const TARGET_EVENTS_PER_S = 20_000;
if (perSecond(evaluated.ms) < TARGET_EVENTS_PER_S) {
  console.error(`  below the target of ${format(TARGET_EVENTS_PER_S)} events/s`);
  process.exitCode = 1;
}
