import { defineConfig } from 'vitest/config';

/**
 * Two projects: `node` (everything but the browser suite, with `ws` as the client) and
 * `node-websocket` (the fault scenarios with Node's built-in WebSocket, which Node 20 hides
 * behind a flag). The browser suite needs the build: `npm run test:browser` runs it.
 */
export default defineConfig({
  // `xstate-websocket` resolves to src/ through tsconfig `paths`, as under tsx, so examples
  // that import the package by name can be tested without a build.
  resolve: { tsconfigPaths: true },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/**/*.node-websocket.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'node-websocket',
          include: ['test/**/*.node-websocket.test.ts'],
          execArgv: ['--experimental-websocket', '--disable-warning=ExperimentalWarning'],
        },
      },
    ],
  },
});
