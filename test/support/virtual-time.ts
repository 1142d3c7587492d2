/** The project's tests on the public kit's clock helpers (src/testing/clock.ts), under their first names. */
import type { SimulatedClock } from 'xstate';
import { advanceClock, pendingTimers } from '../../src/testing/index.js';

/** The due times of the clock's armed timers. */
export const armedTimers = (clock: SimulatedClock): number[] => pendingTimers(clock);

/** Advances virtual time by `ms`, firing every timer at its own due time; `onStep` after every step. */
export function advance(clock: SimulatedClock, ms: number, onStep: () => void = () => {}, maxSteps = 100_000): void {
  advanceClock(clock, ms, { onStep, maxSteps });
}
