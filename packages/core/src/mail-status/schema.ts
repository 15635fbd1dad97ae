import { z } from 'zod';

/**
 * What a mail platform reports about one piece (the `status` of a `mail.status` webhook).
 * The journey `accepted → printed → mailed → in_transit → delivered`; `rejected`,
 * `returned_to_sender` and `cancelled` end it; `address_corrected` is information that
 * does not move the piece.
 */
export const MAIL_STATUSES = [
  'accepted',
  'rejected',
  'printed',
  'mailed',
  'in_transit',
  'delivered',
  'returned_to_sender',
  'address_corrected',
  'cancelled',
] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** An address as a platform reports it: every part optional, country ISO 3166-1 alpha-2. */
export const reportedAddressSchema = z
  .object({
    line1: z.string().max(200).nullish(),
    line2: z.string().max(200).nullish(),
    postalCode: z.string().max(32).nullish(),
    city: z.string().max(200).nullish(),
    region: z.string().max(200).nullish(),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code')
      .nullish(),
  })
  .strict();
export type ReportedAddress = z.infer<typeof reportedAddressSchema>;

/** A calendar date (`2026-12-03`) or a full ISO-8601 date-time. */
const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/**
 * The body of `POST /webhooks/mail/:destination`:
 * `{ type: "mail.status", id, triggerId, status, occurredAt, trackingId, carrier,
 * expectedDeliveryAt, reason, address }`. `id` (`mst_…` or any platform id, ≤ 200 chars)
 * makes a report idempotent; `triggerId` is the `id` of the campaign trigger the platform
 * received. Unknown keys are ignored so platforms can send more than Hookpost reads.
 */
export const mailStatusSchema = z.object({
  type: z.literal('mail.status'),
  id: z.string().min(1).max(200),
  triggerId: z.string().min(1).max(200),
  status: z.enum(MAIL_STATUSES),
  occurredAt: z.iso.datetime({ offset: true }),
  trackingId: z.string().max(200).nullish(),
  carrier: z.string().max(100).nullish(),
  expectedDeliveryAt: dateOrDateTime.nullish(),
  reason: z.string().max(2_000).nullish(),
  address: reportedAddressSchema.nullish(),
});
export type MailStatusReport = z.infer<typeof mailStatusSchema>;
