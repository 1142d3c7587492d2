import { describe, expect, it } from 'vitest';
import { createConnection, type ConnectionOptions } from 'xstate-websocket';
import { createTestServer, TestClock } from 'xstate-websocket/testing';

// The app's code: a live price feed that subscribes each time the connection opens.
function connectFeed(options: Partial<ConnectionOptions> = {}) {
  const feed = createConnection({ url: 'wss://example.com/live', ...options });
  feed.on('open', () => feed.send(JSON.stringify({ type: 'subscribe', channel: 'prices' })));
  return feed;
}

describe('the price feed', () => {
  it('reconnects once within 5 s of a drop, and subscribes again', () => {
    const server = createTestServer();
    const clock = new TestClock();
    const feed = connectFeed({ WebSocket: server.WebSocket, clock, autoConnect: false });

    feed.connect();
    server.latest().accept();
    expect(server.latest().sent).toEqual(['{"type":"subscribe","channel":"prices"}']);

    server.latest().drop(); // the network fails: error, then close 1006
    expect(feed.status).toBe('backoff');
    clock.advance(5_000); // the first retry waits at most 2.5 s by default
    expect(server.sockets).toHaveLength(2);

    server.latest().accept();
    expect(server.latest().sent).toEqual(['{"type":"subscribe","channel":"prices"}']);
    feed.stop();
  });

  it('gives up after a server that answers every handshake with 503, maxRetries later', () => {
    const server = createTestServer();
    const clock = new TestClock();
    const backoff = { initialDelayMs: 1_000, factor: 1, jitter: 0 }; // every retry 1 s later
    const feed = connectFeed({ WebSocket: server.WebSocket, clock, autoConnect: false, maxRetries: 2, backoff });

    feed.connect();
    server.latest().refuse(503);
    clock.advance(1_000);
    server.latest().refuse(503);
    clock.advance(1_000);
    server.latest().refuse(503);
    expect(server.sockets).toHaveLength(3);
    expect(feed.status).toBe('gaveUp');
  });
});
