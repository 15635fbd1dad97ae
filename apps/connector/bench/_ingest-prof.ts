import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, load, peakRssMb, waitFor } from './support.js';
import { benchConfig, benchDataset, signedHubSpot } from './workload.js';

const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-bench-'));
writeFileSync(path.join(dir, 'dataset.json'), benchDataset());
writeFileSync(path.join(dir, 'hookpost.config.yaml'), benchConfig('./dataset.json'));
const port = await freePort();
const child = spawn(
  'taskset',
  [
    '-c',
    '0',
    process.execPath,
    '--cpu-prof',
    '--cpu-prof-dir=/tmp/prof-ingest',
    path.resolve('dist/bin.js'),
    'start',
    '--no-worker',
  ],
  {
    env: {
      ...process.env,
      PORT: String(port),
      HOOKPOST_CONFIG: path.join(dir, 'hookpost.config.yaml'),
      DATABASE_URL: `sqlite:${dir}/h.db`,
      LOG_LEVEL: 'warn',
      HOOKPOST_ADMIN_TOKEN: 'bench-admin-token-123',
    },
    stdio: 'inherit',
  },
);
await waitFor(`http://127.0.0.1:${port}/healthz`);
const r = await load({
  url: `http://127.0.0.1:${port}`,
  path: '/webhooks/hubspot',
  connections: 50,
  seconds: Number(process.argv[2] ?? 5),
  next: () => signedHubSpot(100),
});
console.log(r, 'rss', peakRssMb(child.pid));
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
