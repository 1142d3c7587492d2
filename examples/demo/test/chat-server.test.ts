/**
 * The demo chat server (chat-server.ts) over real sockets on 127.0.0.1: connect (token, Origin,
 * rooms), messages, its rate limit (rate-limiter.ts, alone and in the server), fault endpoints,
 * static files (static-files.ts) and close().
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startChatServer, type ChatServer, type ChatServerOptions } from '../chat-server.js';
import { RateLimiter } from '../rate-limiter.js';
import { sleep, waitFor } from '../../../test/support/wait-for.js';

// ---- harness ---------------------------------------------------------------------------

let server: ChatServer | undefined;
const sockets: WebSocket[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await server?.close();
  server = undefined;
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Fault durations short enough for tests; each test overrides what it needs. */
async function start(options: ChatServerOptions = {}): Promise<ChatServer> {
  server = await startChatServer({
    ...options,
    faultDurations: { restartDownMs: 150, offlineDownMs: 200, halfOpenMs: 5000, rejectMs: 150, ...options.faultDurations },
  });
  return server;
}


type Json = Record<string, any>;

/** A raw `ws` client that records every frame and its close. */
class Client {
  readonly frames: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;

  constructor(readonly ws: WebSocket) {
    sockets.push(ws);
    ws.on('message', (data) => this.frames.push(String(data)));
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Next unread frame (raw text), waiting for it. */
  async nextRaw(timeoutMs = 2000): Promise<string> {
    await waitFor(() => this.frames.length > this.cursor, timeoutMs);
    return this.frames[this.cursor++]!;
  }

  /** Next unread JSON frame, optionally of a given type (skipping others). */
  async next(type?: string, timeoutMs = 2000): Promise<Json> {
    for (;;) {
      const message = JSON.parse(await this.nextRaw(timeoutMs)) as Json;
      if (type === undefined || message.type === type) return message;
    }
  }

  /** Unread frames, consumed. */
  drain(): string[] {
    const rest = this.frames.slice(this.cursor);
    this.cursor = this.frames.length;
    return rest;
  }
}

type Outcome = { kind: 'open'; client: Client } | { kind: 'status'; status: number } | { kind: 'failed'; code: number };

function attempt(query: string, headers: Record<string, string> = {}): Promise<Outcome> {
  const ws = new WebSocket(`${server!.wsUrl}${query}`, { headers });
  const client = new Client(ws);
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ kind: 'open', client }));
    ws.once('unexpected-response', (req, res) => {
      resolve({ kind: 'status', status: res.statusCode ?? 0 });
      req.destroy();
    });
    client.closed.then(({ code }) => resolve({ kind: 'failed', code }));
  });
}

async function connect(room = 'lobby', user = 'alice', token = 'demo-token'): Promise<Client> {
  const outcome = await attempt(`?room=${room}&user=${user}&token=${token}`);
  if (outcome.kind !== 'open') throw new Error(`expected open, got ${JSON.stringify(outcome)}`);
  return outcome.client;
}

