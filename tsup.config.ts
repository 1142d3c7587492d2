import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per public path (package.json `exports`): the core, the spec/docs tables, the
  // WebSocket-compatible class, the React hooks (`react` an optional peer, never bundled), the
  // testing kit (the in-memory server and virtual clock for apps' tests) and the shared connection.
  entry: ['src/index.ts', 'src/spec.ts', 'src/websocket.ts', 'src/react.ts', 'src/testing/index.ts', 'src/shared.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['xstate', 'react'],
});
