/**
 * Pure pseudo-random draws for jitter (mulberry32, a 32-bit generator): the state is a uint32 in
 * the machine's context, each draw returns the next state with it. The same seed gives the same
 * draws, so the chart stays closed: same input and events, same snapshots.
 */

/** One draw and the generator state after it. */
export interface Draw {
  /** A number in [0, 1). */
  readonly draw: number;
  /** The state to draw from next (a uint32). */
  readonly state: number;
}

/** The next draw from generator state `state` (any uint32, e.g. a seed). */
export function nextDraw(state: number): Draw {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(next ^ (next >>> 15), next | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { draw: ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296, state: next };
}

/** Whether `value` can seed the generator: an integer in [0, 2^32 - 1]. */
export function isSeed(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

/** A fresh seed from `Math.random` (the one place it is read). */
export function freshSeed(): number {
  return Math.floor(Math.random() * 4_294_967_296) >>> 0;
}