/** Connect and consume the client's own `joined` message. */
async function join(room = 'lobby', user = 'alice'): Promise<Client> {
  const client = await connect(room, user);
  const joined = await client.next('system');
  expect(joined.payload).toMatchObject({ event: 'joined', user, room });
  return client;
}

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Plain HTTP, no keep-alive, path sent verbatim (no URL normalization). */
function http(method: string, pathname: string, body?: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server!.port, method, path: pathname, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const postFault = (name: string, body?: unknown) =>
  http('POST', `/fault/${name}`, body === undefined ? undefined : JSON.stringify(body), { 'Content-Type': 'application/json' });

// ---- tests -----------------------------------------------------------------------------

describe('connect with ?handshake: the token in a hello message', () => {
  async function hello(token: unknown, query = '?room=r1&user=alice&handshake'): Promise<Client> {
    const outcome = await attempt(query);
    if (outcome.kind !== 'open') throw new Error(`expected open, got ${JSON.stringify(outcome)}`);
    outcome.client.send({ type: 'hello', payload: { token } });
    return outcome.client;
  }

  it('answers a valid token with ready, then joins the room (the system message follows)', async () => {
    await start();
    const alice = await hello('demo-token');
    expect((await alice.next()).type).toBe('ready');
    expect((await alice.next('system')).payload).toMatchObject({ event: 'joined', user: 'alice', room: 'r1' });
    expect(server!.stats().connections).toBe(1);
    alice.send({ type: 'chat', payload: { text: 'hi' } });
    expect((await alice.next('chat')).payload).toMatchObject({ from: 'alice', text: 'hi' });
  });

  it('answers a bad token with denied and the reason, joins nothing, and closes after a grace if the client does not', async () => {
    await start({ tokens: ['secret'] });
    const bob = await hello('demo-token');
    expect(await bob.next()).toMatchObject({ type: 'denied', payload: { reason: 'unauthorized' } });
    expect(server!.stats()).toMatchObject({ connections: 0, rejected: 1 });
    expect(await bob.closed).toEqual({ code: 1008, reason: 'unauthorized' });
  });

  it('denies a first message that is not a hello, and a hello while the reject fault runs (token revoked)', async () => {
    await start({ faultDurations: { rejectMs: 5000 } });
    const early = (await attempt('?user=bob&handshake')) as { client: Client };
    early.client.send({ type: 'chat', payload: { text: 'me first' } });
    expect(await early.client.next()).toMatchObject({ type: 'denied', payload: { reason: 'hello first' } });
    server!.fault('reject');
    const carol = await hello('demo-token', '?user=carol&handshake');
    expect(await carol.next()).toMatchObject({ type: 'denied', payload: { reason: 'token revoked' } });
  });

  it('a client that closes on denied (as xstate-websocket does, with 4403 and the reason) is gone at once', async () => {
    await start({ tokens: ['secret'] });
    const bob = await hello('wrong');
    await bob.next('denied');
    bob.ws.close(4403, 'unauthorized');
    expect(await bob.closed).toEqual({ code: 4403, reason: 'unauthorized' });
  });
});

describe('connect: token, Origin, rooms', () => {
  it('a valid token joins the room and gets the system message', async () => {
    await start();
    const alice = await connect('lobby', 'alice');
    const joined = await alice.next();
    expect(joined).toMatchObject({
      type: 'system',
      payload: { event: 'joined', room: 'lobby', user: 'alice', online: 1, text: 'alice joined lobby' },
    });
    expect(typeof joined.time).toBe('number');
    expect(joined.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(server!.stats()).toMatchObject({ connections: 1, rooms: { lobby: 1 } });
  });

  it('a bad or missing token is accepted, then closed with 1008 unauthorized', async () => {
    await start({ tokens: ['secret'] });
    for (const query of ['?room=lobby&user=bob&token=demo-token', '?room=lobby&user=bob']) {
      const outcome = await attempt(query);
      expect(outcome.kind).toBe('open');
      if (outcome.kind !== 'open') return;
      expect(await outcome.client.closed).toEqual({ code: 1008, reason: 'unauthorized' });
      expect(outcome.client.frames).toEqual([]);
    }
    expect(server!.stats()).toMatchObject({ connections: 0, rejected: 2, rooms: {} });
  });

  it('an invalid room name is closed with 1008', async () => {
    await start();
    const outcome = await attempt(`?room=${'x'.repeat(40)}&user=bob&token=demo-token`);
    expect(outcome.kind).toBe('open');
    if (outcome.kind === 'open') expect(await outcome.client.closed).toEqual({ code: 1008, reason: 'invalid room' });
  });

  it('a disallowed Origin gets HTTP 403 on upgrade; allowed and missing Origins pass', async () => {
    await start();
    const query = '?room=lobby&user=bob&token=demo-token';
    expect(await attempt(query, { Origin: 'http://evil.example' })).toEqual({ kind: 'status', status: 403 });
    expect((await attempt(query, { Origin: server!.url })).kind).toBe('open');
    expect((await attempt(query)).kind).toBe('open');
    expect(server!.stats().forbidden).toBe(1);
  });

  it('requests without Origin can be refused by flag; the allow-list is configurable', async () => {
    await start({ allowMissingOrigin: false, allowedOrigins: ['https://demo.example'] });
    const query = '?room=lobby&user=bob&token=demo-token';
    expect(await attempt(query)).toEqual({ kind: 'status', status: 403 });
    expect(await attempt(query, { Origin: server!.url })).toEqual({ kind: 'status', status: 403 });
    expect((await attempt(query, { Origin: 'https://demo.example' })).kind).toBe('open');
  });

  it('another path gets 404 on upgrade', async () => {
    await start();
    const ws = new WebSocket(`ws://127.0.0.1:${server!.port}/nope`);
    const client = new Client(ws);
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
    });
    expect(status).toBe(404);
    expect(client.frames).toEqual([]);
  });

  it('announces joins and leaves to the room and removes empty rooms', async () => {
    await start();
    const alice = await join('r1', 'alice');
    const bob = await join('r1', 'bob');
    expect((await alice.next('system')).payload).toMatchObject({ event: 'joined', user: 'bob', online: 2 });
    expect(server!.stats().rooms).toEqual({ r1: 2 });
    bob.ws.close();
    expect((await alice.next('system')).payload).toMatchObject({ event: 'left', user: 'bob', online: 1 });
    alice.ws.close();
    await alice.closed;
    await waitFor(() => server!.stats().connections === 0);
    expect(server!.stats().rooms).toEqual({});
  });
});

