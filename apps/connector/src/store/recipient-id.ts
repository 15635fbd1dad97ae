/**
 * The CRM id a decision row is found by in a recipient search (`decision_rows.recipient_id`,
 * migration `0015_scale_decision_recipient_id`), or `null` when the event's own record is the
 * recipient: a search finds that event by `events.object_id` already. Only decisions about
 * another record (an opportunity's contact, a company's people) carry it, so the partial
 * index on it grows with those alone, not with every decision that names a recipient — a
 * recipient-keyed index has no time order, and each row written to it dirties its own leaf
 * once the index outgrows a batch (bench/scale.ts, KiB written per B-tree).
 *
 * @param recipientRef `platform:objectType:objectId` (`hubspot:contact:7005`), `''` or null for none.
 * @param event the decided event's own record.
 */
export function otherRecipientId(
  recipientRef: string | null | undefined,
  event: { platform: string; object_type: string; object_id: string },
): string | null {
  if (!recipientRef) return null;
  // Recipient keys lower-case the type (`recipientKey` in @hookpost/core); events keep the CRM's (`Contact`).
  if (recipientRef === `${event.platform}:${event.object_type.toLowerCase()}:${event.object_id}`) return null;
  return recipientIdOf(recipientRef);
}

/** The id part of a record reference: `hubspot:contact:7005` → `7005` (everything after the second `:`). */
export function recipientIdOf(recipientRef: string): string {
  const first = recipientRef.indexOf(':');
  const second = first < 0 ? -1 : recipientRef.indexOf(':', first + 1);
  return second < 0 ? recipientRef : recipientRef.slice(second + 1);
}
