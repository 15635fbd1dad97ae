import type { PolicyLookups, SuppressionQuery } from '../../src/policies/lookups.js';

/** A real, in-memory implementation of the policy lookups: the store the connector keeps in SQL. */
export class MemoryLookups implements PolicyLookups {
  readonly sends: { recipientKey: string; campaignId: string; at: Date }[] = [];
  readonly suppressed = new Set<string>();
  readonly calls: string[] = [];

  constructor(private readonly async = true) {}

  send(recipientKey: string, campaignId: string, at: string): this {
    this.sends.push({ recipientKey, campaignId, at: new Date(at) });
    return this;
  }

  private answer<T>(name: string, value: T): T | Promise<T> {
    this.calls.push(name);
    return this.async ? Promise.resolve(value) : value;
  }

  isSuppressed(query: SuppressionQuery) {
    const keys = [query.recipientKey, query.crmHash, query.emailHash, query.addressHash];
    return this.answer(
      'isSuppressed',
      keys.some((key) => key !== null && this.suppressed.has(key)),
    );
  }

  lastSentAt(recipientKey: string, campaignId: string) {
    const times = this.sends
      .filter((s) => s.recipientKey === recipientKey && s.campaignId === campaignId)
      .map((s) => s.at.getTime());
    return this.answer('lastSentAt', times.length === 0 ? null : new Date(Math.max(...times)));
  }

  countSentSince(recipientKey: string, since: Date) {
    return this.answer(
      'countSentSince',
      this.sends.filter((s) => s.recipientKey === recipientKey && s.at >= since).length,
    );
  }

  countCampaignSentSince(campaignId: string, since: Date) {
    return this.answer(
      'countCampaignSentSince',
      this.sends.filter((s) => s.campaignId === campaignId && s.at >= since).length,
    );
  }
}
