import { platformSchema } from '@hookpost/core';
import { z } from 'zod';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `?limit=`: a whole number 1–200; `abc` is a 400, not a silent default. */
export const limitSchema = z.coerce
  .number({ error: 'expected a number' })
  .int('expected a whole number')
  .min(1)
  .max(MAX_PAGE_SIZE)
  .default(DEFAULT_PAGE_SIZE);

const text = z.string().min(1).max(200);

export const eventStatusSchema = z.enum([
  'pending',
  'triggered',
  'no_match',
  'skipped',
  'unrouted',
  'dead',
  'failed',
]);
export const triggerStatusSchema = z.enum(['pending', 'delivered', 'cancelled', 'dead']);

export const eventListQuery = z
  .object({
    status: eventStatusSchema.optional(),
    platform: platformSchema.optional(),
    workspace: text.optional(),
    objectType: text.optional(),
    objectId: text.optional(),
    kind: text.optional(),
    limit: limitSchema,
    cursor: z.string().min(1).optional(),
  })
  .strict();

export const triggerListQuery = z
  .object({
    status: triggerStatusSchema.optional(),
    workspace: text.optional(),
    campaign: text.optional(),
    limit: limitSchema,
    cursor: z.string().min(1).optional(),
  })
  .strict();

export const workspaceQuery = z.object({ workspace: text.optional() }).strict();

export const idParams = z.object({ id: z.string().min(1).max(200) });
