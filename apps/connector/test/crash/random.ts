/**
 * A seeded PRNG (mulberry32) so a failing crash run can be replayed with the same kills
 * and the same traffic: set HOOKPOST_CRASH_SEED to the seed the run printed. Hand-written
 * because it is six lines and `Math.random` cannot be seeded.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return function random() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed from HOOKPOST_CRASH_SEED, else a fresh one (printed with the run's counts). */
export function crashSeed(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.HOOKPOST_CRASH_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1;
}
