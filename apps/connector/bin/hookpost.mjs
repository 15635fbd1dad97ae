#!/usr/bin/env node
// The `hookpost` command. Runs the built CLI (dist/, from `npm run build`) when present and
// not older than the sources; otherwise (a fresh clone after `npm ci`, or sources edited
// since the last build) it runs the TypeScript sources through tsx, resolving the
// workspace packages to their sources too (the `source` export condition).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const sources = fileURLToPath(new URL('../src', import.meta.url));

/** True when a source file changed after the build (a few ms: ~100 stat calls). */
function staleBuild() {
  if (!existsSync(sources)) return false;
  const builtAt = statSync(built).mtimeMs;
  return readdirSync(sources, { recursive: true }).some(
    (file) => String(file).endsWith('.ts') && statSync(`${sources}/${file}`).mtimeMs > builtAt,
  );
}

if (existsSync(built) && !staleBuild()) {
  await import(pathToFileURL(built).href);
} else {
  if (existsSync(built))
    process.stderr.write(
      'hookpost: sources changed since the last build; running them (npm run build for a fast CLI)\n',
    );
  register(new URL('./source-condition.mjs', import.meta.url));
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  await import(new URL('../src/bin.ts', import.meta.url).href);
}
