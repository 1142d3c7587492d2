/**
 * The handle properties have teeth: each deliberately broken handle (test/support/broken-handles.ts)
 * is caught by the same model-based property that passes on `createConnection`. The shrunk
 * counterexample is printed for each.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BROKEN_HANDLES } from './support/broken-handles.js';
import { invariantName } from './support/invariants.js';
import { handleModelProperty } from './support/model/run.js';

describe.each(BROKEN_HANDLES)('broken handle: $handle.name', ({ handle, breaks, fixed }) => {
  it(`is caught by the model-based check of invariant ${breaks} (${invariantName(breaks)})`, async () => {
    // Stops at the first failing sequence, then shrinks it; the budget only bounds a miss.
    const result = await fc.check(handleModelProperty([breaks], handle, fixed), { numRuns: 20_000 });
    expect(result.failed, `${handle.name} passed ${result.numRuns} sequences`).toBe(true);
    const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    const runs = Object.keys(fixed).length > 0 ? ` (runs with ${JSON.stringify(fixed)} over the drawn config)` : '';
    console.log(`[${handle.name}] after ${result.numRuns} run(s), shrunk ${result.numShrinks}×${runs}:\n  ${fc.stringify(result.counterexample)}\n  ${error}`);
    expect(error).toContain(`Invariant ${breaks} (`);
  });
});
