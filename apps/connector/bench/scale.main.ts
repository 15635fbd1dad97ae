/** Runs the scale section alone: `npx tsx bench/scale.main.ts` (BENCH_SECONDS, BENCH_SCALE_EVENTS). */
import { renderSection } from './report.js';
import { scaleSection } from './scale.js';

process.stdout.write(`${renderSection(await scaleSection()).join('\n')}\n`);
