import type { Fleet, Member } from './fleet.js';

export interface ChaosOptions {
  kills: number;
  /** Share of the work done, 0–1: the kills are spread over it, one per slot at a random point. */
  progress: () => number;
  /** True once the load is over (done, failed or out of time): the remaining kills come at once. */
  stopped: () => boolean;
  /** Told after each kill, so the load can be held back until the next one happened. */
  onKill?: (done: number) => void;
  random: () => number;
  /** SIGKILL (a crash, the default) or SIGTERM (a rolling restart: drain, exit 0). */
  signal?: 'SIGKILL' | 'SIGTERM';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const PROGRESS_POLL_MS = 50;

/**
 * SIGKILLs a random live process once per slot of the work's progress and restarts it (a real
 * process start: tsx, migrations, listen) without waiting, so with several processes two
 * can be down at once; one always stays up. A single process is restarted before the
 * next kill. Returns how many kills happened; a slow restart pushes later kills back.
 * Progress, not time, places the kills: a slow machine gets the same number in the same work.
 */
export async function runChaos(
  fleet: Fleet,
  { kills, progress, stopped, onKill, random, signal = 'SIGKILL' }: ChaosOptions,
): Promise<number> {
  if (kills === 0) return 0;
  const maxDown = Math.max(1, fleet.members.length - 1);
  const restarting = new Map<Member, Promise<void>>();
  let done = 0;
  for (let i = 0; i < kills; i++) {
    const at = (i + 0.2 + 0.6 * random()) / kills;
    // Wait for this kill's slot. Senders in flight can finish the load a moment before the
    // last slot comes up: the kill then still happens, while the workers and dispatchers
    // drain what was acknowledged, so a run always has exactly `kills` kills.
    while (progress() < at && !stopped()) await sleep(PROGRESS_POLL_MS);
    while (restarting.size >= maxDown) await Promise.race(restarting.values());
    const live = fleet.live();
    const victim = live[Math.floor(random() * live.length)];
    if (!victim)
      throw new Error(
        `chaos: no live process to kill\n${fleet.unexpectedExits.join('\n') || 'no unexpected exit'}`,
      );
    await fleet.kill(victim, signal);
    done++;
    onKill?.(done);
    const restart = fleet.restart(victim).finally(() => restarting.delete(victim));
    restarting.set(victim, restart);
  }
  await Promise.all(restarting.values());
  return done;
}
