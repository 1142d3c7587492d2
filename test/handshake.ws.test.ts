/**
 * The handshake over real sockets: the `ws` client against a local `ws` server (127.0.0.1, port 0)
 * that answers the hello with ready, denies it, never answers, or says ready and drops at once.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createConnection, type ConnectionOptions } from '../src/index.js';
import { sleep, waitFor } from './support/wait-for.js';

type Mode = 'ready' | 'deny' | 'silent' | 'ready-then-drop';

interface Seen {
  readonly received: string[];
  closeCode?: number;
  closeReason?: string;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server that sends `welcome` on connection, then answers the hello `auth` as `mode` says, and echoes the rest. */
async function startServer(mode: Mode) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const connections: Seen[] = [];
  server.on('connection', (socket) => {
    const seen: Seen = { received: [] };
    connections.push(seen);
    socket.send('welcome');
    socket.on('message', (data) => {
      const text = String(data);
      seen.received.push(text);
      if (text !== 'auth') return void socket.send(text);
      if (mode === 'ready') socket.send('ready');
      if (mode === 'deny') socket.send('denied');
      if (mode === 'ready-then-drop') {
        socket.send('ready');
        setTimeout(() => socket.terminate(), 20);
      }
    });
    socket.on('close', (code, reason) => {
      seen.closeCode = code;
      seen.closeReason = String(reason);
    });
  });
  cleanups.push(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, connections };
}

function connect(url: string, options: Partial<ConnectionOptions> = {}) {
  const conn = createConnection({
    url,
    WebSocket: WebSocket as never,
    backoff: { initialDelayMs: 20, maxDelayMs: 20, factor: 1, jitter: 0 },
    handshake: {
      hello: async () => 'auth',
      reply: (data) => (String(data) === 'ready' ? 'ready' : String(data) === 'denied' ? 'rejected' : undefined),
      timeoutMs: 2_000,
    },
    ...options,
  });
  cleanups.push(() => conn.stop());
  const messages: unknown[] = [];
  conn.on('message', (data) => messages.push(String(data)));
  return { conn, messages };
}

it('sends the hello first and the queued messages only after ready; the welcome is delivered after open', async () => {
  const server = await startServer('ready');
  const { conn, messages } = connect(server.url);
  conn.send('queued');
  await waitFor(() => conn.status === 'open', 3_000, 'open');
  await waitFor(() => messages.length === 2, 3_000, 'the welcome and the echo');
  expect(server.connections[0]!.received).toEqual(['auth', 'queued']);
  expect(messages).toEqual(['welcome', 'queued']);
});

it('a denied hello closes with 4403 and gives up without a retry', async () => {
  const server = await startServer('deny');
  const { conn } = connect(server.url);
  const gaveUp: unknown[] = [];
  conn.on('gaveUp', ({ reason }) => gaveUp.push(reason));
  await waitFor(() => conn.status === 'gaveUp', 3_000, 'gaveUp');
  await waitFor(() => server.connections[0]!.closeCode !== undefined, 3_000, 'the close at the server');
  expect(server.connections[0]).toMatchObject({ closeCode: 4403, closeReason: 'handshake rejected' });
  expect(gaveUp).toEqual(['handshake-rejected']);
  await sleep(200); // a retry would have started by now (backoff 20 ms)
  expect(server.connections).toHaveLength(1);
});

it("a denial with a reason reaches the server in the 4403 close, cut to 123 UTF-8 bytes, and gaveUp says it", async () => {
  const server = await startServer('deny');
  const why = `token expired ${'é'.repeat(80)}`; // 174 UTF-8 bytes
  const { conn } = connect(server.url, {
    handshake: {
      hello: () => 'auth',
      reply: (data) => (String(data) === 'denied' ? { verdict: 'rejected', reason: why } : undefined),
    },
  });
  const rejections: unknown[] = [];
  conn.on('gaveUp', ({ rejection }) => rejections.push(rejection));
  await waitFor(() => conn.status === 'gaveUp', 3_000, 'gaveUp');
  await waitFor(() => server.connections[0]!.closeCode !== undefined, 3_000, 'the close at the server');
  const cut = `token expired ${'é'.repeat(53)}…`; // 14 + 106 + 3 = 123 bytes
  expect(server.connections[0]).toMatchObject({ closeCode: 4403, closeReason: cut });
  expect(rejections).toEqual([cut]);
});

it('a server that never says ready is closed with 3008 after timeoutMs, and the attempt retried', async () => {
  const server = await startServer('silent');
  const { conn } = connect(server.url, {
    handshake: { hello: () => 'auth', reply: () => undefined, timeoutMs: 150 },
  });
  await waitFor(() => server.connections.length >= 2, 3_000, 'a second attempt');
  expect(server.connections[0]).toMatchObject({ closeCode: 3008, closeReason: 'handshake timeout' });
  expect(conn.status).not.toBe('open');
});

it('a server that says ready and drops at once, every time, still ends in gaveUp (max-retries)', async () => {
  const server = await startServer('ready-then-drop');
  const { conn } = connect(server.url, { maxRetries: 2, stableUptimeMs: 5_000 });
  const opens: boolean[] = [];
  conn.on('open', ({ reconnected }) => opens.push(reconnected));
  const gaveUp: unknown[] = [];
  conn.on('gaveUp', ({ reason }) => gaveUp.push(reason));
  await waitFor(() => conn.status === 'gaveUp', 5_000, 'gaveUp');
  expect(server.connections).toHaveLength(3);
  expect(opens).toEqual([false, true, true]);
  expect(gaveUp).toEqual(['max-retries']);
});
