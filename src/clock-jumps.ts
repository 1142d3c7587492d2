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

/**
 * The actor's clock, watched: each timer still fires through `timers`; one that fires more than
 * `thresholdMs` after its due time on `wallNow` reports how late it was, after it has fired. A
 * `wallNow` that throws or is not finite reports nothing.
 */
export class JumpWatchingClock implements TimerClock {
  constructor(
    private readonly timers: TimerClock,
    private readonly wallNow: () => number,
    private readonly thresholdMs: number,
    private readonly onJump: (lateMs: number) => void,
  ) {}

  setTimeout(fn: () => void, timeoutMs: number): unknown {
    const due = this.read() + timeoutMs;
    return this.timers.setTimeout(() => {
      fn();
      const lateMs = this.read() - due;
      if (lateMs > this.thresholdMs) this.onJump(lateMs);
    }, timeoutMs);
  }

  clearTimeout(id: unknown): void {
    this.timers.clearTimeout(id);
  }

  private read(): number {
    try {
      const now = this.wallNow();
      return Number.isFinite(now) ? now : NaN;
    } catch {
      return NaN;
    }
  }
}
