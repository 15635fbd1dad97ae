/** Runs the enrichment-at-the-ceiling section alone: `npx tsx bench/enrichment.main.ts` (BENCH_ENRICH_WINDOWS). */
import { enrichmentSection } from './enrichment.js';
import { renderSection } from './report.js';

process.stdout.write(`${renderSection(await enrichmentSection()).join('\n')}\n`);
