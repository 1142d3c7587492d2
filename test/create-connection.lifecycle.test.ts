/**
 * The handle's lifecycle on a fake WebSocket and virtual time: every status and every
 * transition of the chart as an app sees it through createConnection, the retry budget,
 * timers, close() arguments, and the one-socket rule.
 */
import { describe, expect, it } from 'vitest';
import { TIMEOUT_CLOSE_CODE } from '../src/index.js';
import { connectWithFake } from './support/harness.js';

const fast = { backoff: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 }, maxRetries: 3 };

describe('connecting', () => {
  it('waits in idle with autoConnect: false and creates no socket', () => {
    const h = connectWithFake({ autoConnect: false });
    expect(h.conn.status).toBe('idle');
    h.advance(60_000);
    expect(h.server.sockets).toHaveLength(0);
    expect(h.armedTimers()).toEqual([]);
  });

  it('connects at once on connect(), with the URL, protocols and binaryType', () => {
    const h = connectWithFake({ protocols: ['chat.v1', 'chat.v2'] });
    expect(h.conn.status).toBe('connecting');
    const socket = h.server.latest();
    expect(socket.url).toBe('ws://test.invalid/socket');
    expect(socket.protocols).toEqual(['chat.v1', 'chat.v2']);
    expect(socket.binaryType).toBe('arraybuffer');
    socket.accept('chat.v2');
    expect(h.conn.status).toBe('open');
    expect(h.payloads('open')).toEqual([{ protocol: 'chat.v2', reconnected: false, downtimeMs: 0 }]);
    expect(h.statuses()).toEqual(['connecting', 'open']);
  });

  it('abandons an attempt after connectTimeoutMs: closes it with 3008, then backs off', () => {
    const h = connectWithFake({ ...fast, connectTimeoutMs: 500 });
    h.advance(499);
    expect(h.conn.status).toBe('connecting');
    h.advance(1);
    expect(h.conn.status).toBe('closing');
    expect(h.server.latest().closeCall).toEqual({ code: TIMEOUT_CLOSE_CODE, reason: 'connect timeout' });
    h.server.latest().completeClose();
    expect(h.conn.status).toBe('backoff');
    expect(h.payloads('retry')).toEqual([{ attempt: 1, delayMs: 100 }]);
  });
});

