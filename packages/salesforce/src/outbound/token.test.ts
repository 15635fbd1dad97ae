import { describe, expect, it } from 'vitest';
import { createTokenResolver } from './token.js';

describe('createTokenResolver', () => {
  const resolve = createTokenResolver([
    { workspaceId: 'acme', organizationId: '00D5e000000KQ2eEAG', endpointToken: 'tok_acme_9f8e7d' },
    { workspaceId: 'globex', organizationId: '00Dxx0000001gPFEAY', endpointToken: 'tok_globex_1a2b3c' },
    { workspaceId: 'no-token', organizationId: '00Dxx0000001gPFEAY', endpointToken: '' },
  ]);

  it('finds the workspace of a token', () => {
    expect(resolve('tok_globex_1a2b3c')).toEqual({
      workspaceId: 'globex',
      organizationId: '00Dxx0000001gPFEAY',
    });
    expect(resolve('tok_acme_9f8e7d')?.workspaceId).toBe('acme');
  });

  it('refuses prefixes, extensions, case changes and the empty token', () => {
    for (const token of ['tok_acme_9f8e7', 'tok_acme_9f8e7dX', 'TOK_ACME_9F8E7D', '', ' tok_acme_9f8e7d']) {
      expect(resolve(token)).toBeNull();
    }
  });
});
