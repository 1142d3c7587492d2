/** The adapter against WebSocket implementations that bend the WHATWG rules. */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createConnection } from '../src/index.js';
import { advance } from './support/virtual-time.js';

type Listener = (event: unknown) => void;

/**
 * Node 20's built-in WebSocket (undici) on a refused or rejected handshake, or on close() while
 * connecting: 'error' fires, readyState stays CONNECTING, and 'close' never comes.
 */
class ErrorWithoutCloseWebSocket {
  static readonly instances: ErrorWithoutCloseWebSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  readonly listeners = new Map<string, Set<Listener>>();
  constructor(readonly url: string) {
    ErrorWithoutCloseWebSocket.instances.push(this);
  }
  addEventListener(type: string, listener: Listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: Listener) {
    this.listeners.get(type)?.delete(listener);
  }
  listenerCount() {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }
  send() {}
  close() {
    if (this.readyState === 0) this.failHandshake('Connection was closed before it was established.');
  }
  failHandshake(message = 'Received network error or non-101 status code.') {
    for (const listener of [...(this.listeners.get('error') ?? [])]) listener({ type: 'error', message });
  }
}

describe('socket actor', () => {
  it('treats an error while CONNECTING as the close an implementation never reports', () => {
    ErrorWithoutCloseWebSocket.instances.length = 0;
    const clock = new SimulatedClock();
    const conn = createConnection({
      url: 'ws://test.invalid/',
      WebSocket: ErrorWithoutCloseWebSocket as never,
      clock,
      random: () => 0.5,
      autoConnect: false,
      maxRetries: 2,
      backoff: { initialDelayMs: 100, factor: 1, jitter: 0 },
      connectTimeoutMs: 10_000,
    });
    const closes: number[] = [];
    conn.on('close', ({ code }) => closes.push(code));
    conn.connect();
    for (let i = 0; i < 3; i++) {
      ErrorWithoutCloseWebSocket.instances[i]!.failHandshake();
      advance(clock, 100);
    }
    // Three attempts, each over at once: no wait for connectTimeoutMs.
    expect(conn.status).toBe('gaveUp');
    expect(clock.now()).toBe(300);
    expect(closes).toEqual([1006, 1006, 1006]);
    expect(ErrorWithoutCloseWebSocket.instances.map((s) => s.listenerCount())).toEqual([0, 0, 0]);
    conn.stop();
  });

  it('closes while CONNECTING at once when the implementation reports only an error', () => {
    ErrorWithoutCloseWebSocket.instances.length = 0;
    const clock = new SimulatedClock();
    const conn = createConnection({ url: 'ws://test.invalid/', WebSocket: ErrorWithoutCloseWebSocket as never, clock, autoConnect: false });
    conn.connect();
    conn.close();
    expect(conn.status).toBe('manuallyClosed');
    expect(ErrorWithoutCloseWebSocket.instances).toHaveLength(1);
    expect(ErrorWithoutCloseWebSocket.instances[0]!.listenerCount()).toBe(0);
    conn.stop();
  });
});
