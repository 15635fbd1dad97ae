#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { buildProgram } from './cli/program.js';

// A .env in the working directory sets DATABASE_URL, HOOKPOST_URL, … for every command
// (variables already set win). https://nodejs.org/api/process.html#processloadenvfilepath
if (existsSync('.env')) process.loadEnvFile('.env');

await buildProgram().parseAsync();
