/**
 * The testing kit under vitest's fake timers instead of a TestClock: the in-memory sockets start
 * no timer of their own, so the connection's timers (on the global setTimeout, `performance.now()`
 * for the heartbeat) are the only ones, and `vi.advanceTimersByTime` moves them. Jest's
 * `jest.useFakeTimers()` / `jest.advanceTimersByTime` have the same shape.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConnection, type Connection } from '../src/index.js';
import { createTestServer } from '../src/testing/index.js';

let conn: Connection | undefined;
beforeEach(() => void vi.useFakeTimers());
afterEach(() => {
  conn?.stop();
  vi.useRealTimers();
});

describe('the testing kit with vitest fake timers (no clock option)', () => {
  it('connect, server accepts, server drops, advance 5 s: exactly one new attempt', () => {
    const server = createTestServer();
    conn = createConnection({ url: 'ws://app.test/live', WebSocket: server.WebSocket, autoConnect: false });
    conn.connect(); // autoConnect would connect a microtask later
    server.latest().accept();
    expect(conn.status).toBe('open');
    server.latest().drop();
    expect(conn.status).toBe('backoff');
    vi.advanceTimersByTime(5_000);
    expect(server.sockets).toHaveLength(2);
    expect(conn.status).toBe('connecting');
  });

  it('a link dropped silently is found by the heartbeat within intervalMs + timeoutMs of fake time', () => {
    const server = createTestServer();
    conn = createConnection({ url: 'ws://app.test/live', WebSocket: server.WebSocket, heartbeat: { intervalMs: 1_000, timeoutMs: 500 }, autoConnect: false });
    conn.connect();
    const closes: string[] = [];
    conn.on('close', ({ reason }) => closes.push(reason));
    server.latest().accept();
    server.latest().dropSilently();
    vi.advanceTimersByTime(1_499);
    expect(conn.status).toBe('open');
    vi.advanceTimersByTime(1);
    expect(server.sockets[0]!.lost).toEqual(['ping']);
    expect(server.sockets[0]!.closeCall).toMatchObject({ reason: 'heartbeat timeout' });
    server.latest().drop(); // the network finally reports the dead link
    expect(closes).toHaveLength(1);
    expect(conn.status).toBe('backoff');
  });
});
