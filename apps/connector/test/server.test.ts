import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from './support/cli.js';

describe('hookpost start', () => {
  it('serves /healthz and /readyz with the demo config, then exits 0 on SIGINT', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'hookpost-start-'));
    const cli = spawnCli(['start'], { PORT: '0', HOOKPOST_CONFIG: '', LOG_LEVEL: 'info' }, cwd);
    try {
      const line = await cli.waitFor(/"port":\d+/);
      const port = Number(line.split(':')[1]);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', streams: [] });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('hookpost_events_accepted_total');
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('connector stopped');
  });
});
