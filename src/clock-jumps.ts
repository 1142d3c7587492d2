/**
 * Noticing a sleep: a device that sleeps stops the clock timers run on, not the wall clock, so a
 * timer that fires much later than its wall-clock due time says the device slept (or the page was
 * frozen), and whatever the connection believed about its socket is suspect.
 */
import type { TimerClock } from './let-go.js';

/** The timers the actor runs on when no `clock` is given: the platform's. */
export const PLATFORM_TIMERS: TimerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** Who hears that a timer fired late: the handle (a method, so no closure per connection). */
export interface JumpListener {
  clockJumped(lateMs: number): void;
}

/**
 * The actor's clock, watched: each timer still fires through `timers`; one that fires more than
 * `thresholdMs` after its due time on the wall clock (`wall.now()`) is reported to `listener`,
 * after it has fired. A wall clock that throws or is not finite reports nothing.
 */
export class JumpWatchingClock implements TimerClock {
  constructor(
    private readonly timers: TimerClock,
    private readonly wall: { now(): number },
    private readonly thresholdMs: number,
    private readonly listener: JumpListener,
  ) {}

  setTimeout(fn: () => void, timeoutMs: number): unknown {
    const due = this.read() + timeoutMs;
    return this.timers.setTimeout(() => {
      fn();
      const lateMs = this.read() - due;
      if (lateMs > this.thresholdMs) this.listener.clockJumped(lateMs);
    }, timeoutMs);
  }

  clearTimeout(id: unknown): void {
    this.timers.clearTimeout(id);
  }

  private read(): number {
    return readClock(this.wall);
  }
}

/** `clock.now()` where it answers with a finite number, else NaN (it threw, or is NaN or infinite). */
export function readClock(clock: { now(): number }): number {
  try {
    const now = clock.now();
    return Number.isFinite(now) ? now : NaN;
  } catch {
    return NaN;
  }
}
