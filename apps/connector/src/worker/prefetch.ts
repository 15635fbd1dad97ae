/** What a prefetching claimer needs from a queue: claim a batch, release claimed rows. */
export interface PrefetchQueue<R extends { id: string }> {
  claim(limit: number): Promise<R[]>;
  /** Gives rows this process claimed but will not work back to the queue, claimable at once. */
  release(ids: readonly string[]): Promise<number>;
}

export interface Prefetcher<R> {
  /**
   * The next batch: the one claimed ahead if there is one, else claimed now. After a full
   * batch (`limit` rows: more are likely waiting) the batch after it is claimed at once, on
   * another connection, while the caller works this one; a short batch claims nothing ahead
   * (the backlog is drained, and an early empty claim would only delay new events by a poll).
   * A failed claim ahead is thrown here, to the round that would have used it.
   */
  take(): Promise<R[]>;
  /**
   * Stops claiming ahead and releases the batch claimed ahead, if any (waits for its claim
   * first): its rows go back `pending` with no lease, for any worker at once. Returns how
   * many rows were released. Call after the last `take`, before closing the database.
   */
  stop(): Promise<number>;
}

type Claimed<R> = { rows: R[] } | { error: unknown };

/**
 * A one-batch prefetch over a leased queue, for a worker whose claim is a round trip to a
 * database server (PostgreSQL): the claim of batch N+1 runs while batch N is decided, so
 * the worker's JavaScript and the database's work overlap instead of taking turns. The
 * rows claimed ahead hold an ordinary lease: a crash leaves them to lease expiry like any
 * claimed batch; a clean stop releases them (`stop`). Nothing is decided twice — a claimed
 * row is only ever handed out once, and the decide commit re-checks each lease.
 */
export function createPrefetcher<R extends { id: string }>(
  queue: PrefetchQueue<R>,
  { limit }: { limit: number },
): Prefetcher<R> {
  let ahead: Promise<Claimed<R>> | null = null;
  let stopped = false;

  const claimAhead = (): Promise<Claimed<R>> =>
    queue.claim(limit).then(
      (rows) => ({ rows }),
      (error: unknown) => ({ error }),
    );

  async function take(): Promise<R[]> {
    let rows: R[];
    if (ahead) {
      const claimed = await ahead;
      ahead = null;
      if ('error' in claimed) throw claimed.error;
      rows = claimed.rows;
    } else rows = await queue.claim(limit);
    if (rows.length >= limit && !stopped) ahead = claimAhead();
    return rows;
  }

  async function stop(): Promise<number> {
    stopped = true;
    const pending = ahead;
    ahead = null;
    if (!pending) return 0;
    const claimed = await pending;
    if ('error' in claimed || claimed.rows.length === 0) return 0;
    return queue.release(claimed.rows.map((r) => r.id));
  }

  return { take, stop };
}
