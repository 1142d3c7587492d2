import { SimulatedClock } from 'xstate';

/** Options of {@link advanceClock} and {@link TestClock.advance}. */
export interface AdvanceOptions {
  /**
   * Called after every step: once per instant at which timers fired, and once at the end, so a
   * test can check an invariant at every instant something can happen.
   * @default nothing
   */
  onStep?: () => void;
  /**
   * The most timer firings one advance may take before it throws (a timer that re-arms itself at
   * 0 ms would otherwise never let time move).
   * @default 100000
   */
  maxSteps?: number;
}

interface PendingTimeout {
  start: number;
  timeout: number;
}

/** The due times of the clock's armed timers, in ms on the clock's scale, in no particular order. */
export function pendingTimers(clock: SimulatedClock): number[] {
  const timeouts = (clock as unknown as { timeouts?: Map<number, PendingTimeout> }).timeouts;
  if (!(timeouts instanceof Map)) {
    throw new TypeError('pendingTimers: the clock keeps no `timeouts` map; pass an xstate SimulatedClock or a TestClock');
  }
  return [...timeouts.values()].map((t) => t.start + t.timeout);
}

/**
 * Advances an xstate `SimulatedClock` (or a {@link TestClock}) by `ms`, firing every timer at its
 * own due time, in due order, including timers armed while advancing: a retry armed when a
 * connect timeout fires at 10 s runs at its own time within the jump.
 * (`SimulatedClock.increment(ms)` alone would start such a timer at the end of the jump.)
 * @throws RangeError if `ms` is not a finite number ≥ 0
 */
export function advanceClock(clock: SimulatedClock, ms: number, options: AdvanceOptions = {}): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`advance: ms must be a finite number of milliseconds ≥ 0, got ${String(ms)}`);
  }
  const { onStep = () => {}, maxSteps = 100_000 } = options;
  const target = clock.now() + ms;
  for (let step = 0; step < maxSteps; step++) {
    const due = pendingTimers(clock).filter((t) => t <= target);
    if (due.length === 0) {
      clock.set(target);
      onStep();
      return;
    }
    clock.set(Math.max(clock.now(), Math.min(...due)));
    onStep();
  }
  throw new Error(`advance(${ms}) did not settle within ${maxSteps} timer firings: does a timer re-arm itself at 0 ms?`);
}

/**
 * A virtual clock: xstate's `SimulatedClock` (pass it as the `clock` option of `createConnection`,
 * or to `createActor`), with {@link advance} that fires timers armed during the jump at their own
 * due times. Time starts at 0 and moves only when the test says so; `now()` is what the heartbeat
 * reads.
 *
 * @example
 * const clock = new TestClock();
 * const conn = createConnection({ url, WebSocket: server.WebSocket, clock });
 * clock.advance(5_000); // every timer due within 5 s fires, at its own time
 */
export class TestClock extends SimulatedClock {
  /** Moves time forward by `ms` (see {@link advanceClock}). */
  advance(ms: number, options?: AdvanceOptions): void {
    advanceClock(this, ms, options);
  }

  /** The due times of the armed timers, in ms since the clock's 0, earliest first. */
  pendingTimers(): number[] {
    return pendingTimers(this).sort((a, b) => a - b);
  }
}
