import { z } from 'zod';

/**
 * The CRM an event came from: the platform name of the CRM adapter that received it
 * (`hubspot`, `salesforce`, or any other adapter a connector registers). Lower-case letters,
 * digits, `_` and `-`, so it can prefix record references (`hubspot:contact:123`).
 */
export const platformSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'expected a CRM platform name such as hubspot or salesforce');
export type Platform = z.infer<typeof platformSchema>;

/** What happened to the record. `unknown` events are kept, never rejected, so a new CRM event type is stored and explained rather than lost. */
export const eventKindSchema = z.enum([
  'created',
  'updated',
  'deleted',
  'restored',
  'merged',
  'association_changed',
  'privacy_deleted',
  'unknown',
]);
export type EventKind = z.infer<typeof eventKindSchema>;

const propertyValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type PropertyValue = z.infer<typeof propertyValueSchema>;

export const propertyChangeSchema = z.object({
  value: propertyValueSchema,
  previous: propertyValueSchema.optional(),
});
export type PropertyChange = z.infer<typeof propertyChangeSchema>;

/**
 * One normalised change, whatever CRM it came from: the event model every adapter produces.
 *
 * @example
 * const event = crmEventSchema.parse({
 *   id: 'evt_…', platform: 'hubspot', accountId: '62515', externalId: '62515:25:1246965:…',
 *   objectType: 'contact', objectId: '1246965', kind: 'updated',
 *   changes: { lifecyclestage: { value: 'customer' } }, occurredAt: '2026-11-27T10:00:00.000Z',
 * });
 */
export const crmEventSchema = z.object({
  id: z.string().min(1),
  platform: platformSchema,
  accountId: z.string().min(1),
  externalId: z.string().min(1),
  objectType: z.string().min(1),
  objectId: z.string(),
  kind: eventKindSchema,
  changes: z.record(z.string(), propertyChangeSchema).optional(),
  properties: z.record(z.string(), propertyValueSchema).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
  source: z.record(z.string(), z.unknown()).optional(),
});
export type CrmEvent = z.infer<typeof crmEventSchema>;
