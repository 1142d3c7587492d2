/** The adapter against WebSocket implementations that bend the WHATWG rules. */
import { describe, expect, it } from 'vitest';
import { connectWithFake } from './support/harness.js';

// Node 20's built-in WebSocket (undici): a failed handshake, or close() while connecting, fires
// 'error' and stays CONNECTING; 'close' never comes.
const undici20 = { errorWithoutClose: true };

describe('socket actor', () => {
  it('treats an error while CONNECTING as the close an implementation never reports', () => {
    const h = connectWithFake({ maxRetries: 2, backoff: { initialDelayMs: 100, factor: 1, jitter: 0 }, connectTimeoutMs: 10_000 }, undici20);
    for (let i = 0; i < 3; i++) {
      h.server.sockets[i]!.drop();
      h.advance(100);
    }
    // Three attempts, each over at once: no wait for connectTimeoutMs.
    expect(h.conn.status).toBe('gaveUp');
    expect(h.clock.now()).toBe(300);
    expect(h.payloads('close').map((c) => c.code)).toEqual([1006, 1006, 1006]);
    expect(h.server.sockets.map((s) => s.listenerCount())).toEqual([0, 0, 0]);
  });

  it('closes while CONNECTING at once when the implementation reports only an error', () => {
    const h = connectWithFake({}, undici20);
    h.conn.close();
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.server.sockets).toHaveLength(1);
    expect(h.server.latest().listenerCount()).toBe(0);
  });
});
