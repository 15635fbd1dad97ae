import fc from 'fast-check';

/**
 * JSON built as text, so a generated body can hold what `JSON.stringify` never writes:
 * own `__proto__` keys, duplicate keys, number tokens like `1e400` or `-0`, 6,000 levels.
 */
export type JsonNode =
  | { t: 'raw'; text: string }
  | { t: 'arr'; items: JsonNode[] }
  | { t: 'obj'; entries: [string, JsonNode][] };

export const raw = (value: unknown): JsonNode => ({ t: 'raw', text: JSON.stringify(value) ?? 'null' });

export function toText(node: JsonNode): string {
  if (node.t === 'raw') return node.text;
  if (node.t === 'arr') return `[${node.items.map(toText).join(',')}]`;
  return `{${node.entries.map(([key, value]) => `${JSON.stringify(key)}:${toText(value)}`).join(',')}}`;
}

export function fromValue(value: unknown): JsonNode {
  if (Array.isArray(value)) return { t: 'arr', items: value.map(fromValue) };
  if (value !== null && typeof value === 'object') {
    return { t: 'obj', entries: Object.entries(value).map(([k, v]) => [k, fromValue(v)]) };
  }
  return raw(value);
}

export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'toJSON',
] as const;
export const protoName = fc.constantFrom(...PROTOTYPE_NAMES);

/** Number tokens at and past every edge: Date range, 2^53, float limits, overflow, sign of zero. */
export const oddNumberText = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? '-0' : String(n))),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom(
    '8640000000000000',
    '8640000000000001',
    '9007199254740991',
    '9007199254740993',
    '1e400',
    '-1e400',
    '5e-324',
    '0.1e-999',
    '-0',
    '1.0',
    '1E2',
    '123456789012345678901234567890',
  ),
);

/** Strings with NULs, lone surrogates, control characters, markup, escapes and prototype names. */
export const oddString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: protoName },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '\u0000',
      'a\u0000b',
      '\ud800',
      'x\udfffy',
      '\uffff',
      '\u202e',
      '😀',
      '%00',
      '%ZZ',
      '../..',
      '<x>',
      ']]>',
      '&amp;',
      '\r\n',
      '',
      ' ',
      '0-1',
      'contact',
      'object',
    ),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 500, maxLength: 3_000 }) },
);

/** Any JSON value, mostly shallow, with odd numbers, strings and keys. */
export const oddValue: fc.Arbitrary<JsonNode> = fc.letrec<{ value: JsonNode }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddNumberText.map((text): JsonNode => ({ t: 'raw', text })),
    oddString.map(raw),
    fc.constantFrom(raw(true), raw(false), raw(null)),
    fc.array(tie('value'), { maxLength: 4 }).map((items): JsonNode => ({ t: 'arr', items })),
    fc
      .array(fc.tuple(fc.oneof(protoName, oddString), tie('value')), { maxLength: 4 })
      .map((entries): JsonNode => ({ t: 'obj', entries })),
  ),
})).value;

/** Nested arrays or objects at and far past the depth limits (64), as text. */
export const deepText = fc
  .tuple(fc.constantFrom(10, 63, 64, 65, 100, 1_000, 6_000, 50_000), fc.boolean())
  .map(([depth, objects]) =>
    objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );

/** Replaces one node of `node` (chosen by `index`) with `replacement`; used to mutate fixtures. */
export function replaceAt(node: JsonNode, index: number, replacement: JsonNode): JsonNode {
  let counter = index;
  const visit = (current: JsonNode): JsonNode => {
    if (counter-- === 0) return replacement;
    if (current.t === 'arr') return { t: 'arr', items: current.items.map(visit) };
    if (current.t === 'obj') return { t: 'obj', entries: current.entries.map(([k, v]) => [k, visit(v)]) };
    return current;
  };
  return visit(node);
}

/** Renames or drops keys of every object in `node` at positions picked by `picks`. */
export function mutateKeys(node: JsonNode, picks: number[], names: string[]): JsonNode {
  let seen = 0;
  const visit = (current: JsonNode): JsonNode => {
    if (current.t === 'arr') return { t: 'arr', items: current.items.map(visit) };
    if (current.t !== 'obj') return current;
    const entries: [string, JsonNode][] = [];
    for (const [key, value] of current.entries) {
      const at = picks.indexOf(seen++);
      if (at === -1) entries.push([key, visit(value)]);
      else if ((names[at] ?? '') !== '') entries.push([names[at] ?? key, visit(value)]);
    }
    return { t: 'obj', entries };
  };
  return visit(node);
}
