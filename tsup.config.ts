import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per public path (package.json `exports`): the core, and the spec/docs tables.
  entry: [
    'src/index.ts',
    'src/spec.ts',
    'src/testing/index.ts', // xstate-websocket/testing: the in-memory server and virtual clock for apps' tests
  ],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['xstate'],
});
