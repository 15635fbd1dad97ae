import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cdcFixture } from '../test/cdc-fixtures.js';
import { fixture } from '../test/fixtures.js';
import { changeEventToCrmEvents } from './cdc/map.js';
import { toCrmEvents } from './outbound/normalise.js';
import { parseOutboundMessage } from './outbound/parse.js';

const ORG = '00D5e000000KQ2e';
/** Up to the year 2100: the range a real `commitTimestamp` has. */
const commitTimestamp = fc.integer({ min: 0, max: 4_102_444_800_000 });

/** The fixture's change event, with another transaction key, sequence number and commit time. */
function changeEvent(transactionKey: string, sequenceNumber: number, at: number) {
  const event = cdcFixture('contact-update-several');
  const payload = event.payload as { ChangeEventHeader: Record<string, unknown> };
  return {
    ...event,
    payload: {
      ...payload,
      ChangeEventHeader: {
        ...payload.ChangeEventHeader,
        transactionKey,
        sequenceNumber,
        commitTimestamp: at,
      },
    },
  };
}
const ids = (event: ReturnType<typeof changeEvent>, replayId: bigint) =>
  changeEventToCrmEvents(event.payload, { organizationId: ORG, replayId }).map((e) => e.id);

describe('event ids of Change Data Capture', () => {
  it('give a replayed change event the same ids (replay id differs, header and commitTimestamp do not)', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.nat(1000),
        commitTimestamp,
        fc.bigInt({ min: 1n, max: 2n ** 62n }),
        (key, seq, at, replay) => {
          const event = changeEvent(key, seq, at);
          expect(ids(event, replay)).toEqual(ids(event, replay + 1n));
        },
      ),
    );
  });

  it('sort by commitTimestamp (time-local primary key)', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), commitTimestamp, commitTimestamp, (keyA, keyB, atA, atB) => {
        fc.pre(atA !== atB);
        const [a] = ids(changeEvent(keyA, 1, atA), 1n);
        const [b] = ids(changeEvent(keyB, 1, atB), 2n);
        expect((a as string) < (b as string)).toBe(atA < atB);
      }),
    );
  });
});

describe('event ids of outbound messages', () => {
  it('give a retry the same id even when the record changed before it went out (the plain hash id)', () => {
    const xml = fixture('contact.xml');
    const first = toCrmEvents(parseOutboundMessage(xml), { now: () => new Date(0) })[0]?.id;
    expect(first).toMatch(/^evt_[A-Za-z0-9_-]{22}$/);
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true }),
        (at) => {
          const retry = xml.replace(/(<sf:LastModifiedDate>)[^<]*/, `$1${at.toISOString()}`);
          expect(toCrmEvents(parseOutboundMessage(retry), { now: () => at })[0]?.id).toBe(first);
        },
      ),
    );
  });
});
