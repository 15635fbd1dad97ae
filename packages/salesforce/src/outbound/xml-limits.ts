import { HookpostSalesforceError } from '../errors.js';

/** Caps on the shape of an XML body, checked in one linear pass before any parsing. */
export interface XmlLimits {
  /** Elements in the whole document. Default 200 000 (100 notifications × up to ~2 000 fields). */
  maxElements?: number;
  /** Attributes on one element. Default 32 (Salesforce uses at most a few `xmlns`/`xsi:` ones). */
  maxAttributesPerElement?: number;
  /** Nesting depth. Default 32 (an outbound message is 6 deep). */
  maxDepth?: number;
}

const refuse = (what: string) =>
  new HookpostSalesforceError('xml_limit_exceeded', `XML refused before parsing: ${what}`);

function skipMarkup(text: string, start: number): number {
  // Comments, CDATA and processing instructions: jump to their end, whatever they contain.
  if (text.startsWith('<!--', start)) return text.indexOf('-->', start) + 2;
  if (text.startsWith('<![CDATA[', start)) return text.indexOf(']]>', start) + 2;
  return text.indexOf('>', start);
}

/**
 * Refuses a body whose element count, attributes on one element or depth pass the limits,
 * so a small body cannot make the parser's work grow (60 000 attributes on one element in
 * under 1 MB is refused here, in microseconds). Malformed markup is left to the validator.
 */
export function checkXmlLimits(text: string, limits: XmlLimits = {}): void {
  const maxElements = limits.maxElements ?? 200_000;
  const maxAttributes = limits.maxAttributesPerElement ?? 32;
  const maxDepth = limits.maxDepth ?? 32;
  let elements = 0;
  let depth = 0;
  for (let i = text.indexOf('<'); i !== -1 && i < text.length; i = text.indexOf('<', i + 1)) {
    const next = text.charAt(i + 1);
    if (next === '!' || next === '?') {
      i = skipMarkup(text, i);
      if (i < 0) return;
      continue;
    }
    const end = text.indexOf('>', i);
    if (end < 0) return;
    if (next === '/') {
      depth -= 1;
      i = end;
      continue;
    }
    elements += 1;
    if (elements > maxElements) throw refuse(`more than ${maxElements} elements`);
    let attributes = 0;
    for (let j = i; j < end; j += 1) if (text.charCodeAt(j) === 61) attributes += 1; // '='
    if (attributes > maxAttributes) throw refuse(`an element with more than ${maxAttributes} attributes`);
    if (text.charAt(end - 1) !== '/') {
      depth += 1;
      if (depth > maxDepth) throw refuse(`nesting deeper than ${maxDepth}`);
    }
    i = end;
  }
}
