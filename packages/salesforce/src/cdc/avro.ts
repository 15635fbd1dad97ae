import avro from 'avsc';

/**
 * Avro `long` as a JS number when safe, else a BigInt: `commitNumber` and replay-related
 * longs can pass 2^53 (avsc's default long type refuses them).
 */
const SafeLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const value = buf.readBigInt64LE();
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  },
  toBuffer: (value: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(value));
    return buf;
  },
  fromJSON: (value: unknown) => value,
  toJSON: (value: number | bigint) => (typeof value === 'bigint' ? String(value) : value),
  isValid: (value: unknown) => typeof value === 'number' || typeof value === 'bigint',
  compare: (a: number | bigint, b: number | bigint) =>
    BigInt(a) === BigInt(b) ? 0 : BigInt(a) < BigInt(b) ? -1 : 1,
});

/** A parsed event schema: the decoder and its top-level fields (bitmap positions). */
export interface EventSchema {
  type: avro.Type;
  fields: readonly { name: string; children: readonly string[] }[];
}

function childNames(type: avro.Type): string[] {
  const branches = type instanceof avro.types.UnwrappedUnionType ? type.types : [type];
  const record = branches.find((t): t is avro.types.RecordType => t instanceof avro.types.RecordType);
  return record ? record.fields.map((f) => f.name) : [];
}

/** Parses the `schema_json` of `GetSchema`. */
export function parseEventSchema(json: string): EventSchema {
  const type = avro.Type.forSchema(JSON.parse(json) as avro.Schema, { registry: { long: SafeLong } });
  const record = type as avro.types.RecordType;
  return { type, fields: record.fields.map((f) => ({ name: f.name, children: childNames(f.type) })) };
}

function namesFromBitmap(names: readonly string[], hex: string): string[] {
  const bits = BigInt(hex);
  return names.filter((_name, index) => (bits >> BigInt(index)) & 1n);
}

/**
 * Field names from the Pub/Sub API's field bitmaps: the first entry (`0x…`) sets bit i for
 * top-level field i of the schema; `"<i>-0x…"` entries set bits of compound field i's
 * children (`MailingAddress.City`). Source:
 * https://developer.salesforce.com/docs/platform/pub-sub-api/guide/event-avro-serialization.html
 */
export function fieldNamesFromBitmaps(schema: EventSchema, bitmaps: readonly string[]): string[] {
  const names: string[] = [];
  for (const entry of bitmaps) {
    const dash = entry.indexOf('-');
    if (dash < 0) {
      if (entry.startsWith('0x'))
        names.push(
          ...namesFromBitmap(
            schema.fields.map((f) => f.name),
            entry,
          ),
        );
      else names.push(entry); // already a name (older API versions)
      continue;
    }
    const parent = schema.fields[Number(entry.slice(0, dash))];
    if (!parent) continue;
    for (const child of namesFromBitmap(parent.children, entry.slice(dash + 1)))
      names.push(`${parent.name}.${child}`);
  }
  return names;
}

/** Decodes an event payload, turning the header's field bitmaps into names. */
export function decodeEvent(schema: EventSchema, payload: Buffer): Record<string, unknown> {
  const decoded = schema.type.fromBuffer(payload) as Record<string, unknown>;
  const header = decoded.ChangeEventHeader as Record<string, unknown> | undefined;
  if (header) {
    for (const key of ['changedFields', 'nulledFields', 'diffFields']) {
      const value = header[key];
      if (Array.isArray(value)) header[key] = fieldNamesFromBitmaps(schema, value as string[]);
    }
  }
  return decoded;
}
