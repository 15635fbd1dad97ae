import { type CampaignTrigger, campaignTriggerSchema } from '@hookpost/core';
import type { Insertable, Selectable } from 'kysely';
import { z } from 'zod';
import type { TriggerTable } from '../db/types.js';

/** What a privacy deletion leaves of a trigger's payload. */
const purgedSchema = z.object({ purged: z.literal(true) });

/** The suppression hashes stored with a trigger (`triggers.recipient_hashes`). */
export const recipientHashesSchema = z.object({
  crmHash: z.string().nullable().optional(),
  emailHash: z.string().nullable().optional(),
  addressHash: z.string().nullable().optional(),
});
export type RecipientHashes = z.infer<typeof recipientHashesSchema>;

/** A trigger row with its JSON columns parsed once: the campaign trigger (or `null` once purged) and its hashes. */
export type TriggerItem = Omit<Selectable<TriggerTable>, 'payload' | 'recipient_hashes'> & {
  payload: CampaignTrigger | null;
  recipientHashes: RecipientHashes;
};

/** A trigger about to be written: its columns with the JSON ones still typed values. */
export type TriggerDraft = Omit<Insertable<TriggerTable>, 'payload' | 'recipient_hashes'> & {
  id: string;
  recipient_key: string;
  payload: CampaignTrigger;
  recipientHashes: RecipientHashes;
};

/** The row to insert for a draft: the JSON columns serialised once, here. */
export function triggerInsert(draft: TriggerDraft): Insertable<TriggerTable> {
  const { payload, recipientHashes, ...columns } = draft;
  return {
    ...columns,
    payload: writeTriggerPayload(payload),
    recipient_hashes: writeRecipientHashes(recipientHashes),
  };
}

/** Serialises a campaign trigger for `triggers.payload`. */
export const writeTriggerPayload = (payload: CampaignTrigger): string => JSON.stringify(payload);

/** Serialises the suppression hashes for `triggers.recipient_hashes`. */
export const writeRecipientHashes = (hashes: RecipientHashes): string =>
  JSON.stringify({
    crmHash: hashes.crmHash ?? null,
    emailHash: hashes.emailHash ?? null,
    addressHash: hashes.addressHash ?? null,
  });

/** The stored campaign trigger, `null` once a privacy deletion purged it; throws on anything else. */
export function readTriggerPayload(text: string): CampaignTrigger | null {
  const json: unknown = JSON.parse(text);
  if (purgedSchema.safeParse(json).success) return null;
  return campaignTriggerSchema.parse(json);
}

/** The stored hashes as a list of the ones present (what a suppression lookup searches). */
export function readRecipientHashes(text: string): RecipientHashes {
  return recipientHashesSchema.parse(JSON.parse(text));
}

/** Reads a stored trigger row; throws (ZodError, SyntaxError) when a JSON column is not what we wrote. */
export function readTriggerRow(row: Selectable<TriggerTable>): TriggerItem {
  const { payload, recipient_hashes, ...columns } = row;
  return {
    ...columns,
    payload: readTriggerPayload(payload),
    recipientHashes: readRecipientHashes(recipient_hashes),
  };
}
