import type { Fleet, Member } from './fleet.js';

export interface ChaosOptions {
  kills: number;
  /** The kills are spread over this window, one per slot at a random point in it. */
  windowMs: number;
  random: () => number;
  /** SIGKILL (a crash, the default) or SIGTERM (a rolling restart: drain, exit 0). */
  signal?: 'SIGKILL' | 'SIGTERM';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * SIGKILLs a random live process once per slot of the window and restarts it (a real
 * process start: tsx, migrations, listen) without waiting, so with several processes two
 * can be down at once; one always stays up. A single process is restarted before the
 * next kill. Returns how many kills happened; a slow restart pushes later kills back.
 */
export async function runChaos(
  fleet: Fleet,
  { kills, windowMs, random, signal = 'SIGKILL' }: ChaosOptions,
): Promise<number> {
  if (kills === 0) return 0;
  const started = Date.now();
  const slotMs = windowMs / kills;
  const maxDown = Math.max(1, fleet.members.length - 1);
  const restarting = new Map<Member, Promise<void>>();
  let done = 0;
  for (let i = 0; i < kills; i++) {
    await sleep(started + (i + 0.2 + 0.6 * random()) * slotMs - Date.now());
    while (restarting.size >= maxDown) await Promise.race(restarting.values());
    const live = fleet.live();
    const victim = live[Math.floor(random() * live.length)];
    if (!victim)
      throw new Error(
        `chaos: no live process to kill\n${fleet.unexpectedExits.join('\n') || 'no unexpected exit'}`,
      );
    await fleet.kill(victim, signal);
    done++;
    const restart = fleet.restart(victim).finally(() => restarting.delete(victim));
    restarting.set(victim, restart);
  }
  await Promise.all(restarting.values());
  return done;
}
