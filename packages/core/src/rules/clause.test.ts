import { describe, expect, it } from 'vitest';
import { campaign, erika, hubspotChange } from '../../test/support/factories.js';
import { failedTrigger, reversesMatch } from '../trigger.js';
import { evaluateCampaigns } from './evaluate.js';

const welcome = campaign({
  id: 'welcome-pack',
  trigger: {
    platform: 'hubspot',
    object: 'contact',
    on: 'property_change',
    property: 'lifecyclestage',
    to: 'customer',
  },
  conditions: { all: [{ field: 'address.country', in: ['DE'] }] },
});
const decide = (event = hubspotChange(), recipient = erika()) =>
  evaluateCampaigns(event, { records: {}, recipient }, [welcome])[0]!;

describe('decision clause: which part failed, as data', () => {
  it('names the trigger when the event is not one the campaign listens to: no reversal', () => {
    const decision = decide(hubspotChange({ changes: { firstname: { value: 'Erika' } } }));
    expect(decision.clause).toBe('trigger');
    expect(failedTrigger(decision)).toBe(true);
    expect(reversesMatch(decision)).toBe(false);
  });

  it('names the watched value when the property moved off its target: a reversal', () => {
    const decision = decide(hubspotChange({ changes: { lifecyclestage: { value: 'lead' } } }));
    expect(decision.clause).toBe('trigger.value');
    expect(failedTrigger(decision)).toBe(true);
    expect(reversesMatch(decision)).toBe(true);
  });

  it('names the conditions when the trigger fired but a condition fails: a reversal', () => {
    const french = { ...erika(), address: { ...erika().address, country: 'FR' } };
    const decision = decide(hubspotChange(), french);
    expect(decision.clause).toBe('conditions');
    expect(failedTrigger(decision)).toBe(false);
    expect(reversesMatch(decision)).toBe(true);
  });

  it('has no clause when matched', () => {
    const decision = decide();
    expect(decision).toEqual({ campaignId: 'welcome-pack', outcome: 'matched', reason: null });
    expect(reversesMatch(decision)).toBe(false);
  });
});
