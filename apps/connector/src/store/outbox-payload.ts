import { z } from 'zod';

/**
 * What an outbox row asks a CRM to do, as one discriminated union (validated with zod where
 * rows are read back from the store). The connector's dispatcher and worker create these
 * without knowing which CRM they go to; the CRM adapter named by `platform` performs them.
 *
 * - `workflow_callback`: complete a CRM workflow step that waits on a piece (HubSpot custom
 *   workflow action callbacks today) with `SUCCESS` or `FAIL_CONTINUE`.
 * - `mail_activity`: record on the recipient's CRM record that a piece moved (HubSpot
 *   postal-mail engagement, Salesforce Task), optionally with its reported status.
 * - `platform_cancel`: cancel a piece at the mail platform after hand-off.
 */
export const outboxPayloadSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('workflow_callback'),
    platform: z.string(),
    callbackId: z.string(),
    state: z.enum(['SUCCESS', 'FAIL_CONTINUE']),
    reason: z.string().nullable().optional(),
    /** Output fields for later workflow steps (mail status, tracking id, expected delivery). */
    outputFields: z.record(z.string(), z.string()).optional(),
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
    /** Where the piece is (`handed_off` when absent): the mail platform's reported status. */
    status: z.string().optional(),
    trackingId: z.string().nullable().optional(),
    carrier: z.string().nullable().optional(),
    expectedDeliveryAt: z.string().nullable().optional(),
    reason: z.string().nullable().optional(),
    /** A corrected postal address to write to the CRM record (`address_corrected`). */
    correctedAddress: z.record(z.string(), z.string().nullable()).nullable().optional(),
  }),
  // Cancel a piece at the mail platform after hand-off (destination `cancelUrl`).
  z.object({
    type: z.literal('platform_cancel'),
    triggerId: z.string(),
    destination: z.string(),
    reason: z.string(),
  }),
]);

export type OutboxPayload = z.infer<typeof outboxPayloadSchema>;
