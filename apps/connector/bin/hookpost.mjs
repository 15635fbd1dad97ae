#!/usr/bin/env node
// The `hookpost` command. Runs the built CLI (dist/) when present; on a fresh clone
// (`npm ci`, no build) it runs the TypeScript sources through tsx, resolving the
// workspace packages to their sources too (the `source` export condition).
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  register(new URL('./source-condition.mjs', import.meta.url));
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  await import(new URL('../src/bin.ts', import.meta.url).href);
}
