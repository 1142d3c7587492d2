/**
 * The `handshake` option through `createConnection` on a fake WebSocket and virtual time: the
 * hello goes first, nothing from the app goes out before the server's ready, and the verdicts,
 * failures and timeouts end where the chart says (test/connection.handshake.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { HandshakeOptions } from '../src/index.js';
import { connectWithFake } from './support/harness.js';

const fast = { backoff: { initialDelayMs: 100, maxDelayMs: 100, factor: 1, jitter: 0 }, maxRetries: 3 };
/** The server's ready is `ready`, its denial `denied`; anything else is not a verdict. */
const reply: HandshakeOptions['reply'] = (data) => (data === 'ready' ? 'ready' : data === 'denied' ? 'rejected' : undefined);
const flush = async () => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};

describe('handshake through createConnection', () => {
  it('sends the hello first and nothing queued until ready; then open, the queue in order, the early messages in order', () => {
    const h = connectWithFake({ ...fast, handshake: { hello: () => 'hello', reply } });
    const messages: unknown[] = [];
    h.conn.on('message', (data) => messages.push(data));
    h.conn.send('a');
    const socket = h.server.latest();
    socket.accept();
    h.conn.send('b');
    expect(socket.sent).toEqual(['hello']);
    expect(h.conn.status).toBe('connecting');
    socket.receive('welcome');
    socket.receive('news');
    expect(messages).toEqual([]);
    expect(h.payloads('open')).toEqual([]);
    socket.receive('ready');
    expect(h.conn.status).toBe('open');
    expect(socket.sent).toEqual(['hello', 'a', 'b']);
    expect(h.payloads('open')).toEqual([{ protocol: '', reconnected: false, downtimeMs: 0 }]);
    expect(messages).toEqual(['welcome', 'news']); // the verdict itself is not delivered
    socket.receive('later');
    h.conn.send('c');
    expect(messages).toEqual(['welcome', 'news', 'later']);
    expect(socket.sent).toEqual(['hello', 'a', 'b', 'c']);
    expect(h.statuses()).toEqual(['connecting', 'open']);
  });

  it('waits for an async hello, and sends it before anything queued', async () => {
    let resolve!: (data: string) => void;
    const h = connectWithFake({ ...fast, handshake: { hello: () => new Promise<string>((r) => (resolve = r)), reply } });
    h.conn.send('a');
    const socket = h.server.latest();
    socket.accept();
    await flush();
    expect(socket.sent).toEqual([]);
    resolve('token');
    await flush();
    expect(socket.sent).toEqual(['token']);
    socket.receive('ready');
    expect(socket.sent).toEqual(['token', 'a']);
  });

  it('without a hello waits for the server to speak first', () => {
    const h = connectWithFake({ ...fast, handshake: { reply } });
    const socket = h.server.latest();
    socket.accept();
    expect(socket.sent).toEqual([]);
    socket.receive('ready');
    expect(h.conn.status).toBe('open');
  });

  it('a hello that throws is an error event and a failed attempt, retried', () => {
    const h = connectWithFake({ ...fast, handshake: { hello: () => { throw new Error('no token'); }, reply } });
    const socket = h.server.latest();
    socket.accept();
    expect(h.payloads('error')).toEqual([{ message: 'handshake.hello threw: no token', error: new Error('no token') }]);
    expect(socket.closeCall).toEqual({ code: 1000, reason: 'hello failed' });
    socket.completeClose();
    expect(h.conn.status).toBe('backoff');
    h.advance(100);
    expect(h.server.sockets).toHaveLength(2);
  });

  it('a hello that rejects is an error event and a failed attempt', async () => {
    const h = connectWithFake({ ...fast, handshake: { hello: () => Promise.reject(new Error('token server down')), reply } });
    h.server.latest().accept();
    await flush();
    expect(h.payloads('error').map((e) => e.message)).toEqual(['handshake.hello rejected: token server down']);
    expect(h.server.latest().closeCall).toEqual({ code: 1000, reason: 'hello failed' });
  });

  it('a hello that is not sendable data, or that the WebSocket refuses, is an error event and a failed attempt', async () => {
    const bad = connectWithFake({ ...fast, handshake: { hello: () => ({ not: 'data' }) as never, reply } });
    bad.server.latest().accept();
    const [badError] = bad.payloads('error');
    expect(badError!.message).toMatch(/^the hello could not be sent: xstate-websocket: `handshake\.hello` /);
    expect(bad.server.latest().closeCall).toEqual({ code: 1000, reason: 'hello failed' });

    const refused = connectWithFake({ ...fast, handshake: { hello: () => 'hello', reply } }, { refuseSend: (data) => data === 'hello' });
    refused.server.latest().accept();
    expect(refused.payloads('error').map((e) => e.message)).toEqual([expect.stringMatching(/^the hello could not be sent: /)]);
    expect(refused.server.latest().sent).toEqual([]);
    expect(refused.server.latest().closeCall).toEqual({ code: 1000, reason: 'hello failed' });
  });

  it.each([
    ['null', null, null],
    ['a string', 'hi', 'hi'],
    ['a thenable object', { then: (resolve: (data: string) => void) => resolve('from object') }, 'from object'],
    ['a thenable function', Object.assign(() => 'not called', { then: (resolve: (data: string) => void) => resolve('from function') }), 'from function'],
    ['an object whose then is not a function', { then: 'no' }, null],
  ] as const)('a hello that returns %s is sent as such, awaited as a thenable, or refused as data', async (_, made, sent) => {
    const h = connectWithFake({ ...fast, handshake: { hello: () => made as never, reply } });
    const socket = h.server.latest();
    socket.accept();
    await flush();
    if (sent === null) {
      expect(socket.sent).toEqual([]);
      expect(h.payloads('error').map((e) => e.message)).toEqual([expect.stringMatching(/^the hello could not be sent: /)]);
    } else {
      expect(socket.sent).toEqual([sent]);
      expect(h.payloads('error')).toEqual([]);
    }
  });

  it('an async hello that settles after its session ended sends nothing and reports nothing', async () => {
    const settle: Array<{ resolve: (data: string) => void; reject: (error: Error) => void }> = [];
    const h = connectWithFake({
      ...fast,
      handshake: { hello: () => new Promise<string>((resolve, reject) => settle.push({ resolve, reject })), reply },
    });
    const first = h.server.latest();
    first.accept();
    h.conn.close();
    first.completeClose();
    expect(h.conn.status).toBe('manuallyClosed');
    settle[0]!.resolve('late hello');
    await flush();
    expect(first.sent).toEqual([]);
    h.conn.connect();
    const second = h.server.latest();
    second.accept();
    second.receive('ready');
    settle[1]!.reject(new Error('too late'));
    await flush();
    expect(h.payloads('error')).toEqual([]);
    expect(h.conn.status).toBe('open');
  });

  it("on 'rejected' closes with 4403 and gives up (handshake-rejected), keeps the queue and never retries", () => {
    const h = connectWithFake({ ...fast, handshake: { hello: () => 'hello', reply } });
    h.conn.send('a');
    const socket = h.server.latest();
    socket.accept();
    socket.receive('news');
    socket.receive('denied');
    expect(socket.closeCall).toEqual({ code: 4403, reason: 'handshake rejected' });
    socket.completeClose();
    expect(h.conn.status).toBe('gaveUp');
    expect(h.payloads('gaveUp')).toMatchObject([{ reason: 'handshake-rejected', retries: 0 }]);
    h.advance(3_600_000);
    expect(h.server.sockets).toHaveLength(1);
    expect(socket.sent).toEqual(['hello']);
    expect(h.payloads('message')).toEqual([]); // a rejected session delivers nothing
    expect(h.payloads('dropped')).toEqual([]); // 'a' waits for connect()
  });

  it("on { verdict: 'rejected', reason } closes with 4403 and the server's reason, and gaveUp says it", () => {
    const denied: HandshakeOptions['reply'] = (data) =>
      typeof data === 'string' && data.startsWith('denied:') ? { verdict: 'rejected', reason: data.slice('denied:'.length) } : undefined;
    const h = connectWithFake({ ...fast, handshake: { hello: () => 'hello', reply: denied } });
    const socket = h.server.latest();
    socket.accept();
    socket.receive('denied:token expired');
    expect(socket.closeCall).toEqual({ code: 4403, reason: 'token expired' });
    socket.completeClose();
    expect(h.conn.status).toBe('gaveUp');
    expect(h.payloads('gaveUp')).toMatchObject([{ reason: 'handshake-rejected', rejection: 'token expired', retries: 0 }]);
  });

  it('cuts a rejection reason over 123 UTF-8 bytes at a character boundary, so the 4403 close is still sent', () => {
    const long = 'ü'.repeat(100); // 200 bytes
    const h = connectWithFake({ ...fast, handshake: { hello: () => 'hello', reply: (data) => (data === 'no' ? { verdict: 'rejected', reason: long } : undefined) } });
    const socket = h.server.latest();
    socket.accept();
    socket.receive('no');
    expect(socket.closeCall).toEqual({ code: 4403, reason: 'ü'.repeat(60) + '…' });
    socket.completeClose();
    expect(h.payloads('gaveUp')[0]!.rejection).toBe('ü'.repeat(60) + '…');
    expect(h.payloads('error')).toEqual([]);
  });

  it("a rejection whose reason is not a string closes with 4403 'handshake rejected'", () => {
    const reply = (() => ({ verdict: 'rejected', reason: 42 })) as unknown as HandshakeOptions['reply'];
    const h = connectWithFake({ ...fast, handshake: { hello: () => 'hello', reply } });
    const socket = h.server.latest();
    socket.accept();
    socket.receive('anything');
    expect(socket.closeCall).toEqual({ code: 4403, reason: 'handshake rejected' });
  });

  it('with no verdict within timeoutMs closes with 3008 handshake timeout and retries', () => {
    const h = connectWithFake({ ...fast, handshake: { hello: () => 'hello', reply, timeoutMs: 500 } });
    const socket = h.server.latest();
    socket.accept();
    socket.receive('not a verdict');
    h.advance(499);
    expect(socket.closeCall).toBeNull();
    h.advance(1);
    expect(socket.closeCall).toEqual({ code: 3008, reason: 'handshake timeout' });
    socket.completeClose();
    expect(h.payloads('retry')).toEqual([{ attempt: 1, delayMs: 100 }]);
  });

  it('a reply that throws is an error event, and its message waits like any other that is not the verdict', () => {
    const h = connectWithFake({
      ...fast,
      handshake: { reply: (data) => (data === 'ready' ? 'ready' : JSON.parse(String(data))) },
    });
    const socket = h.server.latest();
    socket.accept();
    socket.receive('{oops');
    expect(h.payloads('error').map((e) => e.message)).toEqual([expect.stringMatching(/^handshake\.reply threw: /)]);
    socket.receive('ready');
    expect(h.payloads('message')).toEqual(['{oops']);
  });

  it('pongs bypass the handshake, and the heartbeat starts only with the session', () => {
    const seen: unknown[] = [];
    const h = connectWithFake({
      ...fast,
      heartbeat: { intervalMs: 1_000, timeoutMs: 500 },
      handshake: { hello: () => 'hello', reply: (data) => (seen.push(data), data === 'ready' ? 'ready' : undefined), timeoutMs: 5_000 },
    });
    const socket = h.server.latest();
    socket.accept();
    socket.receive('pong');
    h.advance(2_000);
    expect(socket.sent).toEqual(['hello']); // no ping while the handshake runs
    socket.receive('ready');
    h.advance(1_000);
    expect(socket.sent).toEqual(['hello', 'ping']);
    expect(seen).toEqual(['ready']);
  });

  it('a reconnect after a drop runs the handshake again, and the open event says reconnected', () => {
    const hellos: number[] = [];
    const h = connectWithFake({ ...fast, handshake: { hello: () => `hello ${hellos.push(1)}`, reply } });
    h.server.latest().accept();
    h.server.latest().receive('ready');
    h.server.latest().drop();
    h.advance(100);
    const second = h.server.latest();
    second.accept();
    expect(second.sent).toEqual(['hello 2']);
    second.receive('ready');
    expect(h.payloads('open').map((o) => o.reconnected)).toEqual([false, true]);
  });
});
