/**
 * The proofs have teeth: each deliberately broken machine (test/support/broken-machines.ts) is
 * caught by the same model-based property and the same exhaustive exploration that pass on
 * `connectionMachine`. The shrunk counterexample is printed for each.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BROKEN_MACHINES, HANDSHAKE_BROKEN_MACHINES, MODEL_ONLY_BROKEN_MACHINES, OPEN_CHART_BROKEN_MACHINES } from './support/broken-machines.js';
import { checkStatechart, explore, explorationSettings } from './support/graph-exploration.js';
import { invariantName, type InvariantId } from './support/invariants.js';
import type { MachineUnderTest, SystemConfig } from './support/model/system.js';
import { modelProperty } from './support/model/run.js';

function expectCaughtByModel(machine: MachineUnderTest, breaks: InvariantId, fixed: Partial<SystemConfig> = {}) {
  // Stops at the first failing sequence, then shrinks it; the budget only bounds a miss.
  const result = fc.check(modelProperty([breaks], machine, fixed), { numRuns: 20_000 });
  expect(result.failed, `${machine.name} passed ${result.numRuns} sequences`).toBe(true);
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  console.log(`[${machine.name}] after ${result.numRuns} run(s), shrunk ${result.numShrinks}×:\n  ${fc.stringify(result.counterexample)}\n  ${error}`);
  expect(error).toContain(`Invariant ${breaks} (`);
}

describe.each(MODEL_ONLY_BROKEN_MACHINES)('broken machine (model only): $machine.name', ({ machine, breaks }) => {
  it(`is caught by the model-based check of invariant ${breaks} (${invariantName(breaks)})`, () => {
    expectCaughtByModel(machine, breaks);
  });

  it(`passes the exhaustive exploration, which cannot express app callbacks (invariant ${breaks} is model-only)`, () => {
    const violations = checkStatechart(explore(machine, explorationSettings({ maxRetries: 2, heartbeat: true })));
    expect(violations).toEqual([]);
  });
});

describe.each(OPEN_CHART_BROKEN_MACHINES)('broken machine (open chart): $machine.name', ({ machine, breaks }) => {
  it(`is caught by the model-based check of invariant ${breaks} (${invariantName(breaks)}): a retry delay the seed does not give`, () => {
    expectCaughtByModel(machine, breaks);
  });
});

describe.each(BROKEN_MACHINES)('broken machine: $machine.name', ({ machine, breaks }) => {
  it(`is caught by the model-based check of invariant ${breaks} (${invariantName(breaks)})`, () => {
    expectCaughtByModel(machine, breaks);
  });

  it(`is caught by the exhaustive exploration (invariant ${breaks})`, () => {
    const violations = checkStatechart(explore(machine, explorationSettings({ maxRetries: 2, heartbeat: true })));
    const caught = violations.filter((v) => v.invariant === breaks);
    expect(caught.length, `${machine.name} passed the exploration`).toBeGreaterThan(0);
    const first = caught[0]!;
    console.log(`[${machine.name}] exploration: ${first.message}\n  after ${first.path.join(' → ')}`);
  });
});

/**
 * Model runs with a handshake whose timeout outlasts stableUptimeMs (fixed at 0 here, so a failing
 * sequence is short and shrinks fast; the proofs themselves draw both).
 */
const HANDSHAKE_RUNS: Partial<SystemConfig> = { handshake: { timeoutMs: 1_500 }, stableUptimeMs: 0 };

describe.each(HANDSHAKE_BROKEN_MACHINES)('broken handshake: $machine.name', ({ machine, breaks }) => {
  it(`is caught by the model-based check of invariant ${breaks} (${invariantName(breaks)}) with a handshake`, () => {
    expectCaughtByModel(machine, breaks, HANDSHAKE_RUNS);
  });

  it(`is caught by the exhaustive exploration with a handshake (invariant ${breaks})`, () => {
    const violations = checkStatechart(explore(machine, explorationSettings({ maxRetries: 2, heartbeat: true, handshake: true })));
    const caught = violations.filter((v) => v.invariant === breaks);
    expect(caught.length, `${machine.name} passed the exploration`).toBeGreaterThan(0);
    const first = caught[0]!;
    console.log(`[${machine.name}] exploration: ${first.message}\n  after ${first.path.join(' → ')}`);
  });
});
