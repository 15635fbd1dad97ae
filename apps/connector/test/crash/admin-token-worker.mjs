// One "process" of the admin-token race, as a worker thread. Plain JS that registers tsx
// itself: a worker does not inherit the test runner's TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { resolveAdminToken } = await import('../../src/cli/admin-token.ts');
const { base, rounds, signals } = workerData;
const go = new Int32Array(signals);
parentPort.postMessage({ ready: true });
for (let round = 0; round < rounds; round++) {
  Atomics.wait(go, round, 0);
  try {
    parentPort.postMessage({ round, token: resolveAdminToken(`${base}/${round}`, {}).token });
  } catch (error) {
    parentPort.postMessage({ round, error: String(error) });
  }
}
