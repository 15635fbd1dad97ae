import DataLoader from 'dataloader';

export interface CoalesceOptions<V> {
  maxBatchSize: number;
  windowMs: number;
  /**
   * Resolves when a request could go out now (e.g. the rate limiter's `whenFree`): a batch
   * keeps collecting ids (up to `maxBatchSize`) until then.
   */
  ready?: () => Promise<void>;
  /** Loads one batch; ids absent from the result resolve to undefined. */
  loadBatch: (ids: readonly string[]) => Promise<ReadonlyMap<string, V>>;
}

/**
 * Coalesces concurrent single-id loads into batches (DataLoader): calls within `windowMs`
 * share batches of ≤ `maxBatchSize` distinct ids, and with `ready`, so do calls made while
 * no request could go out (a spent rate-limit window). An id in flight is shared by every caller;
 * once its batch settles it is forgotten, so later calls read fresh data.
 *
 * @example
 * const load = createCoalescer({ maxBatchSize: 100, windowMs: 5, loadBatch: readContacts });
 * const [a, b] = await Promise.all([load('1'), load('2')]); // one request
 */
export function createCoalescer<V>(options: CoalesceOptions<V>): (id: string) => Promise<V | undefined> {
  const inFlight = new Map<string, Promise<V | undefined>>();
  const loader = new DataLoader<string, V | undefined>(
    async (ids) => {
      try {
        const found = await options.loadBatch(ids);
        return ids.map((id) => found.get(id));
      } finally {
        for (const id of ids) inFlight.delete(id);
      }
    },
    {
      maxBatchSize: options.maxBatchSize,
      batchScheduleFn: (dispatch) =>
        setTimeout(() => {
          if (options.ready) options.ready().then(dispatch, dispatch);
          else dispatch();
        }, options.windowMs),
      cacheMap: inFlight,
    },
  );
  return (id) => loader.load(id);
}
