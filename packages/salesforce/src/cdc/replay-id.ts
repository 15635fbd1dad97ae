/** Replay ids travel as 8 opaque bytes; they are big-endian unsigned longs, kept as decimal strings. */
export const encodeReplayId = (replayId: string): Buffer => {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(replayId));
  return buf;
};

export const decodeReplayId = (bytes: Buffer): string =>
  bytes.length === 8 ? bytes.readBigUInt64BE().toString() : '0';
