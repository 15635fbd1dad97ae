import { z } from 'zod';

/** `POST /crm/v3/objects/{type}/batch/read` — 200, or 207 when some ids were not found. */
export const batchReadResponseSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      properties: z.record(z.string(), z.string().nullable()),
    }),
  ),
});

/** `POST /crm/v4/associations/{from}/{to}/batch/read`. */
export const associationsResponseSchema = z.object({
  results: z.array(
    z.object({
      from: z.object({ id: z.union([z.string(), z.number()]) }),
      to: z.array(
        z.object({
          toObjectId: z.union([z.string(), z.number()]),
          // v4 answers each link's types; a label (`Primary`, or one an admin defined) marks the role.
          associationTypes: z.array(z.looseObject({ label: z.string().nullable().optional() })).optional(),
        }),
      ),
    }),
  ),
});

export const createdObjectSchema = z.object({ id: z.string() });

/**
 * `GET /crm/v3/properties/{objectType}`: the object's property definitions; enumerations
 * carry their `options` (for `dealstage`, the stage ids of every pipeline).
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/get-crm-v3-properties-objectType
 */
export const propertyDefinitionsResponseSchema = z.object({
  results: z.array(
    z.looseObject({
      name: z.string(),
      label: z.string().optional(),
      type: z.string().optional(),
      fieldType: z.string().optional(),
      options: z.array(z.looseObject({ value: z.string(), label: z.string().optional() })).optional(),
    }),
  ),
});
export type HubSpotPropertyDefinition = z.infer<typeof propertyDefinitionsResponseSchema>['results'][number];
