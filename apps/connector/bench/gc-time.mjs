// Preload (`node --import`) for the memory bench: sums the time V8 spends in garbage
// collection (perf_hooks 'gc' entries) and writes it, with the process's CPU time, to
// $HOOKPOST_GC_FILE at exit. https://nodejs.org/api/perf_hooks.html#class-performancegcentry
import { writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const totals = { gcMs: 0, young: 0, full: 0, cpuMs: 0, youngMaxMb: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    totals.gcMs += entry.duration;
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) totals.full++;
    else if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) totals.young++;
  }
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  totals.youngMaxMb = Math.max(totals.youngMaxMb, (young?.space_size ?? 0) / 2 ** 20);
}).observe({ entryTypes: ['gc'] });
process.on('exit', () => {
  const cpu = process.cpuUsage();
  totals.cpuMs = (cpu.user + cpu.system) / 1000;
  if (process.env.HOOKPOST_GC_FILE) writeFileSync(process.env.HOOKPOST_GC_FILE, JSON.stringify(totals));
});
