/**
 * The shared connection's property has teeth: each deliberately broken way to take the lock
 * (test/support/shared-model/broken-shared.ts) fails it, and the shrunk counterexample is printed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BROKEN_SHARED } from './support/shared-model/broken-shared.js';
import { SHARED_INVARIANTS, sharedProperty } from './support/shared-model/shared.model.js';

describe.each(BROKEN_SHARED)('broken shared connection: $name', ({ name, policies, breaks }) => {
  it(`is caught by the model-based check of invariant ${breaks} (${SHARED_INVARIANTS[breaks]})`, async () => {
    const result = await fc.check(sharedProperty(policies), { numRuns: 5_000 });
    expect(result.failed, `${name} passed ${result.numRuns} sequences`).toBe(true);
    const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    console.log(`[${name}] after ${result.numRuns} run(s), shrunk ${result.numShrinks}×:\n  ${fc.stringify(result.counterexample)}\n  ${error}`);
    expect(error).toContain(`Invariant ${breaks} (`);
  });
});
