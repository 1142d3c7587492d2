import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFaultServer, type FaultServer } from './support/fault-server';
import { sleep, waitFor } from './support/wait-for';
import { WsStreamSplitter } from './support/ws-stream-splitter';

let server: FaultServer | undefined;
const clients = new Set<WebSocket>();

async function start(...args: Parameters<typeof startFaultServer>): Promise<FaultServer> {
  server = await startFaultServer(...args);
  return server;
}

/** Raw ws client, terminated in afterEach whatever happens. */
function connect(url: string): WebSocket {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  clients.add(ws);
  return ws;
}

afterEach(async () => {
  for (const ws of clients) ws.terminate();
  clients.clear();
  const s = server;
  server = undefined;
  await s?.close();
});

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`closed before open (${code})`)));
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

function failed(ws: WebSocket): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => reject(new Error('unexpectedly opened')));
    ws.once('error', (err) => resolve(err as NodeJS.ErrnoException));
  });
}

function nextMessage(ws: WebSocket): Promise<{ data: string | Buffer; isBinary: boolean }> {
  return new Promise((resolve) => {
    ws.once('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      resolve({ data: isBinary ? buf : buf.toString(), isBinary });
    });
  });
}

/** Everything the client emitted during `ms`. */
async function observe(ws: WebSocket, ms: number): Promise<string[]> {
  const seen: string[] = [];
  const on = (name: string) => () => seen.push(name);
  const handlers = {
    open: on('open'),
    message: on('message'),
    pong: on('pong'),
    close: on('close'),
    'unexpected-response': on('unexpected-response'),
  };
  for (const [name, fn] of Object.entries(handlers)) ws.on(name, fn);
  await sleep(ms);
  for (const [name, fn] of Object.entries(handlers)) ws.off(name, fn);
  return seen;
}

async function openClient(s: FaultServer, path = ''): Promise<WebSocket> {
  const ws = connect(s.url + path);
  await opened(ws);
  return ws;
}

describe('fault server: defaults', () => {
  it('echoes text and binary, answers ping, records messages and request URLs', async () => {
    const s = await start();
    expect(s.url).toBe(`ws://127.0.0.1:${s.port}`);
    const ws = await openClient(s, '/socket?token=abc123');

    let reply = nextMessage(ws);
    ws.send('hello');
    expect(await reply).toEqual({ data: 'hello', isBinary: false });

    reply = nextMessage(ws);
    ws.send(Buffer.from([1, 2, 3]));
    expect(await reply).toEqual({ data: Buffer.from([1, 2, 3]), isBinary: true });

    reply = nextMessage(ws);
    ws.send('ping');
    expect(await reply).toEqual({ data: 'pong', isBinary: false });

    const conn = s.connections[0];
    expect(conn?.messages).toEqual(['hello', Buffer.from([1, 2, 3]), 'ping']);
    expect(conn?.url).toBe('/socket?token=abc123');
    expect(s.requests).toEqual(['/socket?token=abc123']);
    expect(new URL(s.requests[0] ?? '', 'http://x').searchParams.get('token')).toBe('abc123');

    // Protocol-level ping is answered too.
    const pong = new Promise<void>((resolve) => ws.once('pong', () => resolve()));
    ws.ping();
    await pong;
  });

  it('runs the onConnection hook, whose hook can be replaced, and can push from the server', async () => {
    const s = await start({ onConnection: (ws, req: IncomingMessage) => ws.send(`welcome ${req.url}`) });
    const ws = connect(s.url + '/a');
    const first = nextMessage(ws);
    await opened(ws);
    expect((await first).data).toBe('welcome /a');

    const pushed = nextMessage(ws);
    s.connections[0]!.ws.send('news');
    expect((await pushed).data).toBe('news');

    s.onConnection = (ws) => ws.close(4000, 'replaced');
    expect(await closed(connect(s.url))).toEqual({ code: 4000, reason: 'replaced' });
  });
});

