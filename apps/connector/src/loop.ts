import type { Logger } from './log.js';

export interface Loop {
  stop(): Promise<void>;
  /**
   * Runs the next round now instead of after the idle pause. A poke during a round is kept:
   * that round may have looked before the new work was committed, so one more round follows.
   */
  poke(): void;
}

export interface LoopOptions {
  /** Called after a round that found work, e.g. to wake the loop that consumes what it produced. */
  onFound?: (found: number) => void;
}

/**
 * Calls `runOnce` until stopped: again at once while it finds work or was poked, after
 * `idleMs` when it found none or failed. In one process, `poke` (new events stored) and
 * `onFound` (a stage's output is the next stage's work) wake loops without waiting for the
 * poll; the poll stays as the fallback for work committed by other processes. `stop`
 * waits for the round in progress.
 */
export function startLoop(
  name: string,
  runOnce: () => Promise<number>,
  idleMs: number,
  logger: Logger,
  options: LoopOptions = {},
): Loop {
  let running = true;
  let poked = false;
  let wake: (() => void) | null = null;
  const done = (async () => {
    while (running) {
      poked = false;
      let found = 0;
      try {
        found = await runOnce();
      } catch (error) {
        logger.error({ err: error, loop: name }, `${name} round failed`);
      }
      if (found > 0) options.onFound?.(found);
      if (found === 0 && running && !poked) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, idleMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  })();
  return {
    poke: () => {
      poked = true;
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await done;
    },
  };
}