describe('drops and retries', () => {
  it('backs off after a drop and opens a new socket when the delay has passed', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.server.latest().drop();
    expect(h.conn.status).toBe('backoff');
    expect(h.payloads('close')).toEqual([{ code: 1006, reason: '', wasClean: false }]);
    expect(h.payloads('error')).toHaveLength(1);
    h.advance(99);
    expect(h.server.sockets).toHaveLength(1);
    h.advance(1);
    expect(h.conn.status).toBe('connecting');
    expect(h.server.sockets).toHaveLength(2);
  });

  it('gives up after exactly maxRetries retries when every attempt is refused, and then stays quiet', () => {
    const h = connectWithFake(fast);
    for (let i = 0; i < 10 && h.conn.status !== 'gaveUp'; i++) {
      h.server.latest().drop();
      h.advance(1000);
    }
    expect(h.conn.status).toBe('gaveUp');
    expect(h.server.sockets).toHaveLength(4);
    expect(h.payloads('retry').map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(h.payloads('retry').map((r) => r.delayMs)).toEqual([100, 200, 400]);
    expect(h.payloads('gaveUp')).toEqual([{ reason: 'max-retries', close: { code: 1006, reason: '', wasClean: false }, retries: 3 }]);
    h.advance(24 * 3600_000);
    expect(h.server.sockets).toHaveLength(4);
    expect(h.armedTimers()).toEqual([]);
  });

  it('still gives up when the server accepts and then drops every connection before stableUptimeMs', () => {
    const h = connectWithFake({ ...fast, stableUptimeMs: 5000 });
    for (let i = 0; i < 10 && h.conn.status !== 'gaveUp'; i++) {
      h.server.latest().accept();
      h.advance(4000);
      h.server.latest().serverClose(1011, 'boom');
      h.advance(1000);
    }
    expect(h.conn.status).toBe('gaveUp');
    expect(h.server.sockets).toHaveLength(4);
  });

  it('resets the retry budget once a socket has stayed open for stableUptimeMs', () => {
    const h = connectWithFake({ ...fast, stableUptimeMs: 5000 });
    h.server.latest().drop();
    h.advance(100);
    h.server.latest().drop();
    h.advance(200);
    expect(h.payloads('retry').map((r) => r.attempt)).toEqual([1, 2]);
    h.server.latest().accept();
    h.advance(5000);
    h.server.latest().drop();
    expect(h.payloads('retry').map((r) => r.attempt)).toEqual([1, 2, 1]);
  });

  it.each([1008, 4001, 1002])('stops on terminal close code %i and keeps code and reason', (code) => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.server.latest().serverClose(code, 'rejected');
    expect(h.conn.status).toBe('gaveUp');
    expect(h.payloads('gaveUp')).toEqual([{ reason: `close-code ${code}`, close: { code, reason: 'rejected', wasClean: true }, retries: 0 }]);
    expect(h.conn.actor.getSnapshot().context.lastClose).toEqual({ code, reason: 'rejected', wasClean: true });
    h.advance(3600_000);
    expect(h.server.sockets).toHaveLength(1);
  });

  it.each([1000, 1001, 1011, 1012, 1013, 1014])('retries after close code %i', (code) => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.server.latest().serverClose(code);
    expect(h.conn.status).toBe('backoff');
  });

  it('lets shouldReconnect override the policy both ways', () => {
    const seen: number[] = [];
    const h = connectWithFake({
      ...fast,
      shouldReconnect: ({ code }) => {
        seen.push(code);
        return code === 1008;
      },
    });
    h.server.latest().serverClose(1008, 'token expired');
    expect(h.conn.status).toBe('backoff');
    h.advance(100);
    h.server.latest().drop();
    expect(h.conn.status).toBe('gaveUp');
    expect(seen).toEqual([1008, 1006]);
  });

  it('reports a throwing shouldReconnect as an error event and falls back to the policy', async () => {
    const h = connectWithFake({
      ...fast,
      shouldReconnect: () => {
        throw new Error('oops');
      },
    });
    h.server.latest().drop();
    expect(h.conn.status).toBe('backoff');
    await Promise.resolve();
    expect(h.payloads('error').map((e) => e.message)).toContain('shouldReconnect threw: oops');
  });

  it('retries at once when the network comes back during backoff', () => {
    const h = connectWithFake(fast);
    h.server.latest().drop();
    expect(h.conn.status).toBe('backoff');
    h.conn.actor.send({ type: 'NETWORK.ONLINE' });
    expect(h.conn.status).toBe('connecting');
    expect(h.server.sockets).toHaveLength(2);
  });
});

describe('one socket at a time', () => {
  it('does not create a new socket until the old one is CLOSED', () => {
    const h = connectWithFake({ ...fast, closeTimeoutMs: 1000 });
    h.server.latest().accept();
    h.conn.reconnect();
    expect(h.conn.status).toBe('closing');
    expect(h.server.sockets).toHaveLength(1);
    h.advance(999);
    expect(h.server.sockets).toHaveLength(1);
    h.server.latest().completeClose();
    expect(h.server.sockets).toHaveLength(2);
    expect(h.conn.status).toBe('connecting');
    expect(h.server.peakLive).toBe(1);
  });

  it('abandons a socket whose close hangs after closeTimeoutMs (terminate() where available)', () => {
    const h = connectWithFake({ ...fast, closeTimeoutMs: 1000 }, { terminate: true });
    const first = h.server.latest();
    first.accept();
    h.conn.reconnect();
    h.advance(999);
    expect(h.server.sockets).toHaveLength(1);
    h.advance(1);
    expect(first.terminated).toBe(true);
    expect(first.listenerCount()).toBe(0);
    expect(h.server.sockets).toHaveLength(2);
    expect(h.payloads('close').at(-1)).toEqual({ code: 1006, reason: 'close timed out: socket abandoned', wasClean: false });
    expect(h.server.peakLive).toBe(1);
  });

  it('ignores every event from a socket it has let go of', () => {
    const h = connectWithFake({ ...fast, closeTimeoutMs: 1000 });
    const first = h.server.latest();
    first.accept();
    h.conn.reconnect();
    h.advance(1000);
    const second = h.server.latest();
    expect(second).not.toBe(first);
    expect(first.listenerCount()).toBe(0);
    const before = h.events.length;
    first.completeClose();
    expect(h.events.length).toBe(before);
    expect(h.conn.status).toBe('connecting');
  });
});

