import { liquid, type ParsedTemplate, parseTemplate } from './engine.js';

// Liquid's built-in properties of lists and strings (`tags.size`), not keys of the scope.
const BUILT_IN_PROPERTIES = new Set(['size', 'first', 'last']);

/** Outcome of rendering a campaign's variables: the texts, or a skip reason. */
export type RenderResult =
  | { ok: true; value: Record<string, string> }
  | { ok: false; reason: `missing_variable:${string}` | `invalid_template:${string}` };

/**
 * Renders `{{ contact.firstname }}`-style templates (liquidjs, strict variables and
 * filters). A variable that is missing, null or blank is a skip reason
 * (`missing_variable:contact.firstname`), never an empty string printed on a card.
 * Parsed templates are cached.
 *
 * @example
 * renderVariables({ firstName: '{{ contact.firstname }}' }, { contact: { firstname: 'Erika' } });
 * // { ok: true, value: { firstName: 'Erika' } }
 * renderVariables({ firstName: '{{ contact.firstname }}' }, { contact: { firstname: '' } });
 * // { ok: false, reason: 'missing_variable:contact.firstname' }
 */
export function renderVariables(templates: Readonly<Record<string, string>>, scope: object): RenderResult {
  const value: Record<string, string> = {};
  for (const [name, source] of Object.entries(templates)) {
    let parsed: ParsedTemplate;
    try {
      parsed = parseTemplate(source);
    } catch {
      return { ok: false, reason: `invalid_template:${name}` };
    }
    const missing = firstBlankVariable(parsed, scope);
    if (missing !== null) return { ok: false, reason: `missing_variable:${missing}` };
    try {
      value[name] = liquid.renderSync(parsed.templates, scope);
    } catch (error) {
      // Strict mode catches what static analysis cannot see (e.g. `contact[key]`).
      const match = /undefined variable: ([^,]+)/.exec(error instanceof Error ? error.message : '');
      if (match?.[1]) return { ok: false, reason: `missing_variable:${match[1]}` };
      return { ok: false, reason: `invalid_template:${name}` };
    }
  }
  return { ok: true, value };
}

/** The first variable the template reads whose value is missing, null or blank text. */
function firstBlankVariable(parsed: ParsedTemplate, scope: object): string | null {
  for (const segments of parsed.variables) {
    let current: unknown = scope;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (
        i > 0 &&
        BUILT_IN_PROPERTIES.has(segment) &&
        (Array.isArray(current) || typeof current === 'string')
      )
        break;
      current =
        typeof current === 'object' && current !== null && Object.hasOwn(current, segment)
          ? (current as Record<string | number, unknown>)[segment]
          : undefined;
      if (isBlank(current)) return segments.slice(0, i + 1).join('.');
    }
  }
  return null;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
