import { type Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter, sql } from 'kysely';
import { upgradeOutboxKinds } from './migrate-outbox-kinds.js';

/**
 * Migrations live in code (not files) so the built CLI carries them. Column types are
 * the portable subset of SQLite and PostgreSQL: text, integer, bigint.
 */
export const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('raw_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('signature_version', 'text')
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('object_type', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('raw_delivery_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('processed_at', 'bigint')
        // Unique on (platform, account_id, external_id) through the primary key: `id` is a
        // hash of exactly those three (eventIdFor, salesforceEventId), so a second index on
        // them would only add bytes to every inbox write.
        .execute();
      await db.schema.createIndex('events_work').on('events').columns(['status', 'received_at']).execute();
      // A record's events (privacy purge, `/api/events?objectId=`): the id alone is
      // selective, and a one-column index costs the ingest path less than four.
      await db.schema.createIndex('events_object').on('events').column('object_id').execute();

      await db.schema
        .createTable('decisions')
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('detail', 'text')
        .addColumn('trigger_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('decisions_pk', ['event_id', 'campaign_id'])
        .execute();

      await db.schema
        .createTable('triggers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('recipient_key', 'text', (c) => c.notNull())
        .addColumn('recipient_ref', 'text', (c) => c.notNull())
        .addColumn('source_ref', 'text', (c) => c.notNull())
        .addColumn('recipient_hashes', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('send_at', 'bigint')
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('retry_window_start', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('callback_id', 'text')
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createIndex('triggers_due')
        .on('triggers')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('triggers_recipient')
        .on('triggers')
        .columns(['workspace_id', 'recipient_key', 'created_at'])
        .execute();
      await db.schema
        .createIndex('triggers_campaign')
        .on('triggers')
        .columns(['workspace_id', 'campaign_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('delivery_attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('trigger_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('response_body', 'text')
        .execute();
      await db.schema
        .createIndex('attempts_trigger')
        .on('delivery_attempts')
        .columns(['trigger_id', 'attempt'])
        .execute();

      // Side effects after a decision or a delivery (HubSpot workflow callbacks, CRM
      // write-back), written in the same transaction and retried until done.
      await db.schema
        .createTable('outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

      await db.schema
        .createTable('suppressions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('suppressions_unique', ['workspace_id', 'kind', 'value'])
        .execute();

      await db.schema
        .createTable('installations')
        .addColumn('portal_id', 'text', (c) => c.primaryKey())
        .addColumn('access_token', 'text', (c) => c.notNull())
        .addColumn('refresh_token', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('scopes', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('replay_ids')
        .addColumn('channel', 'text', (c) => c.primaryKey())
        .addColumn('replay_id', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  // One final name for work whose retries ran out, on all three queues: `dead` (triggers
  // used it already). Events that failed before this migration had exhausted their
  // retries (nothing else wrote `failed`), so they all become `dead`. Outbox kinds become
  // the payload union's `type`.
  '0002_queue_final_state': {
    async up(db: Kysely<unknown>) {
      await sql`update events set status = 'dead' where status = 'failed'`.execute(db);
      await sql`update outbox set status = 'dead' where status = 'failed'`.execute(db);
      await upgradeOutboxKinds(db);
    },
  },
  // Signatures of accepted HubSpot workflow actions, refused when repeated (v1/v2 carry no signed time).
  '0004_harden_seen_signatures': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('seen_signatures')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('seen_signatures_expiry')
        .on('seen_signatures')
        .column('expires_at')
        .execute();
    },
  },
  // Nonces of OAuth install `state` values already used: each state is accepted once.
  '0004_harden_used_oauth_states': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('used_oauth_states')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  // One Change Data Capture subscriber per org across processes (src/store/stream-lease.ts).
  '0005_stream_leases': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('stream_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0006_console_listing_indexes': {
    // The console and the admin API list events and pieces newest first, with keyset
    // cursors on (time, id), and filter by time range; the retention job finds expired raw
    // deliveries by time. Without these each page sorts the whole table (1M events: seconds).
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('events_received').on('events').columns(['received_at', 'id']).execute();
      await db.schema.createIndex('triggers_created').on('triggers').columns(['created_at', 'id']).execute();
      await db.schema
        .createIndex('raw_deliveries_received')
        .on('raw_deliveries')
        .column('received_at')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('events_received').execute();
      await db.schema.dropIndex('triggers_created').execute();
      await db.schema.dropIndex('raw_deliveries_received').execute();
    },
  },
  // A replay adds a decision run instead of replacing the event's decisions: `decisions`
  // holds each event's latest run (additive column, so other columns and indexes stay);
  // the runs before it move to `decision_history` unchanged.
  '0008_guarantees_decision_runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('decisions')
        .addColumn('run', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('decision_history')
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('run', 'integer', (c) => c.notNull())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('detail', 'text')
        .addColumn('trigger_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('decision_history_pk', ['event_id', 'run', 'campaign_id'])
        .execute();
    },
  },
  // Per record and property, the `occurredAt` of the newest change applied: older events are stale.
  '0008_guarantees_property_clocks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('property_clocks')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('record_ref', 'text', (c) => c.notNull())
        .addColumn('property', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('property_clocks_pk', ['workspace_id', 'record_ref', 'property'])
        .execute();
    },
  },
  // A piece's journey as the mail platform reports it (the way back): its timeline, and on
  // the trigger its current status, CRM activity id, corrected address and platform cancel.
  '0009_mailback_mail_statuses': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('mail_statuses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('report_id', 'text', (c) => c.notNull())
        .addColumn('trigger_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('tracking_id', 'text')
        .addColumn('carrier', 'text')
        .addColumn('expected_delivery_at', 'text')
        .addColumn('reason', 'text')
        .addColumn('address', 'text')
        .addColumn('applied', 'integer', (c) => c.notNull())
        // Idempotent on the platform's report id, per destination.
        .addUniqueConstraint('mail_statuses_report', ['workspace_id', 'destination', 'report_id'])
        .execute();
      await db.schema
        .createIndex('mail_statuses_trigger')
        .on('mail_statuses')
        .columns(['trigger_id', 'occurred_at'])
        .execute();
      for (const column of [
        'mail_status',
        'mail_tracking_id',
        'mail_expected_delivery_at',
        'mail_activity_id',
        'corrected_address',
        'platform_cancel',
        'platform_cancel_detail',
      ]) {
        await db.schema.alterTable('triggers').addColumn(column, 'text').execute();
      }
      await db.schema.alterTable('triggers').addColumn('mail_status_at', 'bigint').execute();
    },
  },
  // Every decision names the recipient it checked; a campaign with `select: all` decides once
  // per recipient, so the recipient joins the key. SQLite cannot change a primary key in
  // place: both tables are rebuilt (copy, drop, rename) the same way on both databases.
  '0010_identity_decision_recipient': {
    async up(db: Kysely<unknown>) {
      for (const [table, key] of [
        ['decisions', ['event_id', 'campaign_id', 'recipient_ref']],
        ['decision_history', ['event_id', 'run', 'campaign_id', 'recipient_ref']],
      ] as const) {
        const next = `${table}_0010`;
        await db.schema
          .createTable(next)
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('run', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('campaign_id', 'text', (c) => c.notNull())
          .addColumn('recipient_ref', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('workspace_id', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('detail', 'text')
          .addColumn('trigger_id', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_recipient_pk`, [...key])
          .execute();
        const columns = sql.raw(
          'event_id, run, campaign_id, workspace_id, outcome, reason, detail, trigger_id, created_at',
        );
        await sql`insert into ${sql.table(next)} (${columns}) select ${columns} from ${sql.table(table)}`.execute(
          db,
        );
        await db.schema.dropTable(table).execute();
        await db.schema.alterTable(next).renameTo(table).execute();
      }
      await db.schema.createIndex('decisions_recipient').on('decisions').column('recipient_ref').execute();
    },
  },
  // Merged-away records and their survivor: later events for them are read as the survivor's.
  '0010_identity_record_merges': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('record_merges')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('merged_ref', 'text', (c) => c.notNull())
        .addColumn('survivor_ref', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('record_merges_pk', ['workspace_id', 'merged_ref'])
        .execute();
      await db.schema
        .createIndex('record_merges_survivor')
        .on('record_merges')
        .columns(['workspace_id', 'survivor_ref'])
        .execute();
    },
  },
  // Most decisions say only "this campaign's trigger is not about this event" (no_match, no
  // recipient, no piece): one row per campaign per event made the decision writes the
  // pipeline's bound (bench/pipeline.ts). An event run's quiet decisions are now a
  // `decision_sets` entry (JSON `[[campaign_id, reason, detail], …]`, stored once: events that
  // changed the same properties alike share it) named on the event row, which the worker
  // rewrites anyway for its status (`decision_set`, `decision_run`). The other decisions stay
  // rows in `decision_rows` (the former table, indexes kept). `decisions` becomes a view over
  // both with the same columns (a quiet decision's time is the event's `processed_at`, which
  // the same batch writes), so readers see what they saw before.
  '0012_pipeline_quiet_decisions': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('decisions').renameTo('decision_rows').execute();
      await db.schema
        .createTable('decision_sets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('entries', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('events').addColumn('decision_set', 'text').execute();
      await db.schema.alterTable('events').addColumn('decision_run', 'integer').execute();
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      // SQLite's json_each and PostgreSQL's jsonb_array_elements both name the element `value`.
      const elements = postgres
        ? sql`cross join lateral jsonb_array_elements(s.entries::jsonb) e(value)`
        : sql`cross join json_each(s.entries) e`;
      // json_extract, not `->>`, on SQLite: a schema with `->>` (SQLite ≥ 3.38) makes older
      // sqlite3 shells and tools refuse the whole database file.
      const item = (i: number) =>
        postgres ? sql.raw(`e.value ->> ${i}`) : sql.raw(`json_extract(e.value, '$[${i}]')`);
      await sql`create view decisions as
        select event_id, run, campaign_id, recipient_ref, workspace_id, outcome, reason, detail, trigger_id, created_at
        from decision_rows
        union all
        select v.id, v.decision_run, ${item(0)}, '', v.workspace_id, 'no_match', ${item(1)}, ${item(2)},
          cast(null as text), v.processed_at
        from events v join decision_sets s on s.id = v.decision_set ${elements}`.execute(db);
      // Pruning finds the sets no event names any more.
      await db.schema.createIndex('events_decision_set').on('events').column('decision_set').execute();
    },
  },
  // A record's pending (or still cancellable) pieces, looked up by every decision batch:
  // without these, the lookup walked every delivered trigger (`triggers_due` by status), a
  // cost growing with the history — 129 ms per batch of 500 events with 70,000 triggers
  // stored, 2 ms with them (EXPLAIN QUERY PLAN: MULTI-INDEX OR on both refs).
  '0013_scale_trigger_refs': {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('triggers_source_ref').on('triggers').column('source_ref').execute();
      await db.schema.createIndex('triggers_recipient_ref').on('triggers').column('recipient_ref').execute();
    },
  },
  // Event ids of webhooks and change events now start with their time (`eventIdFor(…, timeMs)`),
  // so the primary key is appended to instead of written at random leaves. Events stored
  // before keep their plain hash ids; the inbox also looks a re-send up by its plain id when
  // its time is before this moment (src/store/legacy-ids.ts). `since` is 0 when no event was
  // stored yet: then there is no plain id to look for.
  '0014_ids_time_prefixed': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('event_id_formats')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('since', 'bigint', (c) => c.notNull())
        .execute();
      const stored = await sql`select 1 from events limit 1`.execute(db);
      const since = stored.rows.length > 0 ? Date.now() : 0;
      await sql`insert into event_id_formats (name, since) values ('time_prefixed', ${since})`.execute(db);
    },
  },
  // `decisions_recipient` (every decision row's recipient) had no reader that could seek it:
  // the recipient search asked `like '%:<id>'`, which walks the whole index. Its keys have no
  // time order, so with 1,000,000 events stored each decision row wrote its own leaf (2.25
  // KiB per event in the pipeline, 0.08 on an empty store; bench/scale.ts). A decision about
  // the event's own record is found by `events.object_id`; only decisions about another
  // record keep their recipient's id (`recipient_id`, src/store/recipient-id.ts), in a
  // partial index the search looks up by equality. Rows stored before get theirs here.
  '0015_scale_decision_recipient_id': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('decision_rows').addColumn('recipient_id', 'text').execute();
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      // Everything after the second `:` of `platform:objectType:objectId`.
      const idPart = postgres
        ? sql`regexp_replace(recipient_ref, '^[^:]*:[^:]*:', '')`
        : sql`substr(recipient_ref, instr(recipient_ref, ':') + instr(substr(recipient_ref, instr(recipient_ref, ':') + 1), ':') + 1)`;
      await sql`update decision_rows set recipient_id = ${idPart}
        where recipient_ref <> '' and not exists (
          select 1 from events e where e.id = decision_rows.event_id
            and e.platform || ':' || lower(e.object_type) || ':' || e.object_id = decision_rows.recipient_ref)`.execute(
        db,
      );
      await db.schema.dropIndex('decisions_recipient').execute();
      await db.schema
        .createIndex('decision_rows_recipient_id')
        .on('decision_rows')
        .column('recipient_id')
        .where(sql.ref('recipient_id'), 'is not', null)
        .execute();
    },
  },
  // `events_decision_set`'s one reader (pruning a set no event names, `decision_set = <id>`)
  // never asks for events without a set, yet every event entered the index at ingest with
  // none and left that entry when decided (0.11–0.17 KiB per event at ingest, part of the
  // pipeline's 0.16–0.24; bench/scale.ts). Events with a set alone are indexed: both
  // databases use a partial index `… is not null` for an equality on the column.
  '0015_scale_events_decision_set_partial': {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('events_decision_set').execute();
      await db.schema
        .createIndex('events_decision_set')
        .on('events')
        .column('decision_set')
        .where(sql.ref('decision_set'), 'is not', null)
        .execute();
    },
  },
  // PostgreSQL: every event row is rewritten twice by the worker — the claim (lease columns)
  // and the settle (status) — and every batch upserts the clocks of the records it saw
  // (`occurred_at`, `event_id`). The claim and the clock update change no indexed column, so
  // each can be a HOT update (no new entry in any index, less WAL) — but only when the row's
  // page has room for the new version; rows stored at the default fillfactor (100) pack the
  // pages full, so every claim wrote five index entries. New pages keep 30 % free.
  // https://www.postgresql.org/docs/current/storage-hot.html · SQLite has no such setting.
  '0017_pg_hot_updates': {
    async up(db: Kysely<unknown>) {
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      await sql`alter table events set (fillfactor = 70)`.execute(db);
      await sql`alter table property_clocks set (fillfactor = 70)`.execute(db);
    },
  },
  // PostgreSQL: at fillfactor 70 a page of events (about 11 rows of ~700 bytes) keeps room
  // for 3 new versions, but a claim leases the page's rows together (they arrived together):
  // only 46 % of claims stayed HOT (`pg_stat_user_tables.n_tup_hot_upd`), the others wrote a
  // new entry in each of the four indexes. At 45 every claim is HOT (the settle after it
  // changes `status`, indexed, and never can be): claim time per row −40 %, WAL of an event's claim
  // and settle 1,391 → 827 bytes, the drained table 11 % larger (it grew with the moved versions
  // anyway). Measured on 20,000 bench events, claims of 500 and settles of 84, alternated.
  // https://www.postgresql.org/docs/current/storage-hot.html
  '0018_pg_events_claim_hot': {
    async up(db: Kysely<unknown>) {
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      await sql`alter table events set (fillfactor = 45)`.execute(db);
    },
  },
};

class InCodeMigrations implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

/** Runs pending migrations; safe to call from several processes (the migrator takes a lock). */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error('[@hookpost/connector] migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export { sql };