describe('messages', () => {
  it('broadcasts chat within a room, not across rooms', async () => {
    await start();
    const alice = await join('r1', 'alice');
    const bob = await join('r1', 'bob');
    const carol = await join('r2', 'carol');
    await alice.next('system'); // bob joined
    alice.send({ type: 'chat', payload: { text: '  hello  ' }, traceId: 'trace-1', time: 1 });
    for (const member of [alice, bob]) {
      const chat = await member.next('chat');
      expect(chat).toMatchObject({ type: 'chat', payload: { room: 'r1', from: 'alice', text: 'hello' }, traceId: 'trace-1' });
      expect(chat.time).toBeGreaterThan(1);
    }
    // Carol's own echo arrives; had alice's message reached r2 it would have come first.
    carol.send({ type: 'chat', payload: { text: 'only r2' } });
    expect((await carol.next()).payload).toMatchObject({ from: 'carol', text: 'only r2' });
    expect(carol.drain()).toEqual([]);
  });

  it('answers ping with pong echoing a valid traceId, or a generated one', async () => {
    await start();
    const alice = await join();
    alice.send({ type: 'ping', traceId: 'abc-123' });
    const pong = await alice.next();
    expect(pong).toEqual({ type: 'pong', time: expect.any(Number), traceId: 'abc-123' });
    alice.send({ type: 'ping', traceId: 'not a valid id!' });
    expect((await alice.next()).traceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers the plain text 'ping' with 'pong'", async () => {
    await start();
    const alice = await join();
    alice.send('ping');
    expect(await alice.nextRaw()).toBe('pong');
  });

  it('replies with an error to bad messages and keeps the connection open', async () => {
    await start();
    const alice = await join();
    const cases: Array<[unknown, string]> = [
      ['{not json', 'invalid-json'],
      ['[1,2]', 'invalid-message'],
      [{ payload: {} }, 'invalid-message'],
      [{ type: 'dance', traceId: 't-9' }, 'unknown-type'],
      [{ type: 'chat', payload: { text: '   ' } }, 'invalid-payload'],
      [{ type: 'chat', payload: {} }, 'invalid-payload'],
      [{ type: 'chat', payload: { text: 'x'.repeat(501) } }, 'invalid-payload'],
      [{ type: 'chat', payload: { text: 'y'.repeat(3000) } }, 'message-too-large'],
    ];
    for (const [message, code] of cases) {
      alice.send(message);
      const error = await alice.next();
      expect(error).toMatchObject({ type: 'error', payload: { code, message: expect.any(String) } });
      expect(typeof error.traceId).toBe('string');
    }
    alice.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await alice.next()).payload.code).toBe('binary-unsupported');
    // exactly 500 characters is fine
    alice.send({ type: 'chat', payload: { text: 'z'.repeat(500) } });
    expect((await alice.next()).type).toBe('chat');
    expect(alice.isOpen).toBe(true);
    alice.send({ type: 'ping', traceId: 'still-here' });
    expect((await alice.next()).traceId).toBe('still-here');
  });

  it('echoes the traceId of a rejected message', async () => {
    await start();
    const alice = await join();
    alice.send({ type: 'dance', traceId: 't-9' });
    expect(await alice.next()).toMatchObject({ type: 'error', traceId: 't-9' });
  });

  it('closes a frame above maxFrameBytes with 1009', async () => {
    await start({ maxFrameBytes: 8192 });
    const alice = await join();
    alice.send('x'.repeat(10_000));
    expect((await alice.closed).code).toBe(1009);
  });
});