describe('heartbeat', () => {
  const heartbeat = { intervalMs: 1000, timeoutMs: 500 };

  it('pings after intervalMs of silence and keeps a connection that answers', () => {
    const h = connectWithFake({ ...fast, heartbeat });
    const socket = h.server.latest();
    socket.accept();
    h.advance(999);
    expect(socket.sent).toEqual([]);
    h.advance(1);
    expect(socket.sent).toEqual(['ping']);
    // A server that answers every ping about 100 ms later, for a minute of virtual time.
    let answered = 0;
    for (let t = 0; t < 60_000; t += 100) {
      if (socket.sent.length > answered) {
        answered = socket.sent.length;
        socket.receive('pong');
      }
      h.advance(100);
    }
    expect(h.conn.status).toBe('open');
    expect(socket.sent.length).toBeGreaterThan(40);
    expect(h.payloads('message')).toEqual([]);
  });

  it('counts any inbound message as life: a message postpones the ping', () => {
    const h = connectWithFake({ ...fast, heartbeat });
    const socket = h.server.latest();
    socket.accept();
    h.advance(800);
    socket.receive('hello');
    h.advance(999);
    expect(socket.sent).toEqual([]);
    h.advance(1);
    expect(socket.sent).toEqual(['ping']);
    expect(h.payloads('message')).toEqual(['hello']);
  });

  it('detects a dead connection within intervalMs + timeoutMs, closes it with 3008 and backs off', () => {
    const h = connectWithFake({ ...fast, heartbeat });
    const socket = h.server.latest();
    socket.accept();
    h.advance(1499);
    expect(h.conn.status).toBe('open');
    h.advance(1);
    expect(h.conn.status).toBe('closing');
    expect(socket.closeCall).toEqual({ code: TIMEOUT_CLOSE_CODE, reason: 'heartbeat timeout' });
    socket.completeClose();
    expect(h.conn.status).toBe('backoff');
  });

  it('uses the given ping and isPong', () => {
    const h = connectWithFake({
      ...fast,
      heartbeat: { ...heartbeat, ping: () => '{"type":"ping"}', isPong: (d) => typeof d === 'string' && d.includes('"pong"') },
    });
    const socket = h.server.latest();
    socket.accept();
    h.advance(1000);
    expect(socket.sent).toEqual(['{"type":"ping"}']);
    socket.receive('{"type":"pong"}');
    socket.receive('{"type":"chat"}');
    expect(h.payloads('message')).toEqual(['{"type":"chat"}']);
  });

  it('sends no ping outside open', () => {
    const h = connectWithFake({ ...fast, heartbeat, connectTimeoutMs: 100_000 });
    h.advance(50_000);
    expect(h.server.latest().sent).toEqual([]);
    expect(h.conn.status).toBe('connecting');
  });
});

describe('manual close', () => {
  it('closes an open socket through closing into manuallyClosed, and nothing reconnects', () => {
    const h = connectWithFake(fast);
    const socket = h.server.latest();
    socket.accept();
    h.conn.close(4000, 'bye');
    expect(h.conn.status).toBe('closing');
    expect(socket.closeCall).toEqual({ code: 4000, reason: 'bye' });
    socket.completeClose();
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.armedTimers()).toEqual([]);
    h.advance(3600_000);
    expect(h.server.sockets).toHaveLength(1);
  });

  it('closes a CONNECTING socket and does not reconnect after its error and 1006 close', () => {
    const h = connectWithFake(fast);
    h.conn.close();
    expect(h.conn.status).toBe('closing');
    h.server.latest().completeClose();
    expect(h.conn.status).toBe('manuallyClosed');
    h.advance(3600_000);
    expect(h.server.sockets).toHaveLength(1);
  });

  it.each(['backoff', 'gaveUp', 'idle'] as const)('goes from %s straight to manuallyClosed and disarms every timer', (from) => {
    const h = connectWithFake({ ...fast, maxRetries: from === 'gaveUp' ? 0 : 3, autoConnect: from !== 'idle' });
    if (from !== 'idle') h.server.latest().drop();
    expect(h.conn.status).toBe(from);
    h.conn.close();
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.armedTimers()).toEqual([]);
  });

  it('connects again on connect() after a manual close', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.conn.close();
    h.server.latest().completeClose();
    h.conn.connect();
    expect(h.conn.status).toBe('connecting');
    expect(h.server.sockets).toHaveLength(2);
  });

  it('switches a retry close to a manual one when close() comes during closing', () => {
    const h = connectWithFake({ ...fast, connectTimeoutMs: 100 });
    h.advance(100);
    expect(h.conn.status).toBe('closing');
    h.conn.close();
    h.server.latest().completeClose();
    expect(h.conn.status).toBe('manuallyClosed');
  });
});

