/**
 * Bookkeeping for the timed faults the demo server can inject. It owns the timers only;
 * what a fault does to sockets is up to the server, through the `onEnd` callbacks.
 */

/** Faults the server can inject, as named by `POST /fault/<name>`. */
export type FaultName = 'kill' | 'restart' | 'half-open' | 'reject' | 'offline' | 'heal';

/** Faults that last: `outage` is what `restart` and `offline` start. */
export type TimedFault = 'outage' | 'half-open' | 'reject';

/** One active fault, as reported by `GET /stats`. */
export interface ActiveFault {
  kind: TimedFault;
  /** The fault name that started it, e.g. `offline` for an outage. */
  name: FaultName;
  /** Epoch ms when it ends by itself. */
  until: number;
  remainingMs: number;
}

interface Entry {
  name: FaultName;
  until: number;
  timer: ReturnType<typeof setTimeout>;
  onEnd: () => void;
}

/** Longest fault a caller may ask for, so no request can wedge the server for hours. */
export const MAX_FAULT_MS = 10 * 60 * 1000;

export class FaultTimers {
  private readonly active = new Map<TimedFault, Entry>();

  /** Start (or restart, with a new deadline) a timed fault; `onEnd` runs when it ends by any means. */
  start(kind: TimedFault, name: FaultName, durationMs: number, onEnd: () => void): void {
    const previous = this.active.get(kind);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => this.end(kind), durationMs);
    this.active.set(kind, { name, until: Date.now() + durationMs, timer, onEnd });
  }

  /** End a fault now; returns whether it was active. */
  end(kind: TimedFault): boolean {
    const entry = this.active.get(kind);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.active.delete(kind);
    entry.onEnd();
    return true;
  }

  /** End every active fault. */
  endAll(): void {
    for (const kind of [...this.active.keys()]) this.end(kind);
  }

  /** Drop every timer without running `onEnd` (server shutdown). */
  dispose(): void {
    for (const entry of this.active.values()) clearTimeout(entry.timer);
    this.active.clear();
  }

  isActive(kind: TimedFault): boolean {
    return this.active.has(kind);
  }

  snapshot(): ActiveFault[] {
    const now = Date.now();
    return [...this.active].map(([kind, e]) => ({
      kind,
      name: e.name,
      until: e.until,
      remainingMs: Math.max(0, e.until - now),
    }));
  }
}
