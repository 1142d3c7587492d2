/**
 * The model-based property: a configuration and a command sequence, run against a fresh system.
 * Shared by the proofs and by the tests that show each broken machine (or handle) is caught.
 */
import fc from 'fast-check';
import { advanceBy, connectionCommands, microtasks, stop } from './commands.js';
import type { InvariantId } from '../invariants.js';
import { checkNothingLost, createModel, type ConnectionModel } from './connection.model.js';
import { createSystem, shippedHandle, systemConfigArbitrary, type HandleUnderTest, type MachineUnderTest, type System } from './system.js';
import type { SystemConfig } from './system.js';

/** Sequences per property: 1,000 in CI, `FC_NUM_RUNS` for a soak run. */
export const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1_000);

/** Checks `invariants` after every command and time step, driving `machine` directly (synchronous). */
export function modelProperty(invariants: InvariantId[], machine: MachineUnderTest, fixed: Partial<SystemConfig> = {}) {
  return fc.property(systemConfigArbitrary, fc.commands(connectionCommands(), { size: '+1' }), (config, cmds) => {
    const sys = createSystem({ ...config, ...fixed }, machine);
    const model = createModel(invariants);
    fc.modelRun(() => ({ model, real: sys }), cmds);
    endRun(model, sys);
  });
}

/**
 * The same through a `createConnection` handle (send queue, listeners, `autoConnect` in some
 * runs). Commands run back to back in one tick; only "microtasks run" lets microtasks run, so a
 * sequence can call close() in the tick the connection was created. After the last command,
 * microtasks run once more, the run ends as every run does (`endRun`), and every message is accounted for.
 */
export function handleModelProperty(invariants: InvariantId[], handle: HandleUnderTest = shippedHandle, fixed: Partial<SystemConfig> = {}) {
  const commands = fc.commands(connectionCommands({ handle: true }), { size: '+1' });
  return fc.asyncProperty(systemConfigArbitrary, commands, async (config, cmds) => {
    const full = { ...config, ...fixed };
    const sys = createSystem(full, undefined, handle);
    const model = createModel(invariants);
    model.firstTick = full.autoConnect ? { called: false } : null;
    await runInTicks(model, sys, cmds);
    await microtasks.run(model, sys);
    endRun(model, sys);
    checkNothingLost(model, sys, true);
  });
}

/**
 * Every run ends with stop() (as a command, so its last events are checked) and closeTimeoutMs of
 * virtual time, checked at every timer: stop() is seen in every state, and what it leaves behind.
 */
function endRun(model: ConnectionModel, sys: System): void {
  if (!model.stopped) stop.run(model, sys);
  advanceBy(sys.config.closeTimeoutMs).run(model, sys);
}

/** Like `fc.asyncModelRun`, without a microtask between synchronous commands. */
async function runInTicks(model: ConnectionModel, sys: System, cmds: Iterable<fc.Command<ConnectionModel, System>>) {
  for (const cmd of cmds) {
    if (!cmd.check(model)) continue;
    const pending = cmd.run(model, sys) as unknown;
    if (pending instanceof Promise) await pending;
  }
}
