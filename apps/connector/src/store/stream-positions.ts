import type { StreamPositions } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/**
 * Where each stream left off (e.g. Change Data Capture replay ids), per workspace and channel,
 * in the `replay_ids` table. An adapter stores a position only after the events before it are
 * in the inbox, so a restart resumes without a gap.
 */
export function createStreamPositions(
  db: Kysely<Database>,
  workspaceId: string,
  now = Date.now,
): StreamPositions {
  const key = (channel: string) => `${workspaceId}:${channel}`;
  return {
    async get(channel) {
      const row = await db
        .selectFrom('replay_ids')
        .select('replay_id')
        .where('channel', '=', key(channel))
        .executeTakeFirst();
      return row?.replay_id ?? null;
    },
    async set(channel, replayId) {
      await db
        .insertInto('replay_ids')
        .values({ channel: key(channel), replay_id: replayId, updated_at: now() })
        .onConflict((oc) => oc.column('channel').doUpdateSet({ replay_id: replayId, updated_at: now() }))
        .execute();
    },
  };
}