describe('rate limit', () => {
  it('token bucket: burst, then limited, refills with time, abuse past the factor', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSec: 10, burst: 3, abuseFactor: 1 }, () => now);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual(['ok', 'ok', 'ok', 'limited']);
    now += 100; // one token back
    expect([limiter.take(), limiter.take()]).toEqual(['ok', 'limited']);
    // 6 so far in this 1 s window; 10 allowed
    expect(Array.from({ length: 5 }, () => limiter.take())).toEqual(['limited', 'limited', 'limited', 'limited', 'abuse']);
    now += 1000; // new window, full bucket
    expect(limiter.take()).toBe('ok');
  });

  it('replies rate-limited over the limit and stays open', async () => {
    await start({ rateLimit: { ratePerSec: 5, burst: 5, abuseFactor: 3 } });
    const alice = await join();
    for (let i = 0; i < 8; i++) alice.send({ type: 'ping', traceId: `p${i}` });
    const replies = await Promise.all(Array.from({ length: 8 }, () => alice.next()));
    const limited = replies.filter((r) => r.type === 'error' && r.payload.code === 'rate-limited');
    expect(replies.filter((r) => r.type === 'pong').length).toBeGreaterThanOrEqual(5);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(alice.isOpen).toBe(true);
  });

  it('closes with 1008 rate limit on sustained abuse', async () => {
    await start({ rateLimit: { ratePerSec: 5, burst: 5, abuseFactor: 3 } });
    const alice = await join();
    for (let i = 0; i < 30; i++) alice.send({ type: 'chat', payload: { text: `spam ${i}` } });
    expect(await alice.closed).toEqual({ code: 1008, reason: 'rate limit' });
    const replies = alice.drain().map((f) => JSON.parse(f) as Json);
    const chats = replies.filter((r) => r.type === 'chat').length;
    expect(chats).toBeGreaterThanOrEqual(5);
    expect(chats).toBeLessThanOrEqual(7);
    expect(replies.some((r) => r.type === 'error' && r.payload.code === 'rate-limited')).toBe(true);
  });

  it('can be turned off', async () => {
    await start({ rateLimit: false });
    const alice = await join();
    for (let i = 0; i < 100; i++) alice.send('ping');
    await waitFor(() => alice.frames.length >= 101);
    expect(alice.drain().every((f) => f === 'pong')).toBe(true);
  });
});

