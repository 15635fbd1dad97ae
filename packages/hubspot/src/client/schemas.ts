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
      to: z.array(z.object({ toObjectId: z.union([z.string(), z.number()]) })),
    }),
  ),
});

export const createdObjectSchema = z.object({ id: z.string() });
