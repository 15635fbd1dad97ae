#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { buildProgram } from './cli/program.js';
import { applyHeapDefaults } from './heap.js';

// A .env in the working directory sets DATABASE_URL, HOOKPOST_URL, … for every command
// (variables already set win). https://nodejs.org/api/process.html#processloadenvfilepath
if (existsSync('.env')) process.loadEnvFile('.env');
// Before a command loads its modules, while the young generation has its initial size.
applyHeapDefaults();

await buildProgram().parseAsync();
