import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { HookpostSalesforceError } from '../errors.js';

/** One element of a {@link readXmlTree} tree: what an outbound message is read from. */
export interface XmlElement {
  /** The local name: any `prefix:` removed (Salesforce's `sf:`/`soapenv:` are not guaranteed). */
  name: string;
  /** Whether it carries `xsi:nil="true"` (any prefix). */
  nil: boolean;
  /** The `type` attribute's value (`xsi:type="sf:Contact"`), else `null`. */
  type: string | null;
  /** How many attributes it has, namespace declarations (`xmlns`, `xmlns:…`) not counted. */
  attributes: number;
  /**
   * Its own text as XML defines it: the five predefined entities and character references
   * decoded (by saxes), CDATA as it is; each run of text between two tags trimmed (a comment
   * does not end a run), the pieces joined.
   */
  text: string;
  children: XmlElement[];
}

// Names fast-xml-parser refuses as prototype pollution; refused here alike (400).
const CRITICAL_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
// saxes prefixes its messages with `line:column: `; the 400 states them in words instead.
const POSITION_PREFIX = /^(\d+):(\d+): /;
// An `&` that starts no entity or character reference. saxes reads the name after a bare
// `&` up to the next `;` (or the end), so it reports the fault far from it, e.g.
// "unclosed tag" at the last line; the 400 points at the `&` itself instead. Only for those
// faults: a bare `&` is allowed in CDATA and comments and must not hide another fault.
const ENTITY_FAULT = /entity|^unclosed tag/;
const BARE_AMPERSAND = /&(?![A-Za-z_:][\w.:-]*;|#[0-9]+;|#x[0-9a-fA-F]+;)/g;

function malformed(line: number, column: number, fault: string) {
  return new HookpostSalesforceError(
    'malformed_xml',
    `XML is not well-formed (line ${line}, column ${column}): ${fault}`,
  );
}

/** The 400 for saxes' first fault at `offset`, or for a bare `&` before it. Error path only. */
function notWellFormed(text: string, offset: number, error: Error, lastClosed: string) {
  const [position = '', line = '0', column = '0'] = POSITION_PREFIX.exec(error.message) ?? [];
  let fault = error.message.slice(position.length);
  BARE_AMPERSAND.lastIndex = 0;
  const bare = ENTITY_FAULT.test(fault) ? BARE_AMPERSAND.exec(text) : null;
  if (bare !== null && bare.index < offset) {
    const before = text.slice(0, bare.index);
    const lineStart = before.lastIndexOf('\n') + 1;
    return malformed(
      before.split('\n').length,
      bare.index - lineStart + 1,
      "'&' starts no entity reference (write &amp;)",
    );
  }
  // saxes has just reported the element it closed instead; it does not name it in the fault.
  if (fault === 'unexpected close tag.') fault = `a close tag does not match <${lastClosed}>.`;
  return malformed(Number(line), Number(column), fault);
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

function element(tag: SaxesTagPlain): XmlElement {
  const name = localName(tag.name);
  if (CRITICAL_NAMES.has(name)) {
    throw new HookpostSalesforceError('malformed_xml', `XML element name ${name} is not accepted`);
  }
  const node: XmlElement = { name, nil: false, type: null, attributes: 0, text: '', children: [] };
  for (const attribute in tag.attributes) {
    if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
    node.attributes += 1;
    const local = localName(attribute);
    if (local.includes(':')) continue; // `a:b:c`: counted, not read
    const value = (tag.attributes[attribute] as string).trim();
    if (local === 'nil') node.nil = value === 'true';
    else if (local === 'type') node.type = value;
  }
  return node;
}

/**
 * Reads an XML document into a small tree of elements — local names, the two attributes an
 * outbound message uses (`xsi:nil`, `xsi:type`), trimmed text — and refuses one that is not
 * well-formed with a 400 naming the line, column and fault. Declarations, processing
 * instructions and comments are skipped; CDATA counts as text.
 *
 * The reading is saxes' (https://github.com/lddubeau/saxes, the strict XML 1.0 parser jsdom
 * uses), in one pass that also decides well-formedness: it checks names, characters,
 * balanced tags, quoting, duplicate attributes and entity references (only the five
 * predefined ones and character references exist here, since a DOCTYPE is refused before).
 * It runs with `xmlns: false`: Salesforce does not guarantee its prefixes, and a namespace
 * check would refuse a body fast-xml-parser accepted for an undeclared prefix.
 * Why a tree from events and not fast-xml-parser's `XMLParser` object: on the Salesforce
 * ingest bench XMLParser's garbage (63 KB per one-notification message) was most of the
 * connector's GC; these events allocate little beyond what the tree holds (about 20 KB per
 * one-notification message, against 36 KB for XMLValidator plus the hand-written tree reader
 * this replaced, measured with node --expose-gc over alternated runs). saxes checks every
 * character, so its parse of a one-notification message took about 1.3× the CPU of that
 * pair (0.83× on a 100-notification one); kept anyway, since a well-kept library beats our
 * own scanner. What `parseOutboundMessage` reads from the tree matches what it read from
 * `XMLParser` on generated messages (`xml-tree.test.ts`), except where saxes is stricter
 * (undefined entities, control characters, two roots) or XML differs from XMLParser's
 * reading: references are decoded before a run is trimmed, CDATA is not decoded.
 *
 * @throws HookpostSalesforceError `malformed_xml` (400) for XML that is not well-formed or an
 *   element named `__proto__`, `constructor` or `prototype`.
 */
export function readXmlTree(text: string): XmlElement[] {
  const roots: XmlElement[] = [];
  const open: XmlElement[] = [];
  let run = '';
  // The run of text before a tag, trimmed, goes to the element it is in.
  const endRun = () => {
    const trimmed = run.trim();
    const current = open.at(-1);
    if (trimmed !== '' && current) current.text += trimmed;
    run = '';
  };
  let lastClosed = '';
  const parser = new SaxesParser({ xmlns: false });
  // The first fault ends the reading: thrown out of `write`/`close`.
  parser.on('error', (error) => {
    throw notWellFormed(text, parser.position, error, lastClosed);
  });
  parser.on('text', (chunk) => {
    run += chunk;
  });
  parser.on('cdata', (cdata) => {
    endRun();
    const current = open.at(-1);
    if (current) current.text += cdata;
  });
  parser.on('processinginstruction', endRun);
  parser.on('opentag', (tag) => {
    endRun();
    const node = element(tag);
    const parent = open.at(-1);
    if (parent) parent.children.push(node);
    else roots.push(node);
    open.push(node);
  });
  // saxes also reports a self-closing tag as closed.
  parser.on('closetag', (tag) => {
    lastClosed = tag.name;
    endRun();
    open.pop();
  });
  parser.write(text).close();
  return roots;
}
