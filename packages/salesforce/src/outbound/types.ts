/** One `<Notification>` of an outbound message: the record snapshot Salesforce sent. */
export interface OutboundNotification {
  /** Notification Id (`04l…`): Salesforce re-sends the same id on retry, so it is the de-dup key. */
  id: string;
  /** From `xsi:type` without its prefix (`sf:Contact` → `Contact`); `''` when no sObject was sent. */
  objectType: string;
  /** One entry per selected field; `xsi:nil="true"` becomes `null`. Values are never parsed. */
  fields: Record<string, string | null>;
}

/** A parsed Salesforce outbound message (SOAP `notifications` element). */
export interface OutboundMessage {
  organizationId: string;
  actionId: string;
  /** Usually `null`: Salesforce no longer sends session ids in outbound messages. */
  sessionId: string | null;
  enterpriseUrl: string | null;
  partnerUrl: string | null;
  notifications: OutboundNotification[];
  /**
   * Notifications that could not be read, in message order. The message is still
   * acknowledged (a resend would fail the same way); store each as a `failed` event.
   */
  failedNotifications: FailedNotification[];
}

/** A `<Notification>` of an otherwise readable message that could not be read. */
export interface FailedNotification {
  /** 0-based position in the message. */
  index: number;
  reason: 'malformed';
  /** Its XML fragment as received (a `SessionId` is never inside a Notification). */
  rawXml: string;
  /** What is wrong, e.g. `Notification 3 has no Id`. */
  error: string;
}
