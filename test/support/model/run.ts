/**
 * The model-based property: a configuration and a command sequence, run against a fresh system.
 * Shared by the proofs and by the tests that show each broken machine (or handle) is caught.
 */
import fc from 'fast-check';
import { connectionCommands, MicrotasksCommand, systemConfigArbitrary } from './commands.js';
import { checkNothingLost, createModel, type ConnectionModel, type InvariantId } from './connection.model.js';
import { createSystem, shippedHandle, type HandleUnderTest, type MachineUnderTest, type System, type SystemConfig } from './system.js';

/** Sequences per property: 1,000 in CI, `FC_NUM_RUNS` for a soak run. */
export const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1_000);

/** Checks `invariants` after every command and time step, driving `machine` directly (synchronous). */
export function modelProperty(invariants: InvariantId[], machine: MachineUnderTest, fixed: Partial<SystemConfig> = {}) {
  return fc.property(systemConfigArbitrary, fc.commands(connectionCommands(), { size: '+1' }), (config, cmds) => {
    const sys = createSystem({ ...config, ...fixed }, machine);
    fc.modelRun(() => ({ model: createModel(invariants), real: sys }), cmds);
  });
}

/**
 * The same through a `createConnection` handle (send queue, listeners, `autoConnect` in some
 * runs). Commands run back to back in one tick; only "microtasks run" lets microtasks run, so a
 * sequence can call close() in the tick the connection was created. After the last command,
 * microtasks run once more, stop() is called if it was not, and every message is accounted for.
 */
export function handleModelProperty(invariants: InvariantId[], handle: HandleUnderTest = shippedHandle, fixed: Partial<SystemConfig> = {}) {
  const commands = fc.commands(connectionCommands({ send: true, handle: true }), { size: '+1' });
  return fc.asyncProperty(systemConfigArbitrary, commands, async (config, cmds) => {
    const full = { ...config, ...fixed };
    const sys = createSystem(full, undefined, handle);
    const model = createModel(invariants);
    model.firstTick = full.autoConnect ? { called: false } : null;
    await runInTicks(model, sys, cmds);
    await new MicrotasksCommand().run(model, sys);
    if (!model.stopped) sys.stop();
    checkNothingLost(model, sys, true);
  });
}

/** Like `fc.asyncModelRun`, without a microtask between synchronous commands. */
async function runInTicks(model: ConnectionModel, sys: System, cmds: Iterable<fc.Command<ConnectionModel, System>>) {
  for (const cmd of cmds) {
    if (!cmd.check(model)) continue;
    const pending = cmd.run(model, sys) as unknown;
    if (pending instanceof Promise) await pending;
  }
}

/** Runs the property and returns fast-check's report (counterexample shrunk) instead of throwing. */
export function checkModel(invariants: InvariantId[], machine: MachineUnderTest, params: { numRuns?: number; seed?: number } = {}) {
  return fc.check(modelProperty(invariants, machine), { numRuns: NUM_RUNS, ...params });
}

/** `checkModel` for a handle. */
export function checkHandleModel(invariants: InvariantId[], handle: HandleUnderTest, params: { numRuns?: number; seed?: number } = {}) {
  return fc.check(handleModelProperty(invariants, handle), { numRuns: NUM_RUNS, ...params });
}
