import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './log.js';
import { type Loop, startLoop } from './loop.js';

const logger = createLogger({ level: 'silent', pretty: false });
// Far longer than any test runs: work is only found in time if a wake-up ran the round.
const NEVER_MS = 3_600_000;
const loops: Loop[] = [];
afterEach(async () => {
  await Promise.all(loops.splice(0).map((loop) => loop.stop()));
});

/** A queue the loop drains one item per round; resolves `seen` when `item` was taken. */
function queue() {
  const items: number[] = [];
  const waiters = new Map<number, () => void>();
  return {
    push: (item: number) => items.push(item),
    taken: (item: number) => new Promise<void>((resolve) => waiters.set(item, resolve)),
    async runOnce() {
      const item = items.shift();
      if (item === undefined) return 0;
      waiters.get(item)?.();
      return 1;
    },
  };
}

describe('startLoop wake-ups', () => {
  it('a poke while idle runs the next round at once', async () => {
    const q = queue();
    const loop = startLoop('test', q.runOnce, NEVER_MS, logger);
    loops.push(loop);
    await new Promise((r) => setTimeout(r, 10));
    q.push(1);
    loop.poke();
    await q.taken(1);
  });

  it('a poke during a round that found nothing is not lost', async () => {
    const q = queue();
    let release: () => void = () => {};
    let rounds = 0;
    const loop = startLoop(
      'test',
      async () => {
        rounds += 1;
        const found = await q.runOnce();
        // The first round has looked (nothing yet) and is still finishing when work arrives.
        if (rounds === 1) await new Promise<void>((r) => (release = r));
        return found;
      },
      NEVER_MS,
      logger,
    );
    loops.push(loop);
    await new Promise((r) => setTimeout(r, 10));
    const found = q.taken(1);
    q.push(1);
    loop.poke();
    release();
    await found;
    expect(rounds).toBe(2);
  });

  it('onFound wakes the next stage with what a round produced', async () => {
    const decide = queue();
    const dispatch = queue();
    const dispatchLoop = startLoop('dispatch', dispatch.runOnce, NEVER_MS, logger);
    const produced: number[] = [];
    const decideLoop = startLoop('decide', decide.runOnce, NEVER_MS, logger, {
      onFound: (found) => {
        produced.push(found);
        dispatch.push(100 + produced.length);
        dispatchLoop.poke();
      },
    });
    loops.push(decideLoop, dispatchLoop);
    await new Promise((r) => setTimeout(r, 10));
    decide.push(1);
    decideLoop.poke();
    await dispatch.taken(101);
    expect(produced).toEqual([1]);
  });
});
