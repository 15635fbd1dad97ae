import { triggerId } from '@hookpost/core';
import fc from 'fast-check';
import type { Insertable } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useSqliteBothWays } from '../../test/support/sqlite-both-ways.js';
import type { TriggerTable } from '../db/types.js';
import { insertTrigger } from './requalify.js';

const piece = (key: string, n: number, callback: string | undefined): Insertable<TriggerTable> => ({
  id: triggerId(key),
  dedupe_key: key,
  workspace_id: 'ws',
  campaign_id: 'welcome',
  destination: 'mail',
  event_id: `evt_${n}`,
  recipient_key: `r_${key}`,
  recipient_ref: 'hubspot:contact:1',
  source_ref: 'hubspot:contact:1',
  recipient_hashes: '{}',
  status: 'pending',
  reason: null,
  payload: JSON.stringify({ id: triggerId(key) }),
  send_at: null,
  next_attempt_at: 0,
  attempts: 0,
  retry_window_start: 0,
  created_at: n,
  updated_at: n,
  delivered_at: null,
  lease_owner: null,
  lease_until: 0,
  last_error: null,
  // With and without an optional column: a second statement text.
  ...(callback === undefined ? {} : { callback_id: callback }),
});

describe('insertTrigger on SQLite', () => {
  const ways = useSqliteBothWays();

  it('the prepared insert and the Kysely insert take and refuse the same keys and store the same rows', async () => {
    const both = ways();
    const step = fc.record({
      key: fc.constantFrom('k1', 'k2', 'k3'),
      callback: fc.option(fc.constantFrom('cb_1', 'cb_2'), { nil: undefined }),
      // The holder is cancelled before any hand-off afterwards: the key's next generation is free.
      cancelAfter: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        const results: unknown[] = [];
        for (const db of [both.prepared.db, both.kysely]) {
          await db.deleteFrom('triggers').execute();
          const outcomes = await db.transaction().execute(async (trx) => {
            const seen = [];
            for (const [n, s] of steps.entries()) {
              const outcome = await insertTrigger(trx, piece(s.key, n, s.callback));
              seen.push(outcome);
              if (outcome.inserted && s.cancelAfter)
                await trx
                  .updateTable('triggers')
                  .set({ status: 'cancelled' })
                  .where('id', '=', outcome.id)
                  .execute();
            }
            return seen;
          });
          const rows = await db.selectFrom('triggers').selectAll().orderBy('id').execute();
          results.push({ outcomes, rows });
        }
        expect(results[0]).toEqual(results[1]);
      }),
      { numRuns: 40 },
    );
  });
});
