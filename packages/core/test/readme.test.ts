import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README example', () => {
  it('is the code this test runs', () => {
    const source = read('./readme-example.ts');
    const region = /\/\/ #region readme\n([\s\S]*?)\/\/ #endregion readme/.exec(source)?.[1];
    expect(region).toBeDefined();
    const asPublished = region?.trimEnd().replace("from '../src/index.js'", "from '@hookpost/core'");
    expect(read('../README.md')).toContain(`\`\`\`ts\n${asPublished}\n\`\`\``);
  });

  it('runs from event to a signed, verifiable trigger', async () => {
    const { decision, received, signed, trigger } = await import('./readme-example.js');
    expect(decision).toEqual({ campaignId: 'welcome-pack', outcome: 'matched', reason: null });
    expect(trigger).toMatchObject({
      campaign: { id: 'welcome-pack', name: 'Welcome pack' },
      recipient: { firstName: 'Erika', address: { city: 'Köln', postalCode: '51147', country: 'DE' } },
      variables: { firstName: 'Erika' },
    });
    expect(Date.parse(trigger.sendAt ?? '') - Date.parse(trigger.createdAt)).toBe(2 * 86_400_000);
    expect(signed.headers['webhook-id']).toBe(trigger.id);
    expect(received).toEqual(JSON.parse(signed.body));
  });
});
