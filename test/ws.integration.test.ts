/**
 * Against real sockets: the `ws` client and a `ws` server (or raw TCP/HTTP servers) on
 * 127.0.0.1, port 0, with short real delays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createConnection, type Connection, type ConnectionOptions } from '../src/index.js';
import { freePort, startEchoServer, startRejectingServer, startSilentServer } from './support/ws-server.js';
import { waitFor } from './support/wait-for.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const quick = { backoff: { initialDelayMs: 20, maxDelayMs: 50, factor: 2, jitter: 0.5 }, closeTimeoutMs: 200 };

function connect(options: Omit<ConnectionOptions, 'WebSocket'>) {
  let created = 0;
  class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      created++;
    }
  }
  const conn = createConnection({ ...quick, ...options, WebSocket: CountingWebSocket as never });
  const statuses: string[] = [];
  conn.on('status', (s) => statuses.push(s));
  cleanups.push(() => conn.stop());
  return { conn, statuses, created: () => created };
}

const statusIs = (conn: Connection, status: string, timeoutMs = 3000) => waitFor(() => conn.status === status, timeoutMs, `status ${status}`);

describe('with the ws package', () => {
  it('opens, echoes text and binary in order, and closes cleanly', async () => {
    const server = await startEchoServer();
    cleanups.push(() => server.close());
    const { conn } = connect({ url: server.url });
    const received: unknown[] = [];
    conn.on('message', (m) => received.push(m));
    conn.send('queued before open');
    await statusIs(conn, 'open');
    conn.send('hello');
    conn.send(new Uint8Array([1, 2, 3]));
    await waitFor(() => received.length === 3);
    expect(received[0]).toBe('queued before open');
    expect(received[1]).toBe('hello');
    expect(received[2]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(received[2] as ArrayBuffer)]).toEqual([1, 2, 3]);
    const serverClosed = new Promise<number>((resolve) => server.connections[0]!.once('close', resolve));
    conn.close(1000, 'done');
    await statusIs(conn, 'manuallyClosed');
    expect(await serverClosed).toBe(1000);
  });

  it('reconnects after the server kills the connection, never holding two sockets', async () => {
    const server = await startEchoServer();
    cleanups.push(() => server.close());
    const { conn, statuses } = connect({ url: server.url });
    await statusIs(conn, 'open');
    server.connections[0]!.terminate();
    await waitFor(() => server.connections.length === 2 && conn.status === 'open');
    expect(statuses).toEqual(['connecting', 'open', 'backoff', 'connecting', 'open']);
    expect(server.wss.clients.size).toBe(1);
  });

  it('gives up after exactly maxRetries retries when connections are refused', async () => {
    const port = await freePort();
    const { conn, created } = connect({ url: `ws://127.0.0.1:${port}`, maxRetries: 3 });
    const retries: number[] = [];
    conn.on('retry', ({ attempt }) => retries.push(attempt));
    const errors: string[] = [];
    conn.on('error', ({ message }) => errors.push(message));
    await statusIs(conn, 'gaveUp');
    expect(created()).toBe(4);
    expect(retries).toEqual([1, 2, 3]);
    expect(errors.length).toBe(4);
    expect(errors[0]).toMatch(/ECONNREFUSED/);
    await new Promise((r) => setTimeout(r, 150));
    expect(created()).toBe(4);
  });

  it('does not reconnect after the server closes with 1008', async () => {
    const server = await startEchoServer((socket) => socket.close(1008, 'unauthorized'));
    cleanups.push(() => server.close());
    const { conn } = connect({ url: server.url });
    let gaveUp: unknown;
    conn.on('gaveUp', (g) => (gaveUp = g));
    await statusIs(conn, 'gaveUp');
    expect(gaveUp).toEqual({ reason: 'close-code 1008', close: { code: 1008, reason: 'unauthorized', wasClean: true }, retries: 0 });
    await new Promise((r) => setTimeout(r, 150));
    expect(server.connections).toHaveLength(1);
  });

  it('abandons a hung handshake after connectTimeoutMs', async () => {
    const server = await startSilentServer();
    cleanups.push(() => server.close());
    const { conn, statuses } = connect({ url: server.url, connectTimeoutMs: 100, maxRetries: 0 });
    const started = Date.now();
    await statusIs(conn, 'gaveUp');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1000);
    expect(statuses).toEqual(['connecting', 'closing', 'gaveUp']);
  });

  it('closes while CONNECTING without an unhandled error and without reconnecting', async () => {
    const server = await startSilentServer();
    cleanups.push(() => server.close());
    const { conn, created } = connect({ url: server.url });
    await waitFor(() => server.sockets.length === 1);
    conn.close();
    await statusIs(conn, 'manuallyClosed');
    await new Promise((r) => setTimeout(r, 100));
    expect(created()).toBe(1);
  });

  it('stops on HTTP 401 at upgrade and retries on 503', async () => {
    const unauthorized = await startRejectingServer(401);
    cleanups.push(() => unauthorized.close());
    const a = connect({ url: unauthorized.url });
    await statusIs(a.conn, 'gaveUp');
    expect(a.conn.actor.getSnapshot().context.gaveUpReason).toBe('close-code 4401');
    expect(unauthorized.attempts()).toBe(1);

    const unavailable = await startRejectingServer(503);
    cleanups.push(() => unavailable.close());
    const b = connect({ url: unavailable.url, maxRetries: 2 });
    await statusIs(b.conn, 'gaveUp');
    expect(b.conn.actor.getSnapshot().context.gaveUpReason).toBe('max-retries');
    expect(unavailable.attempts()).toBe(3);
  });

  it('detects a silent server with the heartbeat and reconnects', async () => {
    const server = await startEchoServer(() => {
      // Never answers anything: a dead peer at the application level.
    });
    cleanups.push(() => server.close());
    const { conn } = connect({ url: server.url, heartbeat: { intervalMs: 60, timeoutMs: 40 } });
    const closes: Array<{ code: number }> = [];
    conn.on('close', (c) => closes.push(c));
    await waitFor(() => server.connections.length >= 2, 3000, 'a second connection');
    expect(closes[0]?.code).toBe(3008);
  });
});
