import type { SimulatedClock } from 'xstate';

interface PendingTimeout {
  start: number;
  timeout: number;
}

/** The due times of the clock's armed timers (SimulatedClock keeps them in `timeouts`). */
export function armedTimers(clock: SimulatedClock): number[] {
  const timeouts = (clock as unknown as { timeouts: Map<number, PendingTimeout> }).timeouts;
  return [...timeouts.values()].map((t) => t.start + t.timeout);
}

/**
 * Advances virtual time by `ms`, firing every timer at its own due time, including timers armed
 * while advancing (`SimulatedClock.increment(big)` would start those at the end of the jump).
 * `onStep` runs after every step, so a caller can check invariants at every instant something
 * can happen.
 */
export function advance(clock: SimulatedClock, ms: number, onStep: () => void = () => {}, maxSteps = 100_000): void {
  const target = clock.now() + ms;
  for (let step = 0; step < maxSteps; step++) {
    const due = armedTimers(clock).filter((t) => t <= target);
    if (due.length === 0) {
      clock.set(target);
      onStep();
      return;
    }
    clock.set(Math.max(clock.now(), Math.min(...due)));
    onStep();
  }
  throw new Error(`advance(${ms}) did not settle within ${maxSteps} timer firings`);
}
