import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs, backoffFloorMs, type BackoffSettings } from '../src/backoff.js';
import { DEFAULTS } from '../src/options.js';

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
