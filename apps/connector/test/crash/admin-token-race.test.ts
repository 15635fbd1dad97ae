import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';

const WORKERS = 8;
const ROUNDS = 300;
const base = mkdtempSync(path.join(tmpdir(), 'hookpost-token-race-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

type Result = { round: number; token?: string; error?: string };

describe('the admin token when processes start together', () => {
  it(`gives ${WORKERS} simultaneous starts one token and no error, ${ROUNDS} times over`, async () => {
    const signals = new SharedArrayBuffer(ROUNDS * 4);
    const go = new Int32Array(signals);
    const results: Result[][] = Array.from({ length: ROUNDS }, () => []);
    let ready = 0;
    const workers = Array.from({ length: WORKERS }, () => {
      const worker = new Worker(new URL('./admin-token-worker.mjs', import.meta.url), {
        workerData: { base, rounds: ROUNDS, signals },
      });
      worker.on('message', (m: Result & { ready?: boolean }) => {
        if (m.ready) ready++;
        else results[m.round]?.push(m);
      });
      return worker;
    });
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((r) => setTimeout(r, 1));
    };
    try {
      await until(() => ready === WORKERS);
      for (let round = 0; round < ROUNDS; round++) {
        Atomics.store(go, round, 1);
        Atomics.notify(go, round);
        await until(() => (results[round]?.length ?? 0) === WORKERS);
      }
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
    const errors = results.flat().filter((r) => r.error);
    const split = results.filter((round) => new Set(round.map((r) => r.token)).size !== 1);
    expect(errors.slice(0, 3)).toEqual([]);
    expect(split.length).toBe(0);
  }, 60_000);
});
