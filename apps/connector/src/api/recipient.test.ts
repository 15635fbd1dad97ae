import { hashEmail } from '@hookpost/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRecipientTerm } from './recipient.js';

describe('readRecipientTerm', () => {
  it('reads any e-mail address as one, with the hash suppressions use', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const term = readRecipientTerm(` ${email} `);
        expect(term).toEqual({ kind: 'email', value: email, emailHash: hashEmail(email) });
      }),
    );
  });

  it('reads HubSpot and Salesforce record ids as CRM ids, and names as text', () => {
    expect(readRecipientTerm('123').kind).toBe('crm_id');
    expect(readRecipientTerm('0035e00000AbCdEAAX').kind).toBe('crm_id');
    expect(readRecipientTerm('Erika Mustermann').kind).toBe('text');
    expect(readRecipientTerm('Mustermann').kind).toBe('text');
  });
});
