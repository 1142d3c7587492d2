import { defineConfig } from 'vitest/config';

/** Browser tests: the built package (and the demo page) in headless Chromium (`npm run test:browser`, builds first). */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.test.ts', 'examples/demo/test/**/*.browser.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
