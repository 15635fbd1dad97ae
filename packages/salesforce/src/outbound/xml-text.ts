const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g;

/**
 * Decodes XML's five predefined entities and numeric character references.
 * The parser runs with `processEntities: false` (entity-expansion CVEs, see
 * https://github.com/NaturalIntelligence/fast-xml-parser/security/advisories), which also
 * leaves `&amp;` undecoded; since a DOCTYPE is rejected, no other entity can be defined,
 * so this one regex is all the decoding a Salesforce message needs.
 */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (whole, hex: string | undefined, dec: string | undefined, name?: string) => {
    if (name) return PREDEFINED[name] ?? whole;
    const codePoint = Number.parseInt(hex ?? dec ?? '', hex ? 16 : 10);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
  });
}

/** Escapes text for an XML element body or attribute value. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
