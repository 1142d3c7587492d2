import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `xstate-websocket` resolves to src/ through tsconfig `paths`, as under tsx, so examples
  // that import the package by name can be tested without a build.
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts'],
    // The browser suite needs dist/ and Chromium: `npm run test:browser` runs it.
    exclude: ['test/browser/**', '**/node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
