import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the connector at /console/; every asset is a file of its own (no inline
// script or style), so the connector's strict Content-Security-Policy holds.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false },
});