describe('reconnect()', () => {
  it('skips the backoff wait', () => {
    const h = connectWithFake(fast);
    h.server.latest().drop();
    h.conn.reconnect();
    expect(h.conn.status).toBe('connecting');
    expect(h.server.sockets).toHaveLength(2);
  });

  it('leaves gaveUp with a fresh budget', () => {
    const h = connectWithFake({ ...fast, maxRetries: 1 });
    h.server.latest().drop();
    h.advance(100);
    h.server.latest().drop();
    expect(h.conn.status).toBe('gaveUp');
    h.conn.reconnect();
    h.server.latest().drop();
    expect(h.conn.status).toBe('backoff');
    expect(h.payloads('retry').map((r) => r.attempt)).toEqual([1, 1]);
  });
});

describe('stop()', () => {
  it.each(['connecting', 'open', 'closing', 'backoff', 'gaveUp', 'manuallyClosed'] as const)(
    'from %s leaves no live socket, no timer and no listener',
    (status) => {
      const h = connectWithFake({ ...fast, maxRetries: status === 'gaveUp' ? 0 : 3, heartbeat: { intervalMs: 1000, timeoutMs: 500 } });
      const socket = h.server.latest();
      if (status === 'open' || status === 'closing') socket.accept();
      if (status === 'closing') h.conn.close();
      if (status === 'backoff' || status === 'gaveUp') socket.drop();
      if (status === 'manuallyClosed') {
        h.conn.close();
        socket.completeClose();
      }
      expect(h.conn.status).toBe(status);
      h.conn.stop();
      expect(h.armedTimers()).toEqual([]);
      expect(h.server.live()).toEqual([]);
      for (const s of h.server.sockets) expect(s.listenerCount()).toBe(0);
      h.advance(3600_000);
      expect(h.server.sockets.length).toBe(1);
    },
  );
});

describe('a fresh retry budget', () => {
  type Harness = ReturnType<typeof connectWithFake>;
  /** Drops attempts until `retries` retries are used, ending in backoff. */
  const useRetries = (h: Harness, retries: number) => {
    for (let i = 0; i < retries; i++) {
      if (i > 0) h.advance(1000);
      h.server.latest().drop();
    }
  };
  // Each row: how to get to a state with retries used, and the call that promises a fresh budget.
  const ROWS: Array<[string, (h: Harness) => void]> = [
    ['connect() from gaveUp', (h) => (useRetries(h, 2), h.advance(1000), h.server.latest().drop(), h.conn.connect())],
    ['reconnect() from gaveUp', (h) => (useRetries(h, 2), h.advance(1000), h.server.latest().drop(), h.conn.reconnect())],
    ['connect() from manuallyClosed', (h) => (useRetries(h, 2), h.conn.close(), h.conn.connect())],
    ['reconnect() from manuallyClosed', (h) => (useRetries(h, 2), h.conn.close(), h.conn.reconnect())],
    ['reconnect() from backoff', (h) => (useRetries(h, 2), h.conn.reconnect())],
    ['reconnect() from connecting', (h) => (useRetries(h, 2), h.advance(1000), h.conn.reconnect())],
    ['reconnect() from open', (h) => (useRetries(h, 2), h.advance(1000), h.server.latest().accept(), h.conn.reconnect(), h.server.latest().completeClose())],
    [
      'connect() during a manual close',
      (h) => (useRetries(h, 2), h.advance(1000), h.server.latest().accept(), h.conn.close(), h.conn.connect(), h.server.latest().completeClose()),
    ],
  ];

  it.each(ROWS)('%s: the next drop is retry 1 again, and maxRetries more retries follow', (_name, act) => {
    const h = connectWithFake({ ...fast, maxRetries: 2 });
    act(h);
    expect(h.conn.status).toBe('connecting');
    const before = h.payloads('retry').length;
    h.server.latest().drop();
    h.advance(1000);
    h.server.latest().drop();
    expect(h.conn.status).toBe('backoff');
    expect(h.payloads('retry').slice(before).map((r) => r.attempt)).toEqual([1, 2]);
    expect(h.payloads('retry').slice(before).map((r) => r.delayMs)).toEqual([100, 200]);
    h.advance(1000);
    h.server.latest().drop();
    expect(h.conn.status).toBe('gaveUp');
    expect(h.payloads('gaveUp').at(-1)).toMatchObject({ reason: 'max-retries', retries: 2 });
  });
});

