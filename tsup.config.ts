import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per public path (package.json `exports`): the core, and the spec/docs tables.
  entry: ['src/index.ts', 'src/spec.ts', 'src/shared.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['xstate'],
});
