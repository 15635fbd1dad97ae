import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { findPostgresBin, startTestCluster } from '../test/support/postgres.js';
import { fillInbox, makeEvents, setupWorkspace } from './pipeline.js';
import { freePort, load, startPinned, stop, waitFor } from './support.js';
import { benchConfig, signedHubSpot } from './workload.js';

const CONNECTOR_BIN = path.resolve(import.meta.dirname, '../dist/bin.js');

export interface ScaleFigures {
  processes: number;
  eventsPerSec: number;
  p50?: number;
  p99?: number;
  errors?: number;
}

function configFile(): { dir: string; file: string } {
  const { dir } = setupWorkspace();
  const file = path.join(dir, 'hookpost.config.yaml');
  writeFileSync(file, benchConfig('./dataset.json'));
  return { dir, file };
}

/** Ingest on PostgreSQL (fsync on) with `processes` connector processes, load spread over them. */
async function ingest(databaseUrl: string, processes: number, seconds: number): Promise<ScaleFigures> {
  const { file } = configFile();
  const servers = [];
  for (let i = 0; i < processes; i++) {
    const port = await freePort();
    // One process is pinned like the SQLite run; several share both cores with the load generator.
    const child = startPinned(
      process.execPath,
      [CONNECTOR_BIN, 'start', '--no-worker'],
      {
        PORT: String(port),
        HOOKPOST_CONFIG: file,
        DATABASE_URL: databaseUrl,
        HOOKPOST_ADMIN_TOKEN: 'bench-admin-token-123',
        LOG_LEVEL: 'warn',
      },
      processes === 1 ? '0' : '0,1',
    );
    servers.push({ child, url: `http://127.0.0.1:${port}` });
    await waitFor(`${servers.at(-1)?.url}/healthz`);
  }
  try {
    const connections = Math.ceil(50 / processes);
    const warm = servers.map((s) =>
      load({
        url: s.url,
        path: '/webhooks/hubspot',
        connections,
        seconds: 2,
        next: () => signedHubSpot(100),
      }),
    );
    await Promise.all(warm);
    const results = await Promise.all(
      servers.map((s) =>
        load({ url: s.url, path: '/webhooks/hubspot', connections, seconds, next: () => signedHubSpot(100) }),
      ),
    );
    return {
      processes,
      eventsPerSec: results.reduce((n, r) => n + r.requestsPerSec * 100, 0),
      p50: Math.max(...results.map((r) => r.p50)),
      p99: Math.max(...results.map((r) => r.p99)),
      errors: results.reduce((n, r) => n + r.non2xx + r.errors, 0),
    };
  } finally {
    await Promise.all(servers.map((s) => stop(s.child)));
  }
}

/** The decision pipeline on PostgreSQL: `processes` × `hookpost worker` draining a filled inbox. */
async function pipeline(databaseUrl: string, processes: number, count: number): Promise<ScaleFigures> {
  const { config } = setupWorkspace();
  const { file } = configFile();
  const handle = await fillInbox(databaseUrl, config, makeEvents(count));
  const pending = async () =>
    Number(
      (
        await handle.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirst()
      )?.n ?? 0,
    );
  const workers = Array.from({ length: processes }, () =>
    startPinned(
      process.execPath,
      [CONNECTOR_BIN, 'worker'],
      { HOOKPOST_CONFIG: file, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', HOOKPOST_PG_POOL_SIZE: '4' },
      '0,1',
    ),
  );
  try {
    // Time from the first decided event to the last, so process start-up is not counted.
    let left = await pending();
    while (left === count) {
      await new Promise((r) => setTimeout(r, 20));
      left = await pending();
    }
    const started = performance.now();
    const firstLeft = left;
    while (left > 0) {
      await new Promise((r) => setTimeout(r, 50));
      left = await pending();
    }
    return { processes, eventsPerSec: firstLeft / ((performance.now() - started) / 1000) };
  } finally {
    await Promise.all(workers.map((w) => stop(w)));
    await handle.close();
  }
}

export async function measurePostgres(seconds: number, pipelineEvents: number) {
  if (!findPostgresBin()) return null;
  const cluster = await startTestCluster({ durable: true });
  try {
    const ingestFigures = [];
    const pipelineFigures = [];
    for (const processes of [1, 3]) {
      ingestFigures.push(await ingest(await cluster.createDatabase(), processes, seconds));
      pipelineFigures.push(await pipeline(await cluster.createDatabase(), processes, pipelineEvents));
    }
    return { ingest: ingestFigures, pipeline: pipelineFigures };
  } finally {
    cluster.stop();
  }
}
