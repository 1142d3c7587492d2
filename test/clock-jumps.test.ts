/**
 * The sleep check (src/clock-jumps.ts): the actor's clock, watched against the environment's wall
 * clock. Directly on a SimulatedClock, and end to end on the platform's timers under vitest fake
 * timers (whose `vi.setSystemTime` moves the wall clock without firing a timer: a device asleep).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { JumpWatchingClock } from '../src/clock-jumps.js';
import { createConnection, type Connection } from '../src/index.js';
import { createTestServer } from '../src/testing/index.js';

describe('JumpWatchingClock', () => {
  function watched(wallNow: () => number) {
    const timers = new SimulatedClock();
    const jumps: number[] = [];
    const clock = new JumpWatchingClock(timers, { now: wallNow }, 1_000, { clockJumped: (lateMs) => jumps.push(lateMs) });
    return { timers, clock, jumps };
  }

  it('reports a timer that fires more than thresholdMs late on the wall clock, after the timer ran; exactly thresholdMs late is on time', () => {
    let wall = 0;
    const { timers, clock, jumps } = watched(() => wall);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('a'), 100);
    clock.setTimeout(() => {
      fired.push('b');
      expect(jumps).toEqual([]); // reported after the timer's own work
    }, 100);
    wall = 100 + 1_000; // exactly the threshold late: a throttled timer, not a sleep
    timers.increment(100);
    expect(fired).toEqual(['a', 'b']);
    expect(jumps).toEqual([]);
    clock.setTimeout(() => fired.push('c'), 50);
    wall += 50 + 1_001;
    timers.increment(50);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(jumps).toEqual([1_001]);
  });

  it('a cleared timer neither fires nor reports', () => {
    let wall = 0;
    const { timers, clock, jumps } = watched(() => wall);
    const fired: string[] = [];
    clock.clearTimeout(clock.setTimeout(() => fired.push('x'), 10));
    wall = 60_000;
    timers.increment(10);
    expect(fired).toEqual([]);
    expect(jumps).toEqual([]);
  });

  it('a wall clock that throws or is not finite reports nothing, and the timers still fire', () => {
    for (const wallNow of [() => Number.NaN, () => Infinity, () => { throw new Error('no clock'); }]) {
      const { timers, clock, jumps } = watched(wallNow);
      const fired: string[] = [];
      clock.setTimeout(() => fired.push('t'), 10);
      timers.increment(10);
      expect(fired).toEqual(['t']);
      expect(jumps).toEqual([]);
    }
  });
});

describe('the sleep check end to end, on the platform timers (no clock option)', () => {
  let conn: Connection | undefined;
  afterEach(() => {
    conn?.stop();
    vi.useRealTimers();
  });

  it('a heartbeat timer that fires after the wall clock jumped past intervalMs pings at once, and only then', () => {
    vi.useFakeTimers();
    const server = createTestServer();
    conn = createConnection({
      url: 'ws://app.test/live',
      WebSocket: server.WebSocket,
      heartbeat: { intervalMs: 1_000, timeoutMs: 500 },
      environment: { listen: () => () => {}, now: () => Date.now() },
      autoConnect: false,
    });
    conn.connect();
    const socket = server.latest();
    socket.accept();
    const pings = () => socket.sent.filter((d) => d === 'ping').length;
    // Heard from every 500 ms: the heartbeat never needs to ping, and the timers fire on time.
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(500);
      socket.serverSend('news');
    }
    expect(pings()).toBe(0);
    // Asleep: the wall clock moves an hour, no timer fires; on waking the pending heartbeat timer
    // fires (late), the socket was heard from just before, yet the connection is checked at once.
    vi.setSystemTime(Date.now() + 3_600_000);
    socket.serverSend('news');
    vi.advanceTimersToNextTimer();
    expect(pings()).toBe(1);
    expect(conn.actor.getSnapshot().context.reason).toMatch(/^clock jumped \{lateMs: \d+\}$/);
    // A live connection answers, and the heartbeat goes back to waiting.
    socket.serverSend('pong');
    expect(conn.status).toBe('open');
    expect(conn.actor.getSnapshot().value).toEqual({ session: { open: 'listening' } });
  });
});
