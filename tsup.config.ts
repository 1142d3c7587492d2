import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per public path (package.json `exports`): the core, the spec/docs tables, the
  // WebSocket-compatible class and the React hooks (`react` an optional peer, never bundled).
  entry: ['src/index.ts', 'src/spec.ts', 'src/websocket.ts', 'src/react.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['xstate', 'react'],
});
