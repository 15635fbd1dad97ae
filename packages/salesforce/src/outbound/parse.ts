import { HookpostSalesforceError } from '../errors.js';
import type { FailedNotification, OutboundMessage, OutboundNotification } from './types.js';
import { checkXmlLimits, type XmlLimits } from './xml-limits.js';
import { readXmlTree, type XmlElement } from './xml-tree.js';

/** Salesforce sends 1–100 notifications per message. */
export const MAX_NOTIFICATIONS = 100;
// Any DTD can define entities (XXE, billion laughs); a Salesforce message never has one.
const DTD_PATTERN = /<!DOCTYPE|<!ENTITY/i;
const FIRST_VISIBLE = /\S/;

/** The first child element named `name`: a repeated text element counts once, as sent first. */
const child = (node: XmlElement, name: string) => node.children.find((c) => c.name === name);

/** The child element named `name` when it is there once and is more than text, else `undefined`. */
function container(node: XmlElement | undefined, name: string): XmlElement | undefined {
  const found = node?.children.filter((c) => c.name === name);
  const only = found?.length === 1 ? found[0] : undefined;
  return only && (only.children.length > 0 || only.attributes > 0) ? only : undefined;
}

/** Text of an element, or `null` for `xsi:nil="true"` or an absent element. */
function textOf(node: XmlElement | undefined): string | null {
  if (node === undefined || node.nil) return null;
  return node.text;
}

/** The body as text, refused early when it cannot be an outbound message. */
export function outboundText(xml: string | Buffer): string {
  const text = typeof xml === 'string' ? xml : xml.toString('utf8');
  // The first visible character, found without copying the body (as `trim()` would).
  const first = FIRST_VISIBLE.exec(text)?.[0];
  if (first === undefined) {
    throw new HookpostSalesforceError(
      'empty_body',
      'request body is empty: expected a SOAP outbound message',
    );
  }
  if (first === '{' || first === '[') {
    throw new HookpostSalesforceError(
      'not_outbound_message',
      'request body is JSON: expected a SOAP XML outbound message',
    );
  }
  if (DTD_PATTERN.test(text)) {
    throw new HookpostSalesforceError(
      'doctype_forbidden',
      'XML with a DOCTYPE or ENTITY declaration is rejected',
    );
  }
  return text;
}

const NOTIFICATION_FRAGMENT =
  /<(?:[\w.-]+:)?Notification\b[^>]*?(?:\/>|>[\s\S]*?<\/(?:[\w.-]+:)?Notification\s*>)/g;

function parseXml(text: string, limits: XmlLimits | undefined): XmlElement[] {
  checkXmlLimits(text, limits);
  // One pass: saxes decides what is well-formed while the tree is read.
  return readXmlTree(text);
}

function requiredText(node: XmlElement, name: string): string {
  const value = textOf(child(node, name));
  if (value === null || value === '') {
    throw new HookpostSalesforceError('missing_field', `outbound message has no ${name}`);
  }
  return value;
}

function readFields(
  sObject: XmlElement,
  prefix = '',
  fields: Record<string, string | null> = {},
): Record<string, string | null> {
  // Counted first, so a body of 200 000 fields stays one linear pass.
  const count = new Map<string, number>();
  for (const field of sObject.children) count.set(field.name, (count.get(field.name) ?? 0) + 1);
  for (const field of sObject.children) {
    const times = count.get(field.name);
    // A repeated element: its first occurrence counts.
    if (times === 0) continue;
    count.set(field.name, 0);
    const key = `${prefix}${field.name}`;
    // Outbound messages carry flat fields; a nested element is kept as `Parent.Child`.
    if (field.children.length > 0 && times === 1) readFields(field, `${key}.`, fields);
    else fields[key] = textOf(field);
  }
  return fields;
}

function readNotification(node: XmlElement, index: number): OutboundNotification {
  // An element with neither children nor attributes is only text: no notification in it.
  if (node.children.length === 0 && node.attributes === 0) {
    throw new HookpostSalesforceError('not_outbound_message', `Notification ${index + 1} is empty`);
  }
  const id = textOf(child(node, 'Id'));
  if (!id) throw new HookpostSalesforceError('missing_field', `Notification ${index + 1} has no Id`);
  const sObject = container(node, 'sObject');
  if (sObject === undefined) return { id, objectType: '', fields: {} };
  const type = sObject.type ?? '';
  return { id, objectType: type.slice(type.indexOf(':') + 1), fields: readFields(sObject) };
}

function readNotifications(list: XmlElement[], text: string) {
  const notifications: OutboundNotification[] = [];
  const failedNotifications: FailedNotification[] = [];
  let fragments: string[] | null = null;
  list.forEach((node, index) => {
    try {
      notifications.push(readNotification(node, index));
    } catch (error) {
      fragments ??= text.match(NOTIFICATION_FRAGMENT) ?? [];
      const message =
        error instanceof Error ? error.message.replace('[@hookpost/salesforce] ', '') : String(error);
      failedNotifications.push({
        index,
        reason: 'malformed',
        rawXml: fragments[index] ?? '',
        error: message,
      });
    }
  });
  return { notifications, failedNotifications };
}

/**
 * Parses a Salesforce outbound message (SOAP 1.1) into plain data, rejecting anything that
 * is not one: a DOCTYPE, malformed XML, a body past the {@link XmlLimits}, a missing
 * OrganizationId, more than 100 notifications. Once the envelope is readable, a
 * Notification that is not (no Id, no element) goes to `failedNotifications` with its raw
 * fragment instead of failing the whole message.
 *
 * @example
 * const message = parseOutboundMessage(rawBody);
 * message.organizationId; // '00Dxx0000001gPFEAY'
 * message.notifications[0]?.fields.LastName; // 'Mustermann'
 */
export function parseOutboundMessage(
  xml: string | Buffer,
  options: { limits?: XmlLimits } = {},
): OutboundMessage {
  const text = outboundText(xml);
  const roots = parseXml(text, options.limits);
  const root = { children: roots } as XmlElement;
  const notifications = container(container(container(root, 'Envelope'), 'Body'), 'notifications');
  if (notifications === undefined) {
    throw new HookpostSalesforceError(
      'not_outbound_message',
      'XML is not a SOAP envelope with a <notifications> element in its Body',
    );
  }
  const organizationId = requiredText(notifications, 'OrganizationId');
  const actionId = requiredText(notifications, 'ActionId');
  const list = notifications.children.filter((c) => c.name === 'Notification');
  if (list.length === 0) {
    throw new HookpostSalesforceError('missing_field', 'outbound message has no Notification element');
  }
  if (list.length > MAX_NOTIFICATIONS) {
    throw new HookpostSalesforceError(
      'too_many_notifications',
      `outbound message has ${list.length} notifications; Salesforce sends at most ${MAX_NOTIFICATIONS}`,
    );
  }
  return {
    organizationId,
    actionId,
    sessionId: textOf(child(notifications, 'SessionId')),
    enterpriseUrl: textOf(child(notifications, 'EnterpriseUrl')),
    partnerUrl: textOf(child(notifications, 'PartnerUrl')),
    ...readNotifications(list, text),
  };
}