describe('events a listener sees', () => {
  it('fires open with reconnected: false the first time, true after a drop and after close() then connect()', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.server.latest().drop();
    h.advance(100); // the first retry's delay is at most 100 ms
    h.server.latest().accept();
    h.conn.close();
    h.server.latest().completeClose();
    h.conn.connect();
    h.server.latest().accept();
    expect(h.payloads('open').map((open) => open.reconnected)).toEqual([false, true, true]);
  });

  it('fires open with the downtime since the last open session ended (0 the first time), on the clock', () => {
    const h = connectWithFake({ ...fast, backoff: { initialDelayMs: 100, maxDelayMs: 100, factor: 1, jitter: 0 } });
    h.advance(40); // time spent connecting before any session is not downtime
    h.server.latest().accept();
    h.advance(1_000);
    h.server.latest().drop(); // the session ends here
    h.advance(100); // the retry's delay
    h.advance(30);
    h.server.latest().accept();
    expect(h.payloads('open').map((open) => open.downtimeMs)).toEqual([0, 130]);
  });

  it('fires open with the protocol when the heartbeat is on, and starts the heartbeat', () => {
    const h = connectWithFake({ ...fast, heartbeat: { intervalMs: 1000, timeoutMs: 500 } });
    h.server.latest().accept('chat.v1');
    expect(h.payloads('open')).toEqual([{ protocol: 'chat.v1', reconnected: false, downtimeMs: 0 }]);
    expect(h.statuses()).toEqual(['connecting', 'open']);
    h.advance(1000);
    expect(h.server.latest().sent).toEqual(['ping']);
  });

  it('fires close with the code and reason of a manual close, once', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.conn.close(4000, 'bye');
    expect(h.payloads('close')).toEqual([]);
    h.server.latest().completeClose();
    expect(h.payloads('close')).toEqual([{ code: 4000, reason: 'bye', wasClean: true }]);
    expect(h.conn.actor.getSnapshot().context.lastClose).toEqual({ code: 4000, reason: 'bye', wasClean: true });
  });

  it('fires close, then gaveUp, on a terminal close code', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.server.latest().serverClose(4003, 'forbidden');
    expect(h.events.filter(([name]) => name === 'close' || name === 'gaveUp')).toEqual([
      ['close', { code: 4003, reason: 'forbidden', wasClean: true }],
      ['gaveUp', { reason: 'close-code 4003', close: { code: 4003, reason: 'forbidden', wasClean: true }, retries: 0 }],
    ]);
  });

  it('fires close after a reconnect() closes the open socket, then connects again', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.conn.reconnect();
    expect(h.server.latest().closeCall).toEqual({ code: 1000, reason: 'reconnect' });
    h.server.latest().completeClose();
    expect(h.payloads('close')).toEqual([{ code: 1000, reason: 'reconnect', wasClean: true }]);
    expect(h.statuses()).toEqual(['connecting', 'open', 'closing', 'connecting']);
  });

  it('ends a manual close whose socket never answers after closeTimeoutMs: manuallyClosed, with a close event', () => {
    const h = connectWithFake({ ...fast, closeTimeoutMs: 700 });
    h.server.latest().accept();
    h.conn.close();
    h.advance(699);
    expect(h.conn.status).toBe('closing');
    expect(h.payloads('close')).toEqual([]);
    h.advance(1);
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.payloads('close')).toHaveLength(1);
    expect(h.payloads('close')[0]).toMatchObject({ code: 1006, wasClean: false });
    h.advance(3600_000);
    expect(h.server.sockets).toHaveLength(1);
  });

  it('retries a retry close whose socket never answers after closeTimeoutMs', () => {
    const h = connectWithFake({ ...fast, connectTimeoutMs: 500, closeTimeoutMs: 700 });
    h.advance(500);
    expect(h.conn.status).toBe('closing');
    h.advance(700);
    expect(h.conn.status).toBe('backoff');
    expect(h.payloads('retry')).toEqual([{ attempt: 1, delayMs: 100 }]);
  });
});

