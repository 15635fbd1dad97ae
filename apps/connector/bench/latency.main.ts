/** Runs the end-to-end latency section alone: `npx tsx bench/latency.main.ts` (BENCH_LATENCY_SECONDS). */
import { latencySection } from './latency.js';
import { renderSection } from './report.js';

process.stdout.write(`${renderSection(await latencySection()).join('\n')}\n`);
