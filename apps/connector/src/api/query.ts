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

/** `?from=` / `?to=`: an ISO-8601 instant, turned into epoch ms (the stored unit). */
const instant = z.iso
  .datetime({ offset: true, error: 'expected an ISO-8601 date-time such as 2026-11-30T10:00:00Z' })
  .transform((value) => Date.parse(value));

/** Time range and recipient filters shared by event and trigger listings. */
const rangeAndRecipient = {
  from: instant.optional(),
  to: instant.optional(),
  /** A CRM record id, an e-mail address or a name; see `recipientFilter`. */
  recipient: text.optional(),
};

export const eventListQuery = z
  .object({
    ...rangeAndRecipient,
    status: eventStatusSchema.optional(),
    platform: platformSchema.optional(),
    workspace: text.optional(),
    objectType: text.optional(),
    objectId: text.optional(),
    kind: text.optional(),
    /** Events a campaign matched (decided `triggered` or `skipped` for it). */
    campaign: text.optional(),
    limit: limitSchema,
    cursor: z.string().min(1).optional(),
  })
  .strict();

export const triggerListQuery = z
  .object({
    ...rangeAndRecipient,
    destination: text.optional(),
    status: triggerStatusSchema.optional(),
    workspace: text.optional(),
    campaign: text.optional(),
    limit: limitSchema,
    cursor: z.string().min(1).optional(),
  })
  .strict();

export const workspaceQuery = z.object({ workspace: text.optional() }).strict();

export const idParams = z.object({ id: z.string().min(1).max(200) });

/** Body of `POST /triggers/replay-dead`: which dead pieces to send again (all when empty). */
export const deadFilterBody = z
  .object({
    workspace: text.optional(),
    campaign: text.optional(),
    destination: text.optional(),
    from: instant.optional(),
    to: instant.optional(),
  })
  .strict();
