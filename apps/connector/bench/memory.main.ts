/**
 * The memory section on its own: `npx tsx bench/memory.main.ts` from apps/connector after
 * `npm run build` (it runs the built connector). BENCH_SECONDS (default 10) of HubSpot load
 * per run, BENCH_IDLE_SECONDS (default 30) idle. Prints the section's Markdown.
 */
import { measureMemory } from './memory.js';
import { renderSection } from './report.js';

const section = await measureMemory({
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  idleSeconds: Number(process.env.BENCH_IDLE_SECONDS ?? 30),
});
process.stdout.write(`${renderSection(section).join('\n')}\n`);
