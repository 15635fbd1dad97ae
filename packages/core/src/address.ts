import { z } from 'zod';
import { platformSchema } from './event.js';

/** A postal address as the mail platform receives it; `country` is ISO 3166-1 alpha-2. */
export const postalAddressSchema = z.object({
  line1: z.string().nullable(),
  line2: z.string().nullable(),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  region: z.string().nullable(),
  country: z.string().length(2).nullable(),
});
export type PostalAddress = z.infer<typeof postalAddressSchema>;

/**
 * An address the mail platform corrected, as written back to a CRM record: a postal address
 * whose `line2` and `region` may be absent; empty parts leave the CRM's value as it is.
 */
export type CorrectedAddress = Omit<PostalAddress, 'line2' | 'region'> &
  Partial<Pick<PostalAddress, 'line2' | 'region'>>;

/**
 * The corrected address a host's `mail_activity` write-back carries (any part may be missing,
 * e.g. `{ line1, city }`) as a {@link CorrectedAddress}: missing parts become `null`, which
 * leaves the CRM's value as it is.
 */
export const correctedAddressFrom = (parts: Record<string, string | null>): CorrectedAddress => ({
  line1: parts.line1 ?? null,
  line2: parts.line2 ?? null,
  postalCode: parts.postalCode ?? null,
  city: parts.city ?? null,
  region: parts.region ?? null,
  country: parts.country ?? null,
});

export const crmRefSchema = z.object({
  platform: platformSchema,
  objectType: z.string(),
  objectId: z.string(),
});
export type CrmRef = z.infer<typeof crmRefSchema>;

/** The person or company a piece is addressed to: the `recipient` of a campaign trigger. */
export const recipientSchema = z.object({
  crm: crmRefSchema,
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  company: z.string().nullable(),
  email: z.string().nullable().optional(),
  address: postalAddressSchema,
});
export type Recipient = z.infer<typeof recipientSchema>;
