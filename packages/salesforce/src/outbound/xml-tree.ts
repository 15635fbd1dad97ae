import { HookpostSalesforceError } from '../errors.js';

/** One element of a {@link readXmlTree} tree: what an outbound message is read from. */
export interface XmlElement {
  /** The local name: any `prefix:` removed (Salesforce's `sf:`/`soapenv:` are not guaranteed). */
  name: string;
  /** Whether it carries `xsi:nil="true"` (any prefix). */
  nil: boolean;
  /** The `type` attribute's raw value (`xsi:type="sf:Contact"`), else `null`. */
  type: string | null;
  /** How many attributes it has, namespace declarations (`xmlns`, `xmlns:…`) not counted. */
  attributes: number;
  /** Its own text (CDATA included, comments not), trimmed, entity references not decoded. */
  text: string;
  children: XmlElement[];
}

// Names fast-xml-parser refuses as prototype pollution; refused here alike (400).
const CRITICAL_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
// What ends an element's name in its tag: whitespace or `/`.
const NAME_END = new Set([0x20, 0x09, 0x0a, 0x0d, 0x2f]);
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

function element(tag: string): XmlElement {
  // The tag's text between `<` and `>` (or `/>`): its name, then its attributes.
  let end = 0;
  while (end < tag.length && !NAME_END.has(tag.charCodeAt(end))) end += 1;
  const name = localName(tag.slice(0, end));
  if (CRITICAL_NAMES.has(name)) {
    throw new HookpostSalesforceError('malformed_xml', `XML element name ${name} is not accepted`);
  }
  const node: XmlElement = { name, nil: false, type: null, attributes: 0, text: '', children: [] };
  if (end < tag.length && tag.includes('=', end)) {
    ATTRIBUTE.lastIndex = end;
    for (let match = ATTRIBUTE.exec(tag); match !== null; match = ATTRIBUTE.exec(tag)) {
      const attribute = (match[1] as string).split(':');
      if (attribute[0] === 'xmlns') continue;
      node.attributes += 1;
      if (attribute.length > 2) continue;
      const value = (match[2] ?? match[3] ?? '').trim();
      const local = attribute.at(-1);
      if (local === 'nil') node.nil = value === 'true';
      else if (local === 'type') node.type = value;
    }
  }
  return node;
}

/**
 * The elements of an XML document that `XMLValidator` of fast-xml-parser already found
 * well-formed (so tags are balanced, attribute values quoted, one root), as a small tree:
 * local names, the two attributes an outbound message uses (`xsi:nil`, `xsi:type`), trimmed
 * text. Declarations, processing instructions and comments are skipped; CDATA counts as text.
 * Text is kept as fast-xml-parser's `XMLParser` kept it: each run of text between two tags
 * trimmed (a comment does not end a run), CDATA as it is, the pieces joined.
 * Why not `XMLParser`: on the Salesforce ingest bench (one notification per request) it
 * allocated 63 KB and took about as much CPU per message as everything else the connector
 * does for it, and that garbage was most of the connector's GC; this walk of the validated
 * text allocates what the tree holds. Equivalence with `XMLParser` (with the options this
 * package used) on generated messages is a property test (`xml-tree.test.ts`).
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
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    run += text.slice(i, lt);
    if (text.startsWith('<!--', lt)) {
      i = text.indexOf('-->', lt + 4) + 3;
      continue;
    }
    endRun();
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      const current = open.at(-1);
      if (current) current.text += text.slice(lt + 9, end);
      i = end + 3;
    } else if (text.startsWith('<?', lt)) {
      i = text.indexOf('?>', lt + 2) + 2;
    } else if (text.charAt(lt + 1) === '!') {
      i = text.indexOf('>', lt) + 1; // a DOCTYPE is refused before this; nothing else starts `<!`
    } else if (text.charAt(lt + 1) === '/') {
      open.pop();
      i = text.indexOf('>', lt) + 1;
    } else {
      const end = tagEnd(text, lt);
      const selfClosing = text.charAt(end - 1) === '/';
      const node = element(text.slice(lt + 1, selfClosing ? end - 1 : end));
      const parent = open.at(-1);
      if (parent) parent.children.push(node);
      else roots.push(node);
      if (!selfClosing) open.push(node);
      i = end + 1;
    }
    if (i <= 0) break; // an unterminated construct: the validator refuses those first
  }
  return roots;
}

/** The `>` that ends the start tag at `lt`, skipping quoted attribute values (they may hold `>`). */
function tagEnd(text: string, lt: number): number {
  let quote = '';
  for (let j = lt + 1; j < text.length; j += 1) {
    const char = text.charAt(j);
    if (quote !== '') {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return j;
  }
  return text.length;
}
