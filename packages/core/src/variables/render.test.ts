import { describe, expect, it } from 'vitest';
import { erika, hubspotChange } from '../../test/support/factories.js';
import { parseTemplate } from './engine.js';
import { renderVariables } from './render.js';
import { variableScope } from './scope.js';

describe('renderVariables', () => {
  it('renders liquid templates against the scope', () => {
    expect(
      renderVariables(
        {
          firstName: '{{ contact.firstname }}',
          greeting: 'Liebe {{ contact.firstname | upcase }}, danke von {{ company.name }}!',
        },
        { contact: { firstname: 'Erika' }, company: { name: 'ACME GmbH' } },
      ),
    ).toEqual({ ok: true, value: { firstName: 'Erika', greeting: 'Liebe ERIKA, danke von ACME GmbH!' } });
  });

  it.each([
    ['missing', { contact: {} }],
    ['null', { contact: { firstname: null } }],
    ['empty', { contact: { firstname: '' } }],
    ['blank', { contact: { firstname: '  ' } }],
  ])('a %s variable is a skip reason, never an empty string', (_, scope) => {
    expect(renderVariables({ firstName: 'Hallo {{ contact.firstname }}' }, scope)).toEqual({
      ok: false,
      reason: 'missing_variable:contact.firstname',
    });
  });

  it('names the missing object when the whole record is absent', () => {
    expect(renderVariables({ firstName: '{{ contact.firstname }}' }, {})).toEqual({
      ok: false,
      reason: 'missing_variable:contact',
    });
  });

  it('ignores inherited properties', () => {
    expect(renderVariables({ x: '{{ contact.constructor }}' }, { contact: {} })).toEqual({
      ok: false,
      reason: 'missing_variable:contact.constructor',
    });
  });

  it('catches what static analysis cannot see, through strict mode', () => {
    expect(renderVariables({ x: '{{ contact[field] }}' }, { contact: { a: 'b' }, field: 'missing' })).toEqual(
      {
        ok: false,
        reason: expect.stringMatching(/^missing_variable:contact/),
      },
    );
  });

  it('rejects unknown filters and broken templates as invalid_template', () => {
    expect(
      renderVariables({ x: '{{ contact.firstname | shout }}' }, { contact: { firstname: 'E' } }),
    ).toEqual({
      ok: false,
      reason: 'invalid_template:x',
    });
    expect(renderVariables({ y: '{{ contact.firstname' }, {})).toEqual({
      ok: false,
      reason: 'invalid_template:y',
    });
  });

  it('cannot read files through include', () => {
    expect(renderVariables({ x: "{% include 'package.json' %}" }, {})).toEqual({
      ok: false,
      reason: 'invalid_template:x',
    });
  });

  it('allows built-in size of lists', () => {
    expect(renderVariables({ n: '{{ tags.size }}' }, { tags: ['a', 'b'] })).toEqual({
      ok: true,
      value: { n: '2' },
    });
  });

  it('caches parsed templates', () => {
    expect(parseTemplate('{{ contact.lastname }}')).toBe(parseTemplate('{{ contact.lastname }}'));
  });
});

describe('variableScope', () => {
  it('overlays the event changes on its record and exposes recipient, address and event', () => {
    const event = hubspotChange({ changes: { lifecyclestage: { value: 'customer' } } });
    const scope = variableScope(event, {
      records: { contact: { firstname: 'Erika', lifecyclestage: 'lead' }, company: { name: 'ACME GmbH' } },
      recipient: erika(),
    });
    expect(
      renderVariables(
        {
          line: '{{ contact.firstname }} ({{ contact.lifecyclestage }}) {{ company.name }} {{ address.city }} {{ recipient.lastName }} {{ event.objectId }}',
        },
        scope,
      ),
    ).toEqual({ ok: true, value: { line: 'Erika (customer) ACME GmbH Köln Mustermann 1246965' } });
  });
});
