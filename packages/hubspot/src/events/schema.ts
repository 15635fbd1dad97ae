import { z } from 'zod';

/** HubSpot sends at most 100 events per request. https://developers.hubspot.com/docs/api/webhooks#webhook-payloads */
export const MAX_EVENTS_PER_BATCH = 100;

const id = z.number().int().nonnegative();
/** The last instant a JavaScript Date can hold (ECMA-262 §21.4.1.1): later values cannot be stored as times. */
export const MAX_DATE_MS = 8.64e15;

/**
 * One event of a webhook delivery as HubSpot sends it. IDs are JSON numbers except
 * `sourceId` and `objectTypeId`; unknown fields are kept so nothing is lost.
 */
export const hubSpotWebhookEventSchema = z
  .looseObject({
    eventId: id,
    subscriptionId: id,
    portalId: id,
    appId: id.optional(),
    occurredAt: id.max(MAX_DATE_MS, { message: `expected Unix milliseconds up to ${MAX_DATE_MS}` }),
    // Real deliveries say `subscriptionType`; the docs' table says `eventType`.
    subscriptionType: z.string().min(1).optional(),
    eventType: z.string().min(1).optional(),
    attemptNumber: z.number().int().nonnegative().optional(),
    objectId: id.optional(),
    objectTypeId: z.string().optional(),
    propertyName: z.string().optional(),
    propertyValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    changeSource: z.string().optional(),
    changeFlag: z.string().optional(),
    sourceId: z.string().optional(),
    isSensitive: z.boolean().optional(),
    primaryObjectId: id.optional(),
    mergedObjectIds: z.array(id).optional(),
    newObjectId: id.optional(),
    numberOfPropertiesMoved: z.number().int().optional(),
    associationType: z.string().optional(),
    associationTypeId: z.number().int().optional(),
    associationCategory: z.string().optional(),
    fromObjectId: id.optional(),
    fromObjectTypeId: z.string().optional(),
    toObjectId: id.optional(),
    toObjectTypeId: z.string().optional(),
    associationRemoved: z.boolean().optional(),
    isPrimaryAssociation: z.boolean().optional(),
    messageId: z.string().optional(),
    messageType: z.string().optional(),
  })
  .refine((event) => event.subscriptionType !== undefined || event.eventType !== undefined, {
    message: 'expected subscriptionType or eventType',
    path: ['subscriptionType'],
  })
  .refine(
    (event) =>
      event.objectId !== undefined || event.primaryObjectId !== undefined || event.fromObjectId !== undefined,
    { message: 'expected objectId (or primaryObjectId / fromObjectId)', path: ['objectId'] },
  );

export type HubSpotWebhookEvent = z.infer<typeof hubSpotWebhookEventSchema>;

export const hubSpotWebhookBatchSchema = z.array(hubSpotWebhookEventSchema);