describe('fault server: controls', () => {
  it('killAll drops connections at TCP level: client sees 1006', async () => {
    const s = await start();
    const a = await openClient(s);
    const b = await openClient(s);
    const closes = Promise.all([closed(a), closed(b)]);
    await s.killAll();
    expect(s.open).toBe(0);
    expect(s.serverOpen).toBe(0);
    expect((await closes).map((c) => c.code)).toEqual([1006, 1006]);
    expect(s.connections.map((c) => c.closeCode)).toEqual([1006, 1006]);
  });

  it('restart drops connections, resets the ones made while down (counted), then accepts on the same port', async () => {
    const s = await start();
    const { port, url } = s;
    const c = closed(await openClient(s));
    const restarted = s.restart({ downMs: 200 });
    expect((await c).code).toBe(1006);
    expect((await failed(connect(url))).code).toBe('ECONNRESET');
    expect([s.attempts, s.upgrades]).toEqual([2, 1]);
    await restarted;
    expect(s.port).toBe(port);
    await openClient(s);
    expect([s.attempts, s.upgrades]).toEqual([3, 2]);
    expect(s.events.filter((e) => e.type === 'down' || e.type === 'up').map((e) => e.type)).toEqual(['down', 'up']);
  });

  it('refuse / accept toggles the listener on the same port', async () => {
    const s = await start();
    const existing = await openClient(s);
    await s.refuse();
    expect((await failed(connect(s.url))).code).toBe('ECONNREFUSED');
    expect(existing.readyState).toBe(WebSocket.OPEN); // existing connections untouched
    await s.accept();
    await openClient(s);
    expect(s.open).toBe(2);
  });

  it('hangHandshake accepts TCP but never answers the upgrade', async () => {
    const s = await start();
    s.hangHandshake(true);
    const ws = connect(s.url);
    expect(await observe(ws, 300)).toEqual([]);
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    expect(s.attempts).toBe(1);
    expect(s.upgrades).toBe(0);
    expect(s.requests).toHaveLength(1);

    s.hangHandshake(false);
    await openClient(s);
    expect(ws.readyState).toBe(WebSocket.CONNECTING); // the hung one stays hung
  });

  it('rejectUpgrade answers with the HTTP status, null stops it', async () => {
    const s = await start();
    s.rejectUpgrade(401);
    const ws = connect(s.url + '/?token=bad');
    const res = await new Promise<IncomingMessage>((resolve) =>
      ws.once('unexpected-response', (_req, r) => resolve(r)),
    );
    expect(res.statusCode).toBe(401);
    res.resume();

    s.rejectUpgrade(503);
    const ws2 = connect(s.url);
    const res2 = await new Promise<IncomingMessage>((resolve) =>
      ws2.once('unexpected-response', (_req, r) => resolve(r)),
    );
    expect(res2.statusCode).toBe(503);
    res2.resume();

    // Without an 'unexpected-response' listener, ws reports an error.
    const ws3 = connect(s.url);
    ws3.removeAllListeners('error');
    const err = await failed(ws3);
    expect(err.message).toContain('503');

    s.rejectUpgrade(null);
    await openClient(s);
    expect(s.attempts).toBe(4);
    expect(s.upgrades).toBe(1);
    expect(s.events.filter((e) => e.type === 'reject')).toHaveLength(3);
  });

  it('flap opens the WebSocket then drops it at once', async () => {
    const s = await start();
    s.flap(true);
    const ws = connect(s.url);
    const c = closed(ws);
    await opened(ws);
    expect((await c).code).toBe(1006);
    await waitFor(() => s.open === 0);
    expect(s.upgrades).toBe(1);
    expect(s.peakOpen).toBe(1);

    s.flap(false);
    const ws3 = await openClient(s);
    expect(await observe(ws3, 100)).toEqual([]);
  });

  it('blackhole silently discards traffic both ways without closing, then resumes', async () => {
    const s = await start();
    const ws = await openClient(s);
    s.blackhole(true);
    ws.send('lost-1');
    ws.ping();
    s.connections[0]!.ws.send('lost-2');
    expect(await observe(ws, 200)).toEqual([]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(s.connections[0]?.messages).toEqual([]);
    expect(s.open).toBe(1);

    // New connections are blackholed too: the handshake never completes.
    const fresh = connect(s.url);
    expect(await observe(fresh, 150)).toEqual([]);
    expect(s.upgrades).toBe(1);

    s.blackhole(false);
    const echo = nextMessage(ws);
    ws.send('after');
    expect((await echo).data).toBe('after');
    expect(s.connections[0]?.messages).toEqual(['after']);
  });

  it('hangClose: the server never answers the client close frame', async () => {
    const s = await start();
    const ws = await openClient(s);
    s.hangClose(true);
    ws.close(1000, 'bye');
    expect(await observe(ws, 500)).toEqual([]);
    expect(ws.readyState).toBe(WebSocket.CLOSING);
    expect(s.open).toBe(1); // TCP still up
    expect(s.serverOpen).toBe(1); // the server never saw the close frame
    expect(s.events.some((e) => e.type === 'close-held')).toBe(true);

    // The client gives up (what ws does after closeTimeout): the server notices the TCP close.
    const c = closed(ws);
    ws.terminate();
    expect((await c).code).toBe(1006);
    await waitFor(() => s.serverOpen === 0);
    expect(s.open).toBe(0);
    expect(s.connections[0]?.closeCode).toBe(1006);
  });

  it('hangClose does not block a server-initiated close', async () => {
    const s = await start();
    const ws = await openClient(s);
    s.hangClose(true);
    const c = closed(ws);
    s.connections[0]!.ws.close(4000, 'server');
    expect(await c).toEqual({ code: 4000, reason: 'server' });
    expect(s.open).toBe(0);
  });

  it('forwards large and fragmented messages intact', async () => {
    const s = await start();
    const ws = await openClient(s);
    const big = Buffer.alloc(200_000, 7); // 64-bit length header, many TCP chunks
    big.writeUInt32BE(0xdeadbeef, 100_000);
    let reply = nextMessage(ws);
    ws.send(big);
    expect(Buffer.compare((await reply).data as Buffer, big)).toBe(0);

    reply = nextMessage(ws);
    ws.send('a', { fin: false });
    ws.send('b', { fin: false });
    ws.send('c', { fin: true });
    expect((await reply).data).toBe('abc');
    reply = nextMessage(ws);
    ws.send(big);
    expect(Buffer.compare((await reply).data as Buffer, big)).toBe(0);
  });

});

describe('fault server: counters and lifecycle', () => {
  it('counts attempts, upgrades, open and peakOpen exactly', async () => {
    const s = await start();
    for (let i = 0; i < 3; i++) {
      const ws = await openClient(s);
      const c = closed(ws);
      ws.close();
      await c;
      await waitFor(() => s.open === 0);
    }
    expect(s.attempts).toBe(3);
    expect(s.upgrades).toBe(3);
    expect(s.peakOpen).toBe(1);

    const a = await openClient(s);
    const b = await openClient(s);
    expect(s.open).toBe(2);
    expect(s.peakOpen).toBe(2);
    a.terminate();
    b.terminate();
    await waitFor(() => s.open === 0);

    s.resetCounters();
    expect([s.attempts, s.upgrades, s.open, s.peakOpen, s.events.length]).toEqual([0, 0, 0, 0, 0]);
    await openClient(s);
    expect([s.attempts, s.upgrades, s.open, s.peakOpen]).toEqual([1, 1, 1, 1]);
  });

  it('peakOpen stays 1 for back-to-back reconnects and catches an overlapping socket', async () => {
    const s = await start();
    // Reconnect the instant the previous socket reports 'close', alternating clean close and terminate.
    for (let i = 0; i < 20; i++) {
      const ws = await openClient(s);
      const c = closed(ws);
      if (i % 2 === 0) ws.close(1000);
      else ws.terminate();
      await c;
    }
    const last = await openClient(s);
    expect(s.upgrades).toBe(21);
    expect(s.peakOpen).toBe(1);

    // A client that starts the next socket before the previous one has closed is caught.
    last.close(1000);
    await openClient(s);
    expect(s.peakOpen).toBe(2);
  });

  it('records a timestamped timeline', async () => {
    const s = await start();
    const ws = await openClient(s, '/t');
    const c = closed(ws);
    ws.close(1000);
    await c;
    // The teardown events come from different sockets (client side, server side): any order.
    await waitFor(() => s.events.length === 7);
    const types = s.events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(['attempt', 'request', 'upgrade', 'open']);
    expect(types.slice(4).sort()).toEqual(['client-closed', 'close', 'tcp-close']);
    const ts = s.events.map((e) => e.t);
    expect([...ts].sort((x, y) => x - y)).toEqual(ts);
    expect(s.events[1]).toMatchObject({ type: 'request', conn: 1, url: '/t' });
    expect(s.events.find((e) => e.type === 'close')).toMatchObject({ conn: 1, code: 1000 });
  });

  it('waitFor rejects after its timeout', async () => {
    const t0 = performance.now();
    await expect(waitFor(() => false, 50, 'never')).rejects.toThrow(/never/);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('close() leaves no active handles behind', async () => {
    // Timers are left out: the runner's own timers come and go, which makes the process-wide
    // 'Timeout' count useless here ('close() cuts a pending restart short' covers the server's).
    const handles = () =>
      process
        .getActiveResourcesInfo()
        .filter((r) => r !== 'Timeout' && r !== 'Immediate')
        .sort();
    const count = (list: string[], kind: string) => list.filter((r) => r === kind).length;
    const baseline = handles();

    const s = await startFaultServer();
    const ws = connect(s.url);
    const clientsClosed = [closed(ws)];
    await opened(ws);
    s.hangHandshake(true);
    const hung = connect(s.url);
    clientsClosed.push(closed(hung));
    await waitFor(() => s.requests.length === 2);
    expect(handles().length).toBeGreaterThan(baseline.length);

    await s.close();
    // The server's listeners are gone as soon as close() resolves.
    expect(count(handles(), 'TCPServerWrap')).toBe(count(baseline, 'TCPServerWrap'));
    // Its sockets are gone too, so the clients see their connections end by themselves.
    await Promise.all(clientsClosed);
    const extra = () => [...new Set(handles())].filter((k) => count(handles(), k) > count(baseline, k));
    await waitFor(() => extra().length === 0, 500, 'handles back to baseline').catch((err: unknown) => {
      throw new Error(`${String(err)}; extra handles: ${extra().join(', ')}`);
    });
    expect(handles()).toEqual(baseline);
  });

  it('close() cuts a pending restart short', async () => {
    const s = await startFaultServer();
    const restarted = s.restart({ downMs: 10_000 });
    const t0 = performance.now();
    await s.close();
    await restarted;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(s.events.some((e) => e.type === 'up')).toBe(false);
  });
});

describe('ws stream splitter', () => {
  const frame = (opcode: number, payload: Buffer, mask: boolean): Buffer => {
    const len = payload.length;
    const head =
      len < 126
        ? Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | len])
        : len < 65536
          ? Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | 126, len >> 8, len & 0xff])
          : Buffer.concat([Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | 127]), u64(len)]);
    return Buffer.concat([head, mask ? Buffer.from([1, 2, 3, 4]) : Buffer.alloc(0), payload]);
  };
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(n));
    return b;
  };

  it('splits head and frames regardless of how the bytes are chunked', () => {
    const head = Buffer.from('GET /x HTTP/1.1\r\nHost: a\r\n\r\n');
    const frames = [
      frame(0x1, Buffer.from('hi'), true),
      frame(0x2, Buffer.alloc(300, 1), true),
      frame(0x2, Buffer.alloc(70_000, 2), true),
      frame(0x8, Buffer.from([0x03, 0xe8]), true),
    ];
    const stream = Buffer.concat([head, ...frames]);
    for (const chunkSize of [1, 3, 7, 1000, stream.length]) {
      const splitter = new WsStreamSplitter('c2s');
      const units = [];
      for (let i = 0; i < stream.length; i += chunkSize) {
        units.push(...splitter.push(stream.subarray(i, i + chunkSize)));
      }
      expect(units.map((u) => u.kind)).toEqual(['http', 'frame', 'frame', 'frame', 'frame']);
      expect(units.map((u) => (u.kind === 'frame' ? u.opcode : -1))).toEqual([-1, 1, 2, 2, 8]);
      expect(Buffer.concat(units.map((u) => u.bytes)).equals(stream)).toBe(true);
    }
  });

  it('passes a non-101 response through as raw bytes', () => {
    const splitter = new WsStreamSplitter('s2c');
    const units = splitter.push(Buffer.from('HTTP/1.1 401 Unauthorized\r\nContent-Length: 3\r\n\r\nno!'));
    expect(units.map((u) => u.kind)).toEqual(['http', 'raw']);
    expect(splitter.push(Buffer.from([0x81]))).toEqual([{ kind: 'raw', bytes: Buffer.from([0x81]) }]);
  });
});
