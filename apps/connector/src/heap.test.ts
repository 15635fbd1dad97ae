import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_DEFAULTS, heapDefaultsFor } from './heap.js';

describe('heap defaults', () => {
  it('sets both generations when the user set nothing', () => {
    expect(heapDefaultsFor({}, [])).toEqual([HEAP_DEFAULTS.young, HEAP_DEFAULTS.old]);
  });

  it('keeps Node defaults with HOOKPOST_HEAP=node', () => {
    expect(heapDefaultsFor({ HOOKPOST_HEAP: 'node' }, [])).toEqual([]);
  });

  it("leaves a generation alone when the user sized it (NODE_OPTIONS or node's command line, either spelling)", () => {
    expect(heapDefaultsFor({ NODE_OPTIONS: '--max-semi-space-size=16' }, [])).toEqual([HEAP_DEFAULTS.old]);
    expect(heapDefaultsFor({}, ['--max_old_space_size=512'])).toEqual([HEAP_DEFAULTS.young]);
    expect(
      heapDefaultsFor({ NODE_OPTIONS: '--heap-growing-percent=100 --semi-space-growth-factor=2' }, []),
    ).toEqual([]);
  });

  it('stops the young generation growing once applied; without it the same allocations grow it', () => {
    const youngAfterAllocating = (env: NodeJS.ProcessEnv) => {
      const script = `
        import { applyHeapDefaults } from ${JSON.stringify(new URL('./heap.ts', import.meta.url).href)};
        import v8 from 'node:v8';
        const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
        applyHeapDefaults(process.env, []);
        const before = young();
        let keep = [];
        for (let i = 0; i < 300_000; i++) { keep.push({ i, text: 'x'.repeat(200 + (i % 50)) }); if (keep.length > 20_000) keep = []; }
        process.stdout.write(JSON.stringify({ before, after: young() }));`;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', ...env },
      });
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout) as { before: number; after: number };
    };
    const applied = youngAfterAllocating({ HOOKPOST_HEAP: '' });
    expect(applied.after).toBe(applied.before);
    const node = youngAfterAllocating({ HOOKPOST_HEAP: 'node' });
    expect(node.after).toBeGreaterThan(node.before);
  });
});
