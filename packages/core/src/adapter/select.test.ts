import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Recipient } from '../address.js';
import { recipientsOf } from './select.js';
import type { Enrichment } from './types.js';

const person = (id: string): Recipient =>
  ({ crm: { platform: 'salesforce', objectType: 'contact', objectId: id } }) as unknown as Recipient;

describe('recipientsOf', () => {
  it('primary: the marked one, else the first; first: the first; all: every one, in order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[0-9]{1,4}$/), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.boolean(),
        (ids, pick, marked) => {
          const primaryAt = marked ? pick % ids.length : -1;
          const associated = ids.map((id, i) => ({ recipient: person(id), primary: i === primaryAt }));
          const enrichment: Enrichment = { records: {}, recipients: {}, associated };
          const of = (select: 'primary' | 'first' | 'all') =>
            recipientsOf(enrichment, { recipient: 'associated_contact', recipientSelect: select });
          const idsOf = (r: ReturnType<typeof of>) => ('missing' in r ? [] : r.map((x) => x.crm.objectId));
          expect(idsOf(of('all'))).toEqual(ids);
          expect(idsOf(of('first'))).toEqual([ids[0]]);
          expect(idsOf(of('primary'))).toEqual([ids[marked ? primaryAt : 0]]);
        },
      ),
    );
  });

  it('answers the missing reason when there is no recipient at all', () => {
    const enrichment: Enrichment = {
      records: {},
      recipients: { associated_contact: { missing: 'no contact for opportunity 006' } },
      associated: [],
    };
    expect(recipientsOf(enrichment, { recipient: 'associated_contact', recipientSelect: 'all' })).toEqual({
      missing: 'no contact for opportunity 006',
    });
  });
});
