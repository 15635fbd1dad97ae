import { createServer } from 'node:net';
import { type CliProcess, spawnCli } from '../support/cli.js';

/** One `hookpost start` process slot: a fixed port, restarted in place after each kill. */
export interface Member {
  index: number;
  port: number;
  url: string;
  process: CliProcess | null;
  /** Healthy and not being killed: the load may send here. */
  live: boolean;
  starts: number;
}

export interface Fleet {
  members: Member[];
  live(): Member[];
  /**
   * SIGKILL (no shutdown hooks, no drain) and wait until the process is gone; or SIGTERM,
   * after which the process must drain and exit 0 within the grace period.
   */
  kill(member: Member, signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Spawns the member again and waits for `/healthz`. */
  restart(member: Member): Promise<void>;
  /** How long each start took until `/healthz` answered (tsx, migrations, listen). */
  startTimesMs: number[];
  /** Exits we did not cause: a process crashing on its own breaks the run. */
  unexpectedExits: string[];
  stop(): Promise<void>;
}

export interface FleetOptions {
  size: number;
  /** Environment of every process; `PORT` is set per member. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  startTimeoutMs?: number;
}

const HEALTH_POLL_MS = 100;

/**
 * Every process any fleet of this test file started and has not seen exit. A teardown
 * (`stopAllFleets` in afterAll) and, as a last resort, the test process's own exit kill
 * them, so a failing or timed-out test leaves no connector running without a parent.
 */
const running = new Set<CliProcess>();
const fleets = new Set<Fleet>();
process.once('exit', () => {
  for (const child of running) child.child.kill('SIGKILL');
});

/** Stops every fleet still running (SIGTERM, then SIGKILL after the grace period). */
export async function stopAllFleets(): Promise<void> {
  await Promise.all([...fleets].map((fleet) => fleet.stop()));
  for (const child of running) child.child.kill('SIGKILL');
}
/** The connector's own shutdown grace is 10 s (runtime.ts); a drain must fit in it. */
const STOP_GRACE_MS = 15_000;
const OUTPUT_TAIL_CHARS = 2_000;

/** A port free right now on 127.0.0.1; each member keeps its port across restarts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitHealthy(member: Member, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const child = member.process;
  while (Date.now() - started < timeoutMs) {
    if (!child || child.child.exitCode !== null || child.child.signalCode !== null) break;
    try {
      const response = await fetch(`${member.url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, HEALTH_POLL_MS));
  }
  const why =
    child?.child.exitCode === null && child.child.signalCode === null
      ? `not healthy within ${timeoutMs} ms`
      : 'exited while starting';
  throw new Error(
    `member ${member.index} (port ${member.port}) ${why}:\n${child?.output().slice(-OUTPUT_TAIL_CHARS)}`,
  );
}

/**
 * Real `hookpost start` processes (tsx from sources, see test/support/cli.ts) sharing one
 * DATABASE_URL, each on its own port, that the chaos loop kills with SIGKILL and restarts.
 */
export async function startFleet({ size, env, cwd, startTimeoutMs = 30_000 }: FleetOptions): Promise<Fleet> {
  const unexpectedExits: string[] = [];
  const killing = new Set<CliProcess>();
  const members: Member[] = [];
  for (let index = 0; index < size; index++) {
    const port = await freePort();
    members.push({ index, port, url: `http://127.0.0.1:${port}`, process: null, live: false, starts: 0 });
  }

  let stopped = false;

  function spawnMember(member: Member): void {
    const child = spawnCli(['start'], { ...env, PORT: String(member.port) }, cwd);
    running.add(child);
    void child.exited.then(() => running.delete(child));
    member.process = child;
    member.starts++;
    void child.exited.then((code) => {
      if (killing.has(child)) return;
      member.live = false;
      unexpectedExits.push(
        `member ${member.index} exited by itself (code ${code}, signal ${child.child.signalCode}):\n${child.output().slice(-OUTPUT_TAIL_CHARS)}`,
      );
    });
  }

  const startTimesMs: number[] = [];
  async function restart(member: Member): Promise<void> {
    // After stop() nothing is started again: a chaos loop still running cannot leak a process.
    if (stopped) return;
    const started = Date.now();
    spawnMember(member);
    await waitHealthy(member, startTimeoutMs);
    if (stopped) return;
    startTimesMs.push(Date.now() - started);
    member.live = true;
  }

  async function kill(member: Member, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const child = member.process;
    member.live = false;
    if (!child || child.child.exitCode !== null) return;
    killing.add(child);
    child.child.kill(signal);
    if (signal === 'SIGKILL') {
      await child.exited;
      return;
    }
    const timer = setTimeout(() => child.child.kill('SIGKILL'), STOP_GRACE_MS);
    const code = await child.exited;
    clearTimeout(timer);
    if (code !== 0)
      unexpectedExits.push(
        `member ${member.index} did not exit 0 after SIGTERM (code ${code}, signal ${child.child.signalCode}):\n${child.output().slice(-OUTPUT_TAIL_CHARS)}`,
      );
  }

  async function stop(): Promise<void> {
    stopped = true;
    fleets.delete(fleet);
    await Promise.all(
      members.map(async (member) => {
        const child = member.process;
        member.live = false;
        if (!child || child.child.exitCode !== null || child.child.signalCode !== null) return;
        killing.add(child);
        child.child.kill('SIGTERM');
        const timer = setTimeout(() => child.child.kill('SIGKILL'), STOP_GRACE_MS);
        await child.exited;
        clearTimeout(timer);
      }),
    );
  }

  const live = () => members.filter((m) => m.live);
  const fleet: Fleet = { members, live, kill, restart, startTimesMs, unexpectedExits, stop };
  fleets.add(fleet);
  try {
    await Promise.all(members.map(restart));
  } catch (error) {
    await stop();
    throw error;
  }
  return fleet;
}
