import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';

/** What a fixed-rate run measured. Latencies in ms, from each request's scheduled send time. */
export interface OpenLoopResult {
  /** The rate asked for, requests/s. */
  rate: number;
  /** Requests answered per second of the run. */
  achievedRate: number;
  sent: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /**
   * How late the sender itself sent, ms: the 99th percentile and the largest gap between a
   * request being due and being written. Large values mean the sender (or the machine) and
   * not the server made part of the tail.
   */
  sendLagP99: number;
  sendLagMax: number;
  /** When the first request was due, epoch ms (to line the run up with a server's own records). */
  startedAtEpochMs: number;
  /** The requests at or above p99: when each was due (epoch ms) and its latency (ms). */
  slowest: [dueAtEpochMs: number, latencyMs: number][];
  /** Non-2xx answers and transport errors. */
  errors: number;
  /** The machine's 1-minute load average at the end of the run (other processes share it). */
  loadAverage: number;
}

/**
 * An open-loop load: requests are scheduled at a fixed rate whatever the server does, each on
 * its own socket if need be (keep-alive pool, no cap), and each latency is counted from when
 * the request was due, not when it was sent: a stall delays every request behind it and shows
 * in p99 (no coordinated omission). autocannon's `overallRate` is not this: its connections
 * wait for an answer before sending again, so a slow server is sent less and its queueing
 * time is not measured. Bounded: 127.0.0.1 only, `seconds` long, then waits ≤ 10 s for answers.
 */
export async function openLoop(options: {
  url: string;
  path: string;
  rate: number;
  seconds: number;
  next: () => { body: string; headers: Record<string, string> };
  /** Called with each answered request: when it was due (epoch ms) and its latency (ms). */
  onAnswer?: (dueAtEpochMs: number, latencyMs: number) => void;
}): Promise<OpenLoopResult> {
  const target = new URL(options.path, options.url);
  if (target.hostname !== '127.0.0.1') throw new Error('open-loop load only to 127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const latencies: number[] = [];
  const answers: [number, number][] = [];
  const sendLags: number[] = [];
  let errors = 0;
  let sent = 0;
  const pending = new Set<Promise<void>>();
  const intervalMs = 1000 / options.rate;
  const total = Math.round(options.rate * options.seconds);
  const started = performance.now();

  const send = (dueAt: number) => {
    sendLags.push(performance.now() - dueAt);
    const { body, headers } = options.next();
    const done = new Promise<void>((resolve) => {
      const req = request(
        target,
        { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.once('end', () => {
            if ((res.statusCode ?? 0) >= 300) errors++;
            const latency = performance.now() - dueAt;
            latencies.push(latency);
            answers.push([performance.timeOrigin + dueAt, latency]);
            options.onAnswer?.(performance.timeOrigin + dueAt, latency);
            resolve();
          });
        },
      );
      req.once('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };

  while (sent < total) {
    const now = performance.now();
    // Catch up on every request already due (a late timer must not lower the rate).
    while (sent < total && started + sent * intervalMs <= now) {
      send(started + sent * intervalMs);
      sent++;
    }
    const wait = started + sent * intervalMs - performance.now();
    await new Promise((r) => (wait > 1 ? setTimeout(r, wait - 1) : setImmediate(r)));
  }
  const runSeconds = (performance.now() - started) / 1000;
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 10_000).unref())]);
  agent.destroy();
  errors += pending.size;
  latencies.sort((a, b) => a - b);
  sendLags.sort((a, b) => a - b);
  const at = (q: number, xs = latencies) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
  return {
    rate: options.rate,
    achievedRate: latencies.length / runSeconds,
    sent,
    p50: Math.round(at(0.5) * 10) / 10,
    p90: Math.round(at(0.9) * 10) / 10,
    p99: Math.round(at(0.99) * 10) / 10,
    max: Math.round((latencies.at(-1) ?? 0) * 10) / 10,
    startedAtEpochMs: performance.timeOrigin + started,
    slowest: answers.filter(([, latency]) => latency >= at(0.99)),
    sendLagP99: Math.round(at(0.99, sendLags) * 10) / 10,
    sendLagMax: Math.round((sendLags.at(-1) ?? 0) * 10) / 10,
    errors,
    loadAverage: loadavg()[0] ?? 0,
  };
}
