import { defineConfig } from 'vitest/config';

/**
 * Two projects: `node` (everything but the browser suites, with `ws` as the client, the demo's
 * own tests in examples/demo/test/ included) and `node-websocket` (the fault scenarios with
 * Node's built-in WebSocket, which Node 20 hides behind a flag). The browser suites need the
 * build: `npm run test:browser` runs them (vitest.browser.config.ts).
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
          include: ['test/**/*.test.ts', 'examples/demo/test/**/*.test.ts', 'examples/testing/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', 'test/**/*.node-websocket.test.ts', '**/node_modules/**'],
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
