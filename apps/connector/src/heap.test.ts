import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_DEFAULTS, heapPlanFor, WORKER_YOUNG_CAP_BYTES, YOUNG_CAP_BYTES } from './heap.js';

describe('heap defaults', () => {
  it('sizes both generations when the user set nothing', () => {
    expect(heapPlanFor({}, [])).toEqual({ young: true, flags: [HEAP_DEFAULTS.young, HEAP_DEFAULTS.old] });
  });

  it('keeps Node defaults with HOOKPOST_HEAP=node', () => {
    expect(heapPlanFor({ HOOKPOST_HEAP: 'node' }, [])).toEqual({ young: false, flags: [] });
  });

  it("leaves a generation alone when the user sized it (NODE_OPTIONS or node's command line, either spelling)", () => {
    expect(heapPlanFor({ NODE_OPTIONS: '--max-semi-space-size=16' }, [])).toEqual({
      young: false,
      flags: [HEAP_DEFAULTS.old],
    });
    expect(heapPlanFor({}, ['--max_old_space_size=512'])).toEqual({
      young: true,
      flags: [HEAP_DEFAULTS.young],
    });
    expect(
      heapPlanFor({ NODE_OPTIONS: '--heap-growing-percent=100 --semi-space-growth-factor=2' }, []),
    ).toEqual({ young: false, flags: [] });
  });

  it('keeps the young generation at its initial size while modules load, then lets it grow to its cap once serving', () => {
    const youngSizes = (env: NodeJS.ProcessEnv, cap = '') => {
      const script = `
        import { allowYoungGrowth, applyHeapDefaults } from ${JSON.stringify(new URL('./heap.ts', import.meta.url).href)};
        import v8 from 'node:v8';
        const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
        applyHeapDefaults(process.env, []);
        let keep = [];
        const churn = (n) => {
          for (let i = 0; i < n; i++) { keep.push({ i, text: 'x'.repeat(200 + (i % 50)) }); if (keep.length > 8_000) keep = []; }
        };
        const before = young();
        churn(300_000); // one long synchronous stretch, as modules load
        const loaded = young();
        allowYoungGrowth(${cap}); // serving HTTP, or deciding
        for (let turn = 0; turn < 300; turn++) { churn(5_000); await new Promise((r) => setImmediate(r)); } // requests
        process.stdout.write(JSON.stringify({ before, loaded, after: young() }));`;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', ...env },
      });
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout) as { before: number; loaded: number; after: number };
    };
    const applied = youngSizes({ HOOKPOST_HEAP: '' });
    expect(applied.loaded).toBe(applied.before);
    expect(applied.after).toBeGreaterThan(applied.before);
    expect(applied.after).toBeLessThanOrEqual(YOUNG_CAP_BYTES);
    // A process without a server (\`hookpost worker\`) may grow past the server's cap, up to V8's.
    const worker = youngSizes({ HOOKPOST_HEAP: '' }, String(WORKER_YOUNG_CAP_BYTES));
    expect(worker.loaded).toBe(worker.before);
    expect(worker.after).toBeGreaterThan(YOUNG_CAP_BYTES);
    expect(worker.after).toBeLessThanOrEqual(WORKER_YOUNG_CAP_BYTES);
    // Node's defaults let it grow during the synchronous stretch already, and past the cap.
    const node = youngSizes({ HOOKPOST_HEAP: 'node' });
    expect(node.loaded).toBeGreaterThan(node.before);
    expect(node.after).toBeGreaterThan(YOUNG_CAP_BYTES);
  });
});
