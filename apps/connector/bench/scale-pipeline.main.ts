/**
 * The scale section's pipeline half alone, on a kept file, to compare code changes in one
 * session: `npx tsx bench/scale-pipeline.main.ts fill <file>` clones a 1,000,000-event history
 * into `<file>`; `… measure <file> [rounds]` alternates the pipeline on an empty store and on
 * `<file>` (`BENCH_SCALE_PIPELINE_EVENTS` each), then prints KiB written per event by B-tree
 * (`BENCH_SCALE_WRITES=0`: not).
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fmt } from './report.js';
import { filledDatabase, pipelineOn } from './scale.js';
import { writesByTree } from './wal-pages.js';

const [mode, file, rounds = '3'] = process.argv.slice(2);
const EVENTS = Number(process.env.BENCH_SCALE_PIPELINE_EVENTS ?? 20_000);
if (!file) throw new Error('usage: scale-pipeline.main.ts fill|measure <file> [rounds]');

if (mode === 'fill') {
  const filled = await filledDatabase();
  copyFileSync(filled.file, file);
  process.stdout.write(`${JSON.stringify(filled.fill.rowsByTable)}\n`);
} else {
  // A fresh process compiles as it goes: the first run would pay for it, not the store.
  await pipelineOn(2_000);
  const ratios: number[] = [];
  for (let round = 0; round < Number(rounds); round++) {
    const empty = await pipelineOn(EVENTS);
    const filled = await pipelineOn(EVENTS, `sqlite:${file}`);
    const ratio = filled.figures.eventsPerSec / empty.figures.eventsPerSec;
    ratios.push(ratio);
    process.stdout.write(
      `round ${round}: empty ${fmt(empty.figures.eventsPerSec)}/s ${fmt(empty.bytesPerEvent / 1024, 1)} KiB, filled ${fmt(filled.figures.eventsPerSec)}/s ${fmt(filled.bytesPerEvent / 1024, 1)} KiB, ratio ${fmt(ratio, 2)}; CPU µs/event ${fmt(empty.figures.cpuUsPerEvent)} → ${fmt(filled.figures.cpuUsPerEvent)}\n`,
    );
  }
  process.stdout.write(`ratios ${ratios.map((r) => fmt(r, 2)).join(' ')}\n`);
  if (process.env.BENCH_SCALE_WRITES === '0') process.exit(0);
  const emptyPages = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-scale-')), 'pages.db');
  const writes = { empty: await writesByTree(emptyPages), filled: await writesByTree(file) };
  for (const phase of ['ingest', 'pipeline'] as const) {
    const names = new Set([...writes.empty[phase].keys(), ...writes.filled[phase].keys()]);
    for (const name of names) {
      const e = writes.empty[phase].get(name) ?? 0;
      const f = writes.filled[phase].get(name) ?? 0;
      if (e >= 0.05 || f >= 0.05) process.stdout.write(`${phase} ${name} ${fmt(e, 2)} → ${fmt(f, 2)}\n`);
    }
  }
}