describe('faults', () => {
  it('kill destroys every connection (1006), new ones are accepted', async () => {
    await start();
    const alice = await join('r1', 'alice');
    const bob = await join('r2', 'bob');
    const response = await postFault('kill');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true, fault: 'kill' });
    expect((await alice.closed).code).toBe(1006);
    expect((await bob.closed).code).toBe(1006);
    await waitFor(() => server!.stats().connections === 0);
    await join('r1', 'alice');
  });

  it('restart drops connections, refuses new ones during the downtime, then accepts on the same port', async () => {
    await start({ faultDurations: { restartDownMs: 500 } });
    const port = server!.port;
    const alice = await join();
    server!.restart();
    expect((await alice.closed).code).toBe(1006);
    expect(await attempt('?token=demo-token')).toEqual({ kind: 'failed', code: 1006 });
    expect(server!.stats().faults.active).toMatchObject([{ kind: 'outage', name: 'restart' }]);
    // the HTTP side stays up during the outage
    expect((await http('GET', '/stats')).status).toBe(200);
    await waitFor(() => server!.stats().faults.active.length === 0);
    expect(server!.port).toBe(port);
    await join();
    expect(server!.stats().refused).toBeGreaterThanOrEqual(1);
  });

  it('offline over HTTP takes downMs from the body and behaves like restart', async () => {
    await start();
    const alice = await join();
    expect((await postFault('offline', { downMs: 250 })).status).toBe(200);
    expect((await alice.closed).code).toBe(1006);
    expect((await attempt('?token=demo-token')).kind).toBe('failed');
    await waitFor(() => server!.stats().faults.active.length === 0);
    await join();
  });

  it('half-open silences existing connections without closing them, until healed', async () => {
    await start();
    const alice = await join('r1', 'alice');
    let protocolPongs = 0;
    alice.ws.on('pong', () => protocolPongs++);
    alice.ws.ping();
    await waitFor(() => protocolPongs === 1);

    expect((await postFault('half-open')).status).toBe(200);
    expect(server!.stats().faults.halfOpenConnections).toBe(1);
    alice.send({ type: 'ping', traceId: 'during' });
    alice.send('ping');
    alice.ws.ping();
    // a new connection is healthy, and what happens in the room does not reach alice
    const bob = await join('r1', 'bob');
    bob.send({ type: 'chat', payload: { text: 'anyone?' } });
    expect((await bob.next('chat')).payload.text).toBe('anyone?');
    await sleep(100);
    expect(alice.drain()).toEqual([]);
    expect(protocolPongs).toBe(1);
    expect(alice.isOpen).toBe(true);
    expect(server!.stats().connections).toBe(2);

    expect((await postFault('heal')).status).toBe(200);
    // what alice sent meanwhile is read now, like a network path coming back
    expect(await alice.next('pong')).toMatchObject({ traceId: 'during' });
    expect(await alice.nextRaw()).toBe('pong');
    await waitFor(() => protocolPongs === 2);
    alice.send({ type: 'ping', traceId: 'after' });
    expect(await alice.next('pong')).toMatchObject({ traceId: 'after' });
    expect(server!.stats().faults).toEqual({ active: [], halfOpenConnections: 0 });
  });

  it('half-open ends by itself after durationMs', async () => {
    await start();
    const alice = await join();
    server!.halfOpen({ durationMs: 300 });
    alice.send({ type: 'ping', traceId: 'late' });
    await sleep(50);
    expect(alice.drain()).toEqual([]);
    expect(await alice.next('pong', 2000)).toMatchObject({ traceId: 'late' });
  });

  it('reject closes with 1008 token revoked, rejects new connections, accepts again after durationMs', async () => {
    await start();
    const alice = await join();
    server!.reject({ durationMs: 500 });
    expect(await alice.closed).toEqual({ code: 1008, reason: 'token revoked' });
    const during = await attempt('?user=bob&token=demo-token');
    expect(during.kind).toBe('open');
    if (during.kind === 'open') expect(await during.client.closed).toEqual({ code: 1008, reason: 'token revoked' });
    await waitFor(() => server!.stats().faults.active.length === 0);
    await join('lobby', 'bob');
  });

  it('heal ends reject and outages at once', async () => {
    await start();
    await postFault('reject', { durationMs: 60_000 });
    expect((await postFault('heal')).status).toBe(200);
    await join('lobby', 'alice');
    await postFault('offline', { downMs: 60_000 });
    expect((await attempt('?token=demo-token')).kind).toBe('failed');
    await postFault('heal');
    await join('lobby', 'bob');
    expect(server!.stats().faults.active).toEqual([]);
  });

  it('fault endpoints validate method, name, body and Origin', async () => {
    await start();
    expect((await http('GET', '/fault/kill')).status).toBe(405);
    expect((await postFault('explode')).status).toBe(404);
    expect((await http('POST', '/fault/restart', '{oops')).status).toBe(400);
    expect((await postFault('restart', { downMs: -1 })).status).toBe(400);
    expect((await postFault('reject', { durationMs: 'long' })).status).toBe(400);
    expect((await http('POST', '/fault/kill', undefined, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await http('POST', '/fault/heal', undefined, { Origin: server!.url })).status).toBe(200);
    expect(server!.stats().faults.active).toEqual([]);
  });

  it('GET /stats reports connections, rooms, attempts and active faults', async () => {
    await start();
    const alice = await join('r1', 'alice');
    await attempt('?token=wrong');
    server!.reject({ durationMs: 60_000 });
    await alice.closed;
    await waitFor(() => server!.stats().connections === 0);
    const stats = JSON.parse((await http('GET', '/stats')).body) as Json;
    expect(stats).toMatchObject({
      connections: 0,
      rooms: {},
      attempts: 2,
      rejected: 1,
      faults: { active: [{ kind: 'reject', name: 'reject', until: expect.any(Number), remainingMs: expect.any(Number) }] },
    });
  });
});

