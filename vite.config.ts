/**
 * Two builds from one config:
 *  - `vite build` (default): the library, src/index.ts (browser-safe), src/node.ts (Node-only) and the
 *    CLI into dist/ as ES modules; `tsc -p tsconfig.build.json` then adds the .d.ts files.
 *  - `vite build --mode demo`: demo/index.html and its script into dist/demo/, served by `meshcast signal`.
 * Dependencies stay external so the consumer's bundler resolves them (simple-peer's browser bundle
 * included).
 */
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const deps = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys((pkg as { optionalDependencies?: Record<string, string> }).optionalDependencies ?? {}),
];
const isExternal = (id: string): boolean =>
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  deps.some((d) => id === d || id.startsWith(`${d}/`));

export default defineConfig(({ mode }) => {
  if (mode === 'demo') {
    return {
      root: resolve(import.meta.dirname, 'demo'),
      base: './',
      build: { outDir: resolve(import.meta.dirname, 'dist/demo'), emptyOutDir: true },
    };
  }
  return {
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2022',
      sourcemap: true,
      minify: false,
      lib: {
        entry: {
          index: resolve(import.meta.dirname, 'src/index.ts'),
          node: resolve(import.meta.dirname, 'src/node.ts'),
          cli: resolve(import.meta.dirname, 'src/cli/index.ts'),
        },
        formats: ['es'],
      },
      rollupOptions: { external: isExternal },
    },
    test: {
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  };
});
