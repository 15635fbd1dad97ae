import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyStatus, isTerminalMailStatus } from './lattice.js';
import { MAIL_STATUSES, type MailStatus } from './schema.js';

const fold = (statuses: readonly MailStatus[]) =>
  statuses.reduce<MailStatus | null>((current, next) => applyStatus(current, next), null);

const statusArb = fc.constantFrom(...MAIL_STATUSES);

describe('applyStatus', () => {
  it('follows the journey in order', () => {
    expect(fold(['accepted', 'printed', 'mailed', 'in_transit', 'delivered'])).toBe('delivered');
  });

  it('never moves a piece backwards', () => {
    expect(applyStatus('mailed', 'printed')).toBe('mailed');
    expect(applyStatus('delivered', 'accepted')).toBe('delivered');
  });

  it('keeps terminal statuses terminal and ignores address corrections', () => {
    expect(applyStatus('returned_to_sender', 'delivered')).toBe('returned_to_sender');
    expect(applyStatus('delivered', 'returned_to_sender')).toBe('returned_to_sender');
    expect(applyStatus('mailed', 'address_corrected')).toBe('mailed');
    expect(applyStatus(null, 'address_corrected')).toBeNull();
    expect(isTerminalMailStatus('rejected')).toBe(true);
    expect(isTerminalMailStatus('delivered')).toBe(false);
  });

  it('ends in the same status for any permutation of the same reports, duplicates included', () => {
    fc.assert(
      fc.property(
        fc
          .array(statusArb, { maxLength: 12 })
          .chain((statuses) =>
            fc.tuple(fc.constant(statuses), fc.shuffledSubarray(statuses, { minLength: statuses.length })),
          ),
        ([statuses, shuffled]) => {
          expect(fold(shuffled)).toBe(fold(statuses));
          expect(fold([...statuses, ...statuses])).toBe(fold(statuses));
        },
      ),
    );
  });

  it('never lets a later report lower the rank of the current status', () => {
    fc.assert(
      fc.property(fc.array(statusArb, { minLength: 1, maxLength: 12 }), (statuses) => {
        let current: MailStatus | null = null;
        for (const status of statuses) {
          const next = applyStatus(current, status);
          // Once set, the current status only changes to one that outranks it.
          if (current !== null && next !== current) expect(applyStatus(next, current)).toBe(next);
          current = next;
        }
      }),
    );
  });
});
