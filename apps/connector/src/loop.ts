import type { Logger } from './log.js';

export interface Loop {
  stop(): Promise<void>;
  /** Runs the next round now instead of after the idle pause. */
  poke(): void;
}

/**
 * Calls `runOnce` until stopped: again at once while it finds work, after `idleMs` when
 * it found none or failed. `stop` waits for the round in progress.
 */
export function startLoop(
  name: string,
  runOnce: () => Promise<number>,
  idleMs: number,
  logger: Logger,
): Loop {
  let running = true;
  let wake: (() => void) | null = null;
  const done = (async () => {
    while (running) {
      let found = 0;
      try {
        found = await runOnce();
      } catch (error) {
        logger.error({ err: error, loop: name }, `${name} round failed`);
      }
      if (found === 0 && running) {
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
    poke: () => wake?.(),
    async stop() {
      running = false;
      wake?.();
      await done;
    },
  };
}
