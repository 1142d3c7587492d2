import { defineConfig } from 'vitest/config';

/**
 * The vitest config Stryker uses (`npm run test:mutation -- <file>`, see scripts/mutation.ts):
 * only the test files in MUTATION_TESTS (comma-separated), one project, a fixed fast-check seed,
 * and test/mutation/module-loads.mutation.ts (a mutant that breaks the import is killed).
 */
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/mutation/module-loads.mutation.ts', ...(process.env.MUTATION_TESTS ?? '').split(',').filter(Boolean)],
    setupFiles: ['test/mutation/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
