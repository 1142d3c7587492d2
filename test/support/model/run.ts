/**
 * The model-based property: a configuration and a command sequence, run against a fresh system.
 * Shared by the proofs and by the tests that show each broken machine is caught.
 */
import fc from 'fast-check';
import { connectionCommands, systemConfigArbitrary } from './commands.js';
import { checkInvariants, checkNothingLost, createModel, type InvariantId } from './connection.model.js';
import { advance } from '../virtual-time.js';
import { createSystem, type MachineUnderTest, type SystemConfig } from './system.js';

/** Sequences per property: 1,000 in CI, `FC_NUM_RUNS` for a soak run. */
export const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1_000);

/**
 * Checks `invariants` after every command and time step. With `machine`, that machine is driven
 * directly; with `'handle'`, the real `createConnection` handle (send queue included) is used.
 */
export function modelProperty(invariants: InvariantId[], machine: MachineUnderTest | 'handle', fixed: Partial<SystemConfig> = {}) {
  const handle = machine === 'handle';
  return fc.property(systemConfigArbitrary, fc.commands(connectionCommands({ send: handle }), { size: '+1' }), (config, cmds) => {
    const sys = createSystem({ ...config, ...fixed }, handle ? undefined : machine);
    const model = createModel(invariants);
    fc.modelRun(() => ({ model, real: sys }), cmds);
    // Every run ends with stop() and closeTimeoutMs of time, so stop() is seen in every state.
    if (!model.stopped) {
      model.stopped = true;
      model.stoppedAt = sys.clock.now();
      sys.stop();
    }
    sys.phase = 'advance';
    advance(sys.clock, sys.config.closeTimeoutMs, () => checkInvariants(model, sys));
    if (handle) checkNothingLost(model, sys, true);
  });
}

/** Runs the property and returns fast-check's report (counterexample shrunk) instead of throwing. */
export function checkModel(invariants: InvariantId[], machine: MachineUnderTest | 'handle', params: { numRuns?: number; seed?: number } = {}) {
  return fc.check(modelProperty(invariants, machine), { numRuns: NUM_RUNS, ...params });
}
