/**
 * Mutation runs only (vitest.mutation.config.ts): the file under mutation loads. A mutant that
 * makes a module throw while it is imported (e.g. a chart whose transition target no longer
 * resolves) fails every test file at import, and the Stryker vitest runner counts a file that
 * never collected a test as "no test failed", so it reported such mutants as survived. Here the
 * import happens inside a test, where the error fails a test.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const file = process.env.MUTATION_FILE ?? '';

it(`${file} loads`, async () => {
  const module: Record<string, unknown> = await import(pathToFileURL(resolve(file)).href);
  expect(Object.keys(module).length).toBeGreaterThan(0);
});
