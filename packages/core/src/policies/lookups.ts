/** A value, or a promise of it: lookups may read an in-process cache or PostgreSQL. */
export type Awaitable<T> = T | Promise<T>;

/** What a suppression list can be searched by; every field is safe to store after a privacy deletion but `recipientKey`. */
export interface SuppressionQuery {
  /** `platform:objectType:objectId` (see `recipientKey`). */
  recipientKey: string;
  /** `hashCrmRef(recipient.crm)`. */
  crmHash: string;
  /** `hashEmail(recipient.email)`, null without a usable e-mail. */
  emailHash: string | null;
  /** `hashAddress(recipient.address)`, null when the address is too thin to identify. */
  addressHash: string | null;
}

/**
 * The past the policies need to see, injected by the app; core does no I/O. All lookups
 * are scoped to one workspace by the caller. A "send" is a trigger created for the
 * recipient and not cancelled (pending, delivered or dead): a piece waiting for its
 * `sendAt` counts, so two events in a row cannot both get through.
 */
export interface PolicyLookups {
  /** True when any of the query's keys is on the workspace's suppression list. */
  isSuppressed(query: SuppressionQuery): Awaitable<boolean>;
  /** When this campaign last sent to this recipient, or null if never. */
  lastSentAt(recipientKey: string, campaignId: string): Awaitable<Date | null>;
  /** Sends to this recipient across all campaigns since `since` (inclusive). */
  countSentSince(recipientKey: string, since: Date): Awaitable<number>;
  /** Sends of this campaign to anyone since `since` (inclusive). */
  countCampaignSentSince(campaignId: string, since: Date): Awaitable<number>;
}
