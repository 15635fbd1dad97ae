import { Liquid, type Template } from 'liquidjs';

/**
 * One liquid engine for every campaign. Strict: an unknown variable or filter is an error,
 * never an empty string on a printed card. `templates: {}` replaces the file system, so
 * `{% include %}` / `{% render %}` cannot read files (core does no I/O).
 */
export const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  templates: {},
});

const MAX_CACHED_TEMPLATES = 1_000;

/** A parsed template and the variable paths it reads (literal segments only). */
export interface ParsedTemplate {
  templates: Template[];
  variables: string[][];
}

const cache = new Map<string, ParsedTemplate>();

/** Parses a template once; throws liquidjs' ParseError / TokenizationError for bad syntax. */
export function parseTemplate(source: string): ParsedTemplate {
  let parsed = cache.get(source);
  if (parsed === undefined) {
    const templates = liquid.parse(source);
    const variables = liquid.globalVariableSegmentsSync(templates).map((segments) => {
      const literal: string[] = [];
      for (const segment of segments) {
        if (typeof segment !== 'string' && typeof segment !== 'number') break;
        literal.push(String(segment));
      }
      return literal;
    });
    parsed = { templates, variables };
    // Campaign configs hold a handful of templates; the bound only guards against misuse.
    if (cache.size >= MAX_CACHED_TEMPLATES) cache.clear();
    cache.set(source, parsed);
  }
  return parsed;
}

/** The error text of a template that does not parse, or null when it is fine. */
export function templateProblem(source: string): string | null {
  try {
    parseTemplate(source);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
