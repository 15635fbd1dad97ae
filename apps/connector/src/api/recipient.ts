import { hashEmail } from '@hookpost/core';
import { type ExpressionBuilder, type ExpressionWrapper, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/types.js';

/** How a recipient search term is read. */
export type RecipientTerm =
  | { kind: 'email'; value: string; emailHash: string }
  | { kind: 'crm_id'; value: string }
  | { kind: 'text'; value: string };

/** `erika@example.com` → e-mail, `123` or `0035e00000AbCdE` → CRM id, anything else → text (a name). */
export function readRecipientTerm(term: string): RecipientTerm {
  const value = term.trim();
  const emailHash = hashEmail(value);
  if (emailHash) return { kind: 'email', value, emailHash };
  if (/^[A-Za-z0-9_-]+$/.test(value) && /\d/.test(value)) return { kind: 'crm_id', value };
  return { kind: 'text', value };
}

/**
 * A LIKE pattern that contains `value`. `%` and `\` are dropped rather than escaped, because
 * SQLite has no default LIKE escape and PostgreSQL's is `\`; `_` stays a one-character
 * wildcard, which can only widen a search, never hide a match.
 */
const contains = (value: string) => `%${value.toLowerCase().replace(/[%\\]/g, '')}%`;
const endsWithId = (id: string) => `%:${id.replace(/[%\\]/g, '')}`;

/**
 * The stored pieces' `column` values (record references) that end in `:<id>`. A leading
 * wildcard cannot seek an index, but this reads the column's index alone — the references,
 * not the pieces' payloads — and the caller then seeks the few matches by equality
 * (SQLite EXPLAIN QUERY PLAN: SCAN … USING COVERING INDEX triggers_recipient_ref, then SEARCH
 * … (recipient_ref=?)). `triggers.recipient_ref like …` scanned the table: 42 MB of payloads
 * with 70,000 pieces stored (bench/console-listing.ts, recipient rows).
 */
const refsEndingWith = (
  eb: ExpressionBuilder<Database, 'events'> | ExpressionBuilder<Database, 'triggers'>,
  column: 'recipient_ref' | 'source_ref',
  id: string,
) =>
  (eb as ExpressionBuilder<Database, never>)
    .selectFrom('triggers as stored')
    .select((s) => s.ref(`stored.${column}`).as('ref'))
    .distinct()
    .where(`stored.${column}`, 'like', endsWithId(id));

/**
 * Which events concern a recipient. What can be found, honestly:
 * - a CRM id matches the event's own record (indexed), any event whose piece went to that
 *   record (an opportunity's contact) and any event with a decision that checked it (indexed
 *   by `decision_rows.recipient_id` when that record is not the event's own);
 * - an e-mail matches events whose piece went to it, by its normalised hash (as suppressions
 *   do), and events whose stored payload carries it (Salesforce outbound messages send the
 *   record's fields; HubSpot webhooks send ids only, so a HubSpot contact's e-mail is known
 *   only once a piece was made for it);
 * - a name matches events whose stored payload carries it.
 * Payload matches scan the rows in range: combine them with a time range on large stores.
 */
export function recipientFilter(
  eb: ExpressionBuilder<Database, 'events'>,
  term: RecipientTerm,
): ExpressionWrapper<Database, 'events', SqlBool> {
  const payloadHas = eb(sql`lower(events.payload)`, 'like', contains(term.value));
  switch (term.kind) {
    case 'crm_id':
      return eb.or([
        eb('events.object_id', '=', term.value),
        eb(
          'events.id',
          'in',
          eb
            .selectFrom('triggers')
            .select('triggers.event_id')
            .where('triggers.recipient_ref', 'in', refsEndingWith(eb, 'recipient_ref', term.value)),
        ),
        // Every decision names the recipient it checked, also when it made no piece: about
        // the event's own record, found by `object_id` above; about another record (an
        // opportunity's contact), by the id `decision_rows` keeps for those alone
        // (src/store/recipient-id.ts; quiet decisions name no recipient).
        eb(
          'events.id',
          'in',
          eb
            .selectFrom('decision_rows')
            .select('decision_rows.event_id')
            .where('decision_rows.recipient_id', '=', term.value),
        ),
      ]);
    case 'email':
      return eb.or([
        eb(
          'events.id',
          'in',
          eb
            .selectFrom('triggers')
            .select('triggers.event_id')
            .where('triggers.recipient_hashes', 'like', contains(term.emailHash)),
        ),
        payloadHas,
      ]);
    case 'text':
      return payloadHas;
  }
}

/** The same term applied to pieces: their recipient or source record, e-mail hash or stored payload. */
export function triggerRecipientFilter(
  eb: ExpressionBuilder<Database, 'triggers'>,
  term: RecipientTerm,
): ExpressionWrapper<Database, 'triggers', SqlBool> {
  switch (term.kind) {
    case 'crm_id':
      return eb.or([
        eb('triggers.recipient_ref', 'in', refsEndingWith(eb, 'recipient_ref', term.value)),
        eb('triggers.source_ref', 'in', refsEndingWith(eb, 'source_ref', term.value)),
      ]);
    case 'email':
      return eb('triggers.recipient_hashes', 'like', contains(term.emailHash));
    case 'text':
      return eb(sql`lower(triggers.payload)`, 'like', contains(term.value));
  }
}
