import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs, backoffFloorMs, type BackoffSettings } from '../src/backoff.js';
import { DEFAULTS } from '../src/options.types.js';

const defaults: BackoffSettings = DEFAULTS.backoff;

const settingsArb = fc
  .record({
    initialDelayMs: fc.integer({ min: 0, max: 60_000 }),
    extra: fc.integer({ min: 0, max: 600_000 }),
    factor: fc.double({ min: 1, max: 10, noNaN: true }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ initialDelayMs, extra, factor, jitter }) => ({ initialDelayMs, maxDelayMs: initialDelayMs + extra, factor, jitter }));

describe('backoff', () => {
  it('grows the ceiling by factor from initialDelayMs and caps it at maxDelayMs', () => {
    const s = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffCeilingMs(n, s))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('without jitter returns the ceiling exactly', () => {
    const s = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 };
    expect(backoffDelayMs(3, s, 0)).toBe(400);
    expect(backoffDelayMs(3, s, 0.99)).toBe(400);
  });

  it('with full jitter spans [0, ceiling] also at the cap (does not collapse onto the cap)', () => {
    const s = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 1 };
    expect(backoffDelayMs(50, s, 0)).toBe(0);
    expect(backoffDelayMs(50, s, 0.5)).toBe(500);
    expect(backoffDelayMs(50, s, 0.999_999)).toBe(1000);
  });

  it('gives attempt 50 of the defaults a finite integer delay within [0, 30000]', () => {
    for (const draw of [0, 0.25, 0.5, 0.999]) {
      const d = backoffDelayMs(50, defaults, draw);
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(30_000);
    }
  });

  it('clamps a misbehaving random draw instead of propagating NaN or out-of-range values', () => {
    const s = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 1 };
    expect(backoffDelayMs(2, s, Number.NaN)).toBe(100);
    expect(backoffDelayMs(2, s, -5)).toBe(0);
    expect(backoffDelayMs(2, s, 7)).toBe(200);
  });

  // Edges of the arithmetic, each row exact: [attempt, settings, draw, delay].
  const jittered = { initialDelayMs: 1000, maxDelayMs: 8000, factor: 2, jitter: 0.5 };
  it.each([
    ['factor 1 keeps the ceiling at initialDelayMs', 7, { initialDelayMs: 300, maxDelayMs: 1000, factor: 1, jitter: 0 }, 0.5, 300],
    ['factor 1 with initialDelayMs = maxDelayMs', 3, { initialDelayMs: 500, maxDelayMs: 500, factor: 1, jitter: 0 }, 0.5, 500],
    ['initialDelayMs 0 is always 0', 9, { initialDelayMs: 0, maxDelayMs: 1000, factor: 2, jitter: 0 }, 0.999, 0],
    ['a huge attempt sits at the cap', 1_000_000, { initialDelayMs: 100, maxDelayMs: 1000, factor: 10, jitter: 0 }, 0.5, 1000],
    ['MAX_SAFE_INTEGER attempts sit at the cap', Number.MAX_SAFE_INTEGER, { initialDelayMs: 1, maxDelayMs: 7, factor: 1.000_001, jitter: 0 }, 0, 7],
    ['attempt 0 and below count as attempt 1', 0, { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 }, 0.5, 100],
    ['a fractional attempt is floored', 2.9, { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 }, 0.5, 200],
    ['a non-integer ceiling is rounded down below .5', 2, { initialDelayMs: 101, maxDelayMs: 1000, factor: 1.25, jitter: 0 }, 0.5, 126],
    ['a non-integer ceiling is rounded up from .5', 2, { initialDelayMs: 101, maxDelayMs: 1000, factor: 1.5, jitter: 0 }, 0.5, 152],
    ['half jitter: draw 0 gives the floor', 1, jittered, 0, 500],
    ['half jitter: draw 0.5 is mid-window', 1, jittered, 0.5, 750],
    ['half jitter: draw just below 1 gives the ceiling', 1, jittered, 0.999_999_9, 1000],
    ['half jitter at attempt 3: draw 0.25', 3, jittered, 0.25, 2500],
    ['draw exactly 1 is clamped to the ceiling', 3, jittered, 1, 4000],
    ['draw above 1 is clamped to the ceiling', 3, jittered, 1.5, 4000],
    ['a negative draw is clamped to the floor', 3, jittered, -0.1, 2000],
    ['a NaN draw takes the middle', 3, jittered, Number.NaN, 3000],
    ['an infinite draw takes the middle', 3, jittered, Number.POSITIVE_INFINITY, 3000],
  ] as const)('%s', (_name, attempt, s, draw, expected) => {
    expect(backoffDelayMs(attempt, s, draw)).toBe(expected);
  });

  it('floors the window at ceiling × (1 − jitter), rounded up', () => {
    expect(backoffFloorMs(1, { initialDelayMs: 1001, maxDelayMs: 8000, factor: 2, jitter: 0.5 })).toBe(501);
    expect(backoffFloorMs(4, jittered)).toBe(4000);
    expect(backoffFloorMs(4, { ...jittered, jitter: 0 })).toBe(8000);
  });

  it('property: every delay is a finite integer within [floor, ceiling] ⊆ [0, maxDelayMs] for every attempt', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (s, attempt, draw) => {
        const d = backoffDelayMs(attempt, s, draw);
        const floor = backoffFloorMs(attempt, s);
        const ceiling = backoffCeilingMs(attempt, s);
        return Number.isSafeInteger(d) && floor <= d && d <= ceiling && ceiling <= s.maxDelayMs && floor >= 0;
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the ceiling never decreases from one attempt to the next', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer({ min: 1, max: 100_000 }), (s, attempt) => backoffCeilingMs(attempt, s) <= backoffCeilingMs(attempt + 1, s)),
      { numRuns: 2000 },
    );
  });

  it('property: jitter stays spread — the lowest and highest draws differ by about jitter × ceiling, at any attempt', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer({ min: 1, max: 100_000 }), (s, attempt) => {
        const spread = backoffDelayMs(attempt, s, 0.999_999_9) - backoffDelayMs(attempt, s, 0);
        return Math.abs(spread - s.jitter * backoffCeilingMs(attempt, s)) <= 2;
      }),
      { numRuns: 2000 },
    );
  });
});
