import { describe, expect, it, vi } from 'vitest';
import { SilenceMeter } from '../src/silence.js';

/** A started meter (as the adapter starts its own) whose `nowThrew` calls `onNowThrew`. */
function createSilenceMeter(now: (() => number) | undefined, onNowThrew: (error: unknown) => void): SilenceMeter {
  const meter = new (class extends SilenceMeter {
    protected override nowThrew(error: unknown) {
      onNowThrew(error);
    }
  })(now);
  meter.opened();
  return meter;
}

/** A clock the test sets by hand. */
function manualClock(start = 0) {
  let t = start;
  return { now: () => t, set: (ms: number) => void (t = ms) };
}

describe('silence meter', () => {
  it('counts silence from when it started, then from the open, then from the last message heard', () => {
    const clock = manualClock(100);
    const meter = createSilenceMeter(clock.now, () => {});
    clock.set(150);
    expect(meter.silentMs()).toBe(50);
    meter.opened();
    clock.set(400);
    expect(meter.silentMs()).toBe(250);
    meter.heard();
    clock.set(1_000);
    expect(meter.silentMs()).toBe(600);
  });

  it('says a message answered a ping only once per ping, and never without one', () => {
    const meter = createSilenceMeter(manualClock().now, () => {});
    expect(meter.heard()).toBe(false);
    meter.pinged();
    expect(meter.heard()).toBe(true);
    expect(meter.heard()).toBe(false);
  });

  it('keeps a ping waiting across the open: only a message answers it', () => {
    const meter = createSilenceMeter(manualClock().now, () => {});
    meter.pinged();
    meter.opened();
    expect(meter.heard()).toBe(true);
  });

  it('reports a now that throws once and reads performance.now() from then on', () => {
    const onNowThrew = vi.fn();
    const error = new Error('clock broken');
    const now = vi.fn(() => {
      throw error;
    });
    const meter = createSilenceMeter(now, onNowThrew);
    meter.heard();
    const silent = meter.silentMs();
    expect(onNowThrew).toHaveBeenCalledTimes(1);
    expect(onNowThrew).toHaveBeenCalledWith(error);
    expect(now).toHaveBeenCalledTimes(1);
    expect(silent).toBeGreaterThanOrEqual(0);
    expect(silent).toBeLessThan(1_000);
  });

  it('reads performance.now() when given no now, and reports nothing (no now is not a broken now)', () => {
    const onNowThrew = vi.fn();
    const meter = createSilenceMeter(undefined, onNowThrew);
    expect(meter.silentMs()).toBeGreaterThanOrEqual(0);
    expect(meter.silentMs()).toBeLessThan(1_000);
    expect(onNowThrew).not.toHaveBeenCalled();
  });
});
