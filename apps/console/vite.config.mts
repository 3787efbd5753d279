import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The coordinators' console, built into dist/console and served under /console/ by the query process.
 * No React plugin: esbuild compiles the JSX. Everything it needs (the world map included) is bundled.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', legalComments: 'none' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
