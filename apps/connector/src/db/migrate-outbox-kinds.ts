import type { Kysely } from 'kysely';

/** The outbox kinds written before the payload union; each maps to one union member. */
const OLD_KINDS = ['hubspot_callback', 'hubspot_postal_mail', 'salesforce_task'] as const;
type OldKind = (typeof OLD_KINDS)[number];

interface OutboxRowText {
  id: string;
  kind: string;
  payload: string;
}

const str = (value: unknown) => (typeof value === 'string' ? value : String(value ?? ''));
/** Salesforce key prefixes: `00Q` is a Lead, anything else a Task's WhoId can name is a Contact. */
const salesforceObjectType = (id: string) => (id.startsWith('00Q') ? 'lead' : 'contact');
const triggerIdIn = (body: string) => /\b(trg_[A-Za-z0-9_-]+)/.exec(body)?.[1] ?? '';

/**
 * One stored payload of an old kind as the union member it becomes (the shape of
 * store/outbox-payload.ts at migration time, frozen here: migrations never import live
 * schemas). Old write-back rows carried no campaign id; it stays empty.
 */
export function upgradeOutboxPayload(kind: OldKind, old: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'hubspot_callback')
    return {
      type: 'workflow_callback',
      platform: 'hubspot',
      callbackId: str(old.callbackId),
      state: old.state === 'SUCCESS' ? 'SUCCESS' : 'FAIL_CONTINUE',
      reason: typeof old.reason === 'string' ? old.reason : null,
    };
  if (kind === 'hubspot_postal_mail')
    return {
      type: 'mail_activity',
      platform: 'hubspot',
      objectType: 'contact',
      objectId: str(old.contactId),
      triggerId: triggerIdIn(str(old.body)),
      campaignId: '',
      subject: 'Direct mail sent',
      body: str(old.body),
      occurredAt: Number(old.timestamp) || 0,
    };
  return {
    type: 'mail_activity',
    platform: 'salesforce',
    objectType: salesforceObjectType(str(old.whoId)),
    objectId: str(old.whoId),
    triggerId: triggerIdIn(str(old.description)),
    campaignId: '',
    subject: str(old.subject),
    body: str(old.description),
    occurredAt: 0,
  };
}

/** Rewrites every outbox row of an old kind: `kind` becomes the payload's `type`. */
export async function upgradeOutboxKinds(db: Kysely<unknown>): Promise<void> {
  const store = db as unknown as Kysely<{ outbox: OutboxRowText }>;
  const rows = await store
    .selectFrom('outbox')
    .select(['id', 'kind', 'payload'])
    .where('kind', 'in', [...OLD_KINDS])
    .execute();
  for (const row of rows) {
    let old: Record<string, unknown> = {};
    try {
      old = JSON.parse(row.payload) as Record<string, unknown>;
    } catch {
      // An unreadable payload keeps its fields empty; the row still gets a valid kind.
    }
    const payload = upgradeOutboxPayload(row.kind as OldKind, old);
    await store
      .updateTable('outbox')
      .set({ kind: String(payload.type), payload: JSON.stringify(payload) })
      .where('id', '=', row.id)
      .execute();
  }
}
