/**
 * The testing kit's virtual clock (src/testing/clock.ts): `advance(ms)` fires every timer at its
 * own due time, timers armed during the jump included; it drives a TestClock or any xstate
 * SimulatedClock, and a connection given either as `clock`.
 */
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createConnection } from '../src/index.js';
import { advanceClock, createTestServer, pendingTimers, TestClock } from '../src/testing/index.js';

describe('advance(ms)', () => {
  it('fires each timer at its own due time, in due order, timers armed during the jump included', () => {
    const clock = new TestClock();
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => {
      fired.push(['a', clock.now()]);
      clock.setTimeout(() => fired.push(['a+300', clock.now()]), 300);
    }, 1_000);
    clock.setTimeout(() => fired.push(['b', clock.now()]), 1_200);
    clock.setTimeout(() => fired.push(['late', clock.now()]), 6_000);
    clock.advance(5_000);
    expect(fired).toEqual([['a', 1_000], ['b', 1_200], ['a+300', 1_300]]);
    expect(clock.now()).toBe(5_000);
    expect(clock.pendingTimers()).toEqual([6_000]);
  });

  it('a cleared timer never fires; advance(0) fires what is due now', () => {
    const clock = new TestClock();
    const fired: string[] = [];
    const id = clock.setTimeout(() => fired.push('cleared'), 10);
    clock.setTimeout(() => fired.push('now'), 0);
    clock.clearTimeout(id);
    clock.advance(0);
    expect(fired).toEqual(['now']);
    clock.advance(10);
    expect(fired).toEqual(['now']);
  });

  it('calls onStep at every instant timers fired and once at the end', () => {
    const clock = new TestClock();
    clock.setTimeout(() => {}, 100);
    clock.setTimeout(() => {}, 100);
    clock.setTimeout(() => {}, 250);
    const steps: number[] = [];
    clock.advance(1_000, { onStep: () => steps.push(clock.now()) });
    expect(steps).toEqual([100, 250, 1_000]);
  });

  it('throws, naming the bound, when a timer re-arms itself at 0 ms forever', () => {
    const clock = new TestClock();
    const rearm = () => void clock.setTimeout(rearm, 0);
    rearm();
    expect(() => clock.advance(1, { maxSteps: 50 })).toThrow('advance(1) did not settle within 50 timer firings: does a timer re-arm itself at 0 ms?');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number])('refuses ms = %s with a RangeError naming the value', (ms) => {
    expect(() => new TestClock().advance(ms)).toThrow(RangeError);
    expect(() => new TestClock().advance(ms)).toThrow(`advance: ms must be a finite number of milliseconds ≥ 0, got ${String(ms)}`);
  });

  it('drives a plain xstate SimulatedClock the same way', () => {
    const clock = new SimulatedClock();
    const fired: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 500), 1_000);
    advanceClock(clock, 2_000);
    expect(fired).toEqual([1_500]);
    expect(pendingTimers(clock)).toEqual([]);
  });

  it('says what to pass when the clock is not a SimulatedClock', () => {
    const notSimulated = { now: () => 0, set: () => {} } as unknown as SimulatedClock;
    expect(() => advanceClock(notSimulated, 1)).toThrow('pendingTimers: the clock keeps no `timeouts` map; pass an xstate SimulatedClock or a TestClock');
  });
});

describe('a connection on the TestClock', () => {
  it('runs a connect timeout, the close timeout it arms and the retry that arms, within one advance, each at its own time', () => {
    const server = createTestServer();
    const clock = new TestClock();
    const conn = createConnection({
      url: 'ws://app.test/live',
      WebSocket: server.WebSocket,
      clock,
      connectTimeoutMs: 1_000,
      closeTimeoutMs: 200,
      backoff: { initialDelayMs: 500, factor: 1, jitter: 0 },
      autoConnect: false,
    });
    const attempts: number[] = [];
    conn.on('status', (status) => status === 'connecting' && attempts.push(clock.now()));
    conn.connect();
    clock.advance(2_000);
    // The socket hangs in CONNECTING: timed out at 1 000, its close never answered, abandoned at 1 200, retried 500 later.
    expect(attempts).toEqual([0, 1_700]);
    expect(server.sockets[0]!.closeCall).toEqual({ code: 3008, reason: 'connect timeout' });
    expect(server.sockets).toHaveLength(2);
    conn.stop();
  });
});
