import { describe, expect, it } from 'vitest';
import { createSlidingWindowLimiter } from './limiter.js';

describe('createSlidingWindowLimiter', () => {
  it('never lets more than max requests complete inside any window', async () => {
    const limiter = createSlidingWindowLimiter({ max: 3, intervalMs: 100 });
    const started: number[] = [];
    const begin = Date.now();
    await Promise.all(
      Array.from({ length: 9 }, async () => {
        const release = await limiter.acquire();
        started.push(Date.now());
        release();
      }),
    );
    expect(started).toHaveLength(9);
    for (const at of started)
      expect(started.filter((other) => other >= at && other < at + 100).length).toBeLessThanOrEqual(3);
    expect(Date.now() - begin).toBeGreaterThanOrEqual(195);
  });

  it('counts a slow request from when its response arrived', async () => {
    const limiter = createSlidingWindowLimiter({ max: 1, intervalMs: 50 });
    const release = await limiter.acquire();
    await new Promise((resolve) => setTimeout(resolve, 80));
    const releasedAt = Date.now();
    release();
    await limiter.acquire();
    expect(Date.now() - releasedAt).toBeGreaterThanOrEqual(45);
  });

  it('holds everything back while paused', async () => {
    const limiter = createSlidingWindowLimiter({ max: 100, intervalMs: 1_000 });
    limiter.pauseFor(120);
    const begin = Date.now();
    (await limiter.acquire())();
    expect(Date.now() - begin).toBeGreaterThanOrEqual(115);
  });

  it('whenFree waits for a free slot without taking it, after queued acquires', async () => {
    const limiter = createSlidingWindowLimiter({ max: 1, intervalMs: 60 });
    const release = await limiter.acquire();
    const order: string[] = [];
    const queued = limiter.acquire().then((r) => {
      order.push('acquire');
      r();
    });
    const free = limiter.whenFree().then(() => order.push('free'));
    release();
    await Promise.all([queued, free]);
    // The queued request took the slot first; whenFree resolved only once another was free.
    expect(order).toEqual(['acquire', 'free']);
    // whenFree took nothing: the slot it saw is still there for the next request.
    const next = await Promise.race([
      limiter.acquire().then(() => 'admitted'),
      new Promise((r) => setTimeout(() => r('waiting'), 30)),
    ]);
    expect(next).toBe('admitted');
  });
});
