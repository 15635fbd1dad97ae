import { z } from 'zod';

/**
 * What an outbox row asks a CRM to do, as one discriminated union (validated with zod where
 * rows are read back from the store). The connector's dispatcher and worker create these
 * without knowing which CRM they go to; the CRM adapter named by `platform` performs them.
 *
 * - `workflow_callback`: complete a CRM workflow step that waits on a piece (HubSpot custom
 *   workflow action callbacks today) with `SUCCESS` or `FAIL_CONTINUE`.
 * - `mail_activity`: record on the recipient's CRM record that a piece moved (HubSpot
 *   postal-mail engagement, Salesforce Task).
 */
export const outboxPayloadSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('workflow_callback'),
    platform: z.string(),
    callbackId: z.string(),
    state: z.enum(['SUCCESS', 'FAIL_CONTINUE']),
    reason: z.string().nullable().optional(),
  }),
  z.object({
    type: z.literal('mail_activity'),
    platform: z.string(),
    objectType: z.string(),
    objectId: z.string(),
    triggerId: z.string(),
    campaignId: z.string(),
    subject: z.string(),
    body: z.string(),
    /** When the piece moved, Unix epoch milliseconds. */
    occurredAt: z.number(),
  }),
]);

export type OutboxPayload = z.infer<typeof outboxPayloadSchema>;
