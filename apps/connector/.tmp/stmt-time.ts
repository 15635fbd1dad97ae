import SQLite from 'better-sqlite3';
import { measurePipeline } from '../bench/pipeline.js';
const probe = new SQLite(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('select 1'));
const stats = new Map<string, { ms: number; n: number }>();
let on = false;
for (const m of ['all', 'run', 'get', 'iterate']) {
  const orig = proto[m];
  proto[m] = function (this: { source: string }, ...args: unknown[]) {
    if (!on && this.source.startsWith('select "id", "platform"')) on = true;
    if (!on) return orig.apply(this, args);
    const t = performance.now();
    try { return orig.apply(this, args); } finally {
      const k = `${m} ${this.source.slice(0, 140)}`;
      const s = stats.get(k) ?? { ms: 0, n: 0 };
      s.ms += performance.now() - t; s.n++; stats.set(k, s);
    }
  };
}
const origRunOnce = (globalThis as any).x;
const n = Number(process.env.N ?? 20000);
const campaigns = Number(process.env.C ?? 5);
// turn on after inbox fill: crude — patch by env: measure everything, then subtract inbox inserts by eye
const f = await measurePipeline(n, campaigns);
console.log(f.eventsPerSec.toFixed(0), 'ev/s', f.cpuUsPerEvent.toFixed(1), 'µs/ev');
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30))
  console.log(((1000 * s.ms) / n).toFixed(2).padStart(7), 'µs/ev', String(s.n).padStart(6), k);
