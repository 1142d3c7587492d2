// @ts-check
/**
 * Stryker (mutation testing), one source file per run: `npm run test:mutation -- src/backoff.ts`
 * (scripts/mutation.ts sets MUTATION_FILE, MUTATION_TESTS and FC_NUM_RUNS, then runs `stryker run`).
 * Not part of `npm test` or CI: a run takes minutes, not seconds. Reports go to reports/mutation/
 * (git-ignored); each file keeps its own incremental baseline there, so a re-run only tests the
 * mutants whose code or tests changed.
 */
const file = process.env.MUTATION_FILE;
if (!file) throw new Error('stryker.config.mjs: run it through `npm run test:mutation -- <file>`, which sets MUTATION_FILE.');
const name = file.replace(/^src\//, '').replace(/\.ts$/, '');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [file],
  // Each test is traced to the mutants it reaches, so a mutant runs only the tests that reach it.
  // Mutants in module-level code (the chart config) are "static" and run every test listed for the file.
  coverageAnalysis: 'perTest',
  // Two cores, shared: one test-runner process.
  concurrency: 1,
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  ignorePatterns: ['dist', 'coverage', 'test-output', 'reports'],
  // One temp dir per file, so two files can be mutation-tested at once.
  tempDirName: `reports/mutation/.stryker-tmp-${name}`,
  cleanTempDir: 'always',
  timeoutMS: 10_000,
  thresholds: { high: 90, low: 80, break: null },
};
