/**
 * Pure backoff arithmetic: the delay before retry number `attempt`.
 *
 * The ceiling grows exponentially and is capped: `min(maxDelayMs, initialDelayMs * factor^(attempt-1))`.
 * Jitter then draws the delay uniformly from `[ceiling * (1 - jitter), ceiling]`, so with the
 * default `jitter: 1` ("full jitter") clients spread over the whole window, also at the cap:
 * they never collapse onto the cap value and never retry in lockstep.
 */

/** Backoff settings, all validated by `resolveOptions`. */
export interface BackoffSettings {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  readonly jitter: number;
}

/** The largest delay `attempt` can get, before jitter: a finite integer in `[0, maxDelayMs]`. */
export function backoffCeilingMs(attempt: number, settings: BackoffSettings): number {
  const { initialDelayMs, maxDelayMs, factor } = settings;
  if (initialDelayMs === 0) return 0;
  const exponent = Math.max(1, Math.floor(attempt)) - 1;
  // factor ≥ 1 and a finite exponent make the power a number in [1, Infinity], never NaN: a
  // huge attempt overflows to Infinity, which the cap turns into maxDelayMs.
  return Math.min(maxDelayMs, Math.round(initialDelayMs * factor ** exponent));
}

/** The smallest delay `attempt` can get: the ceiling less the jitter window. */
export function backoffFloorMs(attempt: number, settings: BackoffSettings): number {
  return Math.ceil(backoffCeilingMs(attempt, settings) * (1 - settings.jitter));
}

/**
 * The delay before retry number `attempt` (1-based), given a random draw in `[0, 1)`.
 * Always a finite integer within `[backoffFloorMs, backoffCeilingMs]`; a draw outside
 * `[0, 1)` is clamped, never propagated (the generator never gives one; this keeps the arithmetic total).
 */
export function backoffDelayMs(attempt: number, settings: BackoffSettings, draw: number): number {
  const ceiling = backoffCeilingMs(attempt, settings);
  const floor = backoffFloorMs(attempt, settings);
  const r = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0.5;
  return Math.min(ceiling, Math.max(floor, Math.floor(floor + (ceiling - floor + 1) * r)));
}
