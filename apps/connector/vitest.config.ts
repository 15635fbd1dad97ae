import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default mergeConfig(
  defineConfig(sharedTestConfig(import.meta.dirname)),
  defineConfig({ test: { globalSetup: ['./test/support/global-setup.ts'] } }),
);