describe('static files', () => {
  async function site(): Promise<string> {
    const parent = await mkdtemp(path.join(tmpdir(), 'demo-chat-'));
    tempDirs.push(parent);
    const root = path.join(parent, 'public');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await writeFile(path.join(parent, 'secret.txt'), 'top secret');
    const files: Record<string, string> = {
      'index.html': '<!doctype html><title>demo</title>',
      'app.js': 'console.log(1)',
      'mod.mjs': 'export {}',
      'style.css': 'body{}',
      'logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'data.json': '{}',
      'app.js.map': '{"version":3}',
      'sub/index.html': '<p>sub</p>',
    };
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, name), text);
    await symlink(path.join(parent, 'secret.txt'), path.join(root, 'link.txt'));
    return root;
  }

  it('serves files with their content types, index.html at /', async () => {
    await start({ staticDir: await site() });
    const expected: Array<[string, string, string]> = [
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>demo</title>'],
      ['/index.html', 'text/html; charset=utf-8', '<!doctype html><title>demo</title>'],
      ['/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['/mod.mjs', 'text/javascript; charset=utf-8', 'export {}'],
      ['/style.css', 'text/css; charset=utf-8', 'body{}'],
      ['/logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
      ['/data.json', 'application/json; charset=utf-8', '{}'],
      ['/app.js.map', 'application/json; charset=utf-8', '{"version":3}'],
      ['/sub/', 'text/html; charset=utf-8', '<p>sub</p>'],
      ['/app.js?v=2', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ];
    for (const [pathname, type, body] of expected) {
      const response = await http('GET', pathname);
      expect(response.status, pathname).toBe(200);
      expect(response.headers['content-type'], pathname).toBe(type);
      expect(response.body, pathname).toBe(body);
    }
    const head = await http('HEAD', '/app.js');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('refuses traversal and answers 404 for missing files', async () => {
    await start({ staticDir: await site() });
    for (const pathname of ['/link.txt', '/../secret.txt', '/%2e%2e/secret.txt', '/sub/..%2f..%2fsecret.txt', '/sub/..%5c..%5csecret.txt']) {
      const response = await http('GET', pathname);
      expect(response.status, pathname).toBe(403);
      expect(response.body).not.toContain('top secret');
    }
    expect((await http('GET', '/%E0%A4%A')).status).toBe(400);
    expect((await http('GET', '/missing.js')).status).toBe(404);
    expect((await http('POST', '/app.js')).status).toBe(405);
  });

  it('serves staticMounts under their prefixes, ahead of staticDir, with the same refusals', async () => {
    const root = await site();
    await start({ staticDir: path.join(root, 'sub'), staticMounts: { '/pkg/': root } });
    expect((await http('GET', '/pkg/app.js')).body).toBe('console.log(1)');
    expect((await http('GET', '/pkg/sub/')).body).toBe('<p>sub</p>');
    expect((await http('GET', '/')).body).toBe('<p>sub</p>');
    expect((await http('GET', '/pkg')).status).toBe(404); // not under the prefix: looked up in staticDir
    for (const pathname of ['/pkg/../secret.txt', '/pkg/%2e%2e/secret.txt', '/pkg/link.txt']) {
      const response = await http('GET', pathname);
      expect(response.status, pathname).toBe(403);
      expect(response.body).not.toContain('top secret');
    }
    await expect(start({ staticMounts: { dist: root } })).rejects.toThrow(/must start and end with "\/"/);
  });

  it('answers 404 everywhere but the API without a staticDir', async () => {
    await start();
    expect((await http('GET', '/')).status).toBe(404);
    expect((await http('GET', '/chat')).status).toBe(426);
  });
});

describe('close()', () => {
  const KINDS = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'] as const;
  const handles = () => {
    const all = process.getActiveResourcesInfo();
    return Object.fromEntries(KINDS.map((kind) => [kind, all.filter((r) => r === kind).length]));
  };

  it('leaves no active handles and releases the port', async () => {
    // Let the previous test's sockets, server and timers wind down: nothing of the kinds is left.
    const quiet = () => KINDS.every((kind) => handles()[kind] === 0);
    await waitFor(quiet);
    const s = await start();
    const alice = await join(); // held half-open: a paused socket and a pending fault timer
    s.halfOpen({ durationMs: 60_000 });
    const bob = await join('lobby', 'bob'); // healthy
    await http('GET', '/stats');
    const during = handles();
    expect(during.TCPServerWrap).toBe(1);
    expect(during.Timeout).toBeGreaterThanOrEqual(1);
    expect(s.stats()).toMatchObject({ connections: 2, faults: { halfOpenConnections: 1 } });
    await s.close();
    server = undefined;
    expect((await alice.closed).code).toBe(1006);
    expect((await bob.closed).code).toBe(1006);
    for (const ws of sockets.splice(0)) ws.terminate();
    await waitFor(quiet);
    expect(handles()).toEqual({ TCPServerWrap: 0, TCPSocketWrap: 0, Timeout: 0 });

    const probe = createNetServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(s.port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await s.close(); // idempotent
  });
});
