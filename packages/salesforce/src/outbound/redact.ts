const SESSION_ID = /(<(?:[\w.-]+:)?SessionId\b[^>]*?)(?:\/>|>([\s\S]*?)(<\/(?:[\w.-]+:)?SessionId\s*>))/g;

/** What a redacted `SessionId` reads as. */
export const REDACTED = '[redacted]';

/**
 * The raw outbound message with the text of its `SessionId` element replaced by
 * `[redacted]`: with "Send Session ID" on it is a live API session, and the raw body is
 * stored. A nil or empty `SessionId` is left as it is; nothing else changes.
 *
 * @example
 * redactSessionId(Buffer.from('<SessionId>00Dx!AQ…</SessionId>')).toString(); // '<SessionId>[redacted]</SessionId>'
 */
export function redactSessionId(raw: Buffer | string): Buffer {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const redacted = redactSessionIdText(text);
  // Nothing to hide (no SessionId, or a nil one): the body as received, not a copy.
  if (redacted === text && Buffer.isBuffer(raw)) return raw;
  return Buffer.from(redacted, 'utf8');
}

/** {@link redactSessionId} on text: the same string back when there is nothing to hide. */
export function redactSessionIdText(text: string): string {
  return text.replace(
    SESSION_ID,
    (match, open: string, value: string | undefined, close: string | undefined) =>
      value === undefined || value.trim() === '' ? match : `${open}>${REDACTED}${close}`,
  );
}
