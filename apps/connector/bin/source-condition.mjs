// Module resolution hook: prefer a package's `source` export (its TypeScript sources).
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: ['source', ...context.conditions] });
}