describe('a later give-up', () => {
  it('after a terminal code, a later give-up on max-retries reports max-retries and the last close', () => {
    const h = connectWithFake({ ...fast, maxRetries: 1 });
    h.server.latest().serverClose(1008, 'policy');
    expect(h.payloads('gaveUp').at(-1)).toMatchObject({ reason: 'close-code 1008' });
    h.conn.connect();
    h.server.latest().drop();
    h.advance(1000);
    h.server.latest().drop();
    expect(h.payloads('gaveUp').at(-1)).toEqual({ reason: 'max-retries', close: { code: 1006, reason: '', wasClean: false }, retries: 1 });
    expect(h.conn.actor.getSnapshot().context).toMatchObject({ gaveUpReason: 'max-retries', lastClose: { code: 1006, reason: '', wasClean: false } });
  });

  it('after max-retries, a later terminal code reports its own code and close', () => {
    const h = connectWithFake({ ...fast, maxRetries: 0 });
    h.server.latest().drop();
    expect(h.payloads('gaveUp').at(-1)).toMatchObject({ reason: 'max-retries' });
    h.conn.connect();
    h.server.latest().accept();
    h.server.latest().serverClose(4001, 'unauthorized');
    expect(h.payloads('gaveUp').at(-1)).toEqual({ reason: 'close-code 4001', close: { code: 4001, reason: 'unauthorized', wasClean: true }, retries: 0 });
  });
});

describe('close() arguments', () => {
  const ascii = (bytes: number) => 'x'.repeat(bytes);
  it.each([
    ['1000', 1000, ''],
    ['3000, the lowest registered-range code', 3000, ''],
    ['4999, the highest application code', 4999, ''],
    ['a 123-byte reason', 1000, ascii(123)],
    ['a 123-byte reason of 3-byte characters', 4000, '€'.repeat(41)],
    ['a 123-byte reason of 2-byte characters and one ASCII', 4000, `${'é'.repeat(61)}x`],
  ] as const)('accepts %s and sends it as the close frame', (_name, code, reason) => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.conn.close(code, reason);
    expect(h.server.latest().closeCall).toEqual({ code, reason });
  });

  it.each([
    ['999', 999, '', /got 999\b/],
    ['1001', 1001, '', /got 1001\b/],
    ['2999', 2999, '', /got 2999\b/],
    ['5000', 5000, '', /got 5000\b/],
    ['3000.5', 3000.5, '', /got 3000\.5\b/],
    ['NaN', Number.NaN, '', /got NaN\b/],
    ['a 124-byte reason', 1000, ascii(124), /123 UTF-8 bytes/],
    ['a 124-byte reason of 2-byte characters', 1000, 'é'.repeat(62), /123 UTF-8 bytes/],
    ['a 125-byte reason of 3-byte characters', 1000, '€'.repeat(42), /123 UTF-8 bytes/],
  ] as const)('refuses %s with a RangeError, and the socket stays open', (_name, code, reason, message) => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    expect(() => h.conn.close(code, reason)).toThrow(RangeError);
    expect(() => h.conn.close(code, reason)).toThrow(message);
    expect(h.conn.status).toBe('open');
    expect(h.server.latest().closeCall).toBeNull();
  });
});
