/**
 * The environment at the handle: what a connection does when its environment says offline/online,
 * hidden/visible, cached/restored, or when its clock jumps (a sleep), on a fake WebSocket and
 * virtual time; then the `environment` option's checks and `browserEnvironment` on a fake page.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserEnvironment, createConnection, type EnvironmentSignal } from '../src/index.js';
import { createFakeBrowserScope, createFakeEnvironment } from './support/fake-environment.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';
import { connectWithFake } from './support/harness.js';

const fast = { backoff: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 }, maxRetries: 3 };
const heartbeat = { intervalMs: 1_000, timeoutMs: 500 };

/** A connection on a fake environment; `open` accepts the first socket. */
function withEnvironment(options: Parameters<typeof connectWithFake>[0] = {}, initially: EnvironmentSignal[] = []) {
  const env = createFakeEnvironment({ initially });
  const h = connectWithFake({ ...fast, environment: env, ...options });
  return { ...h, env };
}

describe('offline and online', () => {
  it('offline while open closes the socket with 1000 "network offline", then makes no attempt and spends no retry until online', () => {
    const h = withEnvironment();
    h.server.latest().accept();
    h.env.say('offline');
    expect(h.conn.status).toBe('closing');
    expect(h.server.latest().closeCall).toEqual({ code: 1000, reason: 'network offline' });
    h.server.latest().completeClose();
    expect(h.conn.status).toBe('backoff');
    expect(h.conn.actor.getSnapshot().context.reason).toMatch(/^waiting for network/);
    expect(h.conn.actor.getSnapshot().context.retries).toBe(0);
    h.advance(60_000);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.armedTimers()).toEqual([]);
    expect(h.payloads('retry')).toEqual([]);
    expect(h.statuses()).toEqual(['connecting', 'open', 'closing', 'backoff']);
  });

  it('online after offline makes exactly one attempt at once, with the retry budget it had and no retry event', () => {
    const h = withEnvironment();
    h.server.latest().drop(); // a failed attempt: retry 1 is planned
    expect(h.payloads('retry')).toEqual([{ attempt: 1, delayMs: 100 }]);
    h.env.say('offline'); // during the backoff wait: the timer stops counting
    expect(h.conn.actor.getSnapshot().context.reason).toMatch(/^waiting for network/);
    h.advance(10_000);
    expect(h.server.sockets).toHaveLength(1);
    h.env.say('online');
    expect(h.server.sockets).toHaveLength(2);
    expect(h.conn.status).toBe('connecting');
    expect(h.conn.actor.getSnapshot().context.retries).toBe(1);
    h.server.latest().accept();
    expect(h.conn.status).toBe('open');
    h.advance(10_000);
    expect(h.server.sockets).toHaveLength(2);
    expect(h.payloads('retry')).toEqual([{ attempt: 1, delayMs: 100 }]);
  });

  it('saying offline or online twice changes nothing more than saying it once', () => {
    const h = withEnvironment();
    h.server.latest().accept();
    h.env.say('offline');
    h.env.say('offline');
    h.server.latest().completeClose();
    h.env.say('online');
    h.env.say('online');
    expect(h.server.sockets).toHaveLength(2);
    expect(h.statuses()).toEqual(['connecting', 'open', 'closing', 'backoff', 'connecting']);
  });

  it('connect() while offline waits in backoff for the network, then connects once online', () => {
    const h = withEnvironment({ autoConnect: false });
    h.env.say('offline');
    h.conn.connect();
    expect(h.conn.status).toBe('backoff');
    expect(h.conn.actor.getSnapshot().context.reason).toMatch(/^waiting for network/);
    h.advance(30_000);
    expect(h.server.sockets).toHaveLength(0);
    h.env.say('online');
    expect(h.server.sockets).toHaveLength(1);
    expect(h.payloads('retry')).toEqual([]);
  });

  it('offline at creation (said inside listen) makes no attempt, even with autoConnect', async () => {
    const env = createFakeEnvironment({ initially: ['offline'] });
    const h = connectWithFake({ ...fast, environment: env, autoConnect: true });
    await Promise.resolve();
    h.advance(30_000);
    expect(h.server.sockets).toHaveLength(0);
    expect(h.conn.status).toBe('backoff');
    env.say('online');
    expect(h.server.sockets).toHaveLength(1);
  });
});

describe('hidden and visible', () => {
  it('visible after being hidden at least the heartbeat interval sends a ping at once while open', () => {
    const h = withEnvironment({ heartbeat });
    const socket = h.server.latest();
    socket.accept();
    h.advance(100);
    h.env.say('hidden');
    h.advance(300);
    socket.receive('news'); // not silent: the heartbeat alone would not ping at 1000
    h.advance(800); // hidden 1100 ms in all
    const before = socket.sent.length;
    h.env.say('visible');
    expect(socket.sent.slice(before)).toEqual(['ping']);
    expect(h.conn.actor.getSnapshot().context.reason).toMatch(/^page visible \{hiddenMs: 1100\}/);
  });

  it('a brief hidden (shorter than the heartbeat interval) does nothing', () => {
    const h = withEnvironment({ heartbeat });
    const socket = h.server.latest();
    socket.accept();
    h.env.say('hidden');
    h.advance(500);
    h.env.say('visible');
    expect(socket.sent).toEqual([]);
    expect(h.conn.status).toBe('open');
  });

  it('with pauseWhenHidden, a retry due while hidden waits for visible, then starts at once', () => {
    const h = withEnvironment({ pauseWhenHidden: true });
    h.server.latest().drop();
    h.env.say('hidden');
    h.advance(10_000);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.conn.status).toBe('backoff');
    expect(h.conn.actor.getSnapshot().context.reason).toMatch(/^paused while hidden/);
    h.env.say('visible');
    expect(h.server.sockets).toHaveLength(2);
    expect(h.payloads('retry')).toHaveLength(1);
  });

  it('without pauseWhenHidden (the default), a hidden page keeps retrying on time', () => {
    const h = withEnvironment();
    h.server.latest().drop();
    h.env.say('hidden');
    h.advance(100);
    expect(h.server.sockets).toHaveLength(2);
  });
});

describe('the back/forward cache', () => {
  it('cached closes the socket, makes no attempt while cached; restored makes one attempt at once and opens as reconnected', () => {
    const h = withEnvironment();
    h.server.latest().accept();
    h.env.say('cached');
    expect(h.server.latest().closeCall).toEqual({ code: 1000, reason: 'going away: page cached' });
    h.server.latest().completeClose();
    expect(h.conn.status).toBe('backoff');
    h.advance(60_000);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.payloads('retry')).toEqual([]);
    h.env.say('restored');
    expect(h.server.sockets).toHaveLength(2);
    h.server.latest().accept();
    expect(h.payloads('open').map((o) => o.reconnected)).toEqual([false, true]);
  });
});

describe('sleep (a clock jump)', () => {
  /** Open with a heartbeat, a message at 900 (so the heartbeat check at 1000 finds the socket alive). */
  function openAndJump(jumpMs: number) {
    let jump = 0;
    const env = createFakeEnvironment({ now: () => h.clock.now() + jump });
    const h = connectWithFake({ ...fast, heartbeat, environment: env });
    const socket = h.server.latest();
    socket.accept();
    h.advance(900);
    socket.receive('news');
    jump = jumpMs; // the wall clock leaps while the heartbeat timer is pending
    h.advance(100);
    return { h, socket };
  }

  it('a heartbeat timer that fires more than intervalMs late on the wall clock sends a ping at once', () => {
    const { h, socket } = openAndJump(5_000);
    expect(socket.sent).toEqual(['ping']);
    expect(h.conn.actor.getSnapshot().context.reason).toMatch(/^clock jumped \{lateMs: 5000\}/);
  });

  it('a timer late by less than intervalMs sends nothing', () => {
    const { socket } = openAndJump(900);
    expect(socket.sent).toEqual([]);
  });
});

describe('listening ends with stop()', () => {
  it('stop() calls unlisten exactly once, and later signals change nothing', () => {
    const h = withEnvironment();
    h.server.latest().accept();
    expect(h.env.listening()).toBe(1);
    h.conn.stop();
    h.conn.stop();
    expect(h.env.unlistenCalls).toBe(1);
    expect(h.env.listening()).toBe(0);
    // A misbehaving environment that keeps the callback and calls it after stop().
    const kept: Array<(s: EnvironmentSignal) => void> = [];
    const leaky = { listen: (signal: (s: EnvironmentSignal) => void) => (kept.push(signal), () => {}) };
    const l = connectWithFake({ environment: leaky });
    l.server.latest().accept();
    l.conn.stop();
    const before = [...l.events];
    const snapshot = l.conn.actor.getSnapshot();
    for (const signal of ['offline', 'online', 'hidden', 'visible', 'cached', 'restored'] as const) kept[0]!(signal);
    expect(l.events).toEqual(before);
    expect(l.conn.actor.getSnapshot()).toBe(snapshot);
    expect(l.conn.status).toBe('manuallyClosed');
    expect(l.server.sockets).toHaveLength(1);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('a throwing unlisten does not break stop(): its error is reported on a microtask, like a throwing listener', () => {
    const env = createFakeEnvironment({ unlistenThrows: true });
    const h = connectWithFake({ environment: env });
    h.server.latest().accept();
    const reported: Array<() => void> = [];
    vi.stubGlobal('queueMicrotask', (task: () => void) => reported.push(task));
    expect(() => h.conn.stop()).not.toThrow();
    vi.unstubAllGlobals();
    expect(reported).toHaveLength(1);
    expect(reported[0]).toThrow('unlisten failed');
    expect(env.unlistenCalls).toBe(1);
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.payloads('close')).toEqual([{ code: 1000, reason: 'client stopped', wasClean: false }]);
  });

  it('environment: null listens to nothing (the default listens to the global) and connects as before', () => {
    const add = vi.fn();
    vi.stubGlobal('addEventListener', add);
    vi.stubGlobal('removeEventListener', vi.fn());
    const h = connectWithFake({ environment: null });
    expect(add).not.toHaveBeenCalled();
    expect(h.server.sockets).toHaveLength(1);
    h.conn.stop();
    const d = connectWithFake({});
    expect(add.mock.calls.map(([type]) => type)).toEqual(['online', 'offline', 'pagehide', 'pageshow']);
    d.conn.stop();
  });
});

describe('the environment option', () => {
  const base = { url: 'ws://test.invalid/', WebSocket: createFakeWebSocketServer().WebSocket, autoConnect: false };
  it.each([
    [42, 'xstate-websocket: `environment` must be null or an object with a `listen(signal)` function (e.g. browserEnvironment()), got 42.'],
    [{}, /^xstate-websocket: `environment` must be null or an object with a `listen\(signal\)` function/],
    [{ listen: 'yes' }, /^xstate-websocket: `environment` must be/],
  ])('refuses %o with a TypeError naming environment', (value, message) => {
    expect(() => createConnection({ ...base, environment: value as never })).toThrow(TypeError);
    expect(() => createConnection({ ...base, environment: value as never })).toThrow(message);
  });

  it('refuses a now that is not a function with a TypeError naming environment.now', () => {
    const environment = { listen: () => () => {}, now: 5 } as never;
    expect(() => createConnection({ ...base, environment })).toThrow(TypeError);
    expect(() => createConnection({ ...base, environment })).toThrow(
      'xstate-websocket: `environment.now` must be a function returning wall-clock ms (Date.now), got 5.',
    );
  });
});

describe('what an environment may say', () => {
  it('a signal that is not one of the six throws a TypeError at the environment that said it, and changes nothing', () => {
    let signal: ((s: EnvironmentSignal) => void) | undefined;
    const conn = createConnection({
      url: 'ws://test.invalid/',
      WebSocket: createFakeWebSocketServer().WebSocket,
      autoConnect: false,
      environment: { listen: (s) => ((signal = s), () => {}) },
    });
    const before = conn.actor.getSnapshot().context;
    expect(() => signal!('asleep' as never)).toThrow(TypeError);
    expect(() => signal!('asleep' as never)).toThrow(
      'xstate-websocket: the environment said "asleep"; it may say online, offline, visible, hidden, cached, restored.',
    );
    expect(conn.actor.getSnapshot().context).toEqual(before);
    conn.stop();
  });
});

describe('browserEnvironment', () => {
  it('listens to window online/offline/pagehide/pageshow and document visibilitychange/resume, and removes them all', () => {
    const scope = createFakeBrowserScope();
    const said: EnvironmentSignal[] = [];
    const unlisten = browserEnvironment(scope.window).listen((s) => said.push(s));
    expect(scope.window.listeners).toBe(4);
    expect(scope.window.document.listeners).toBe(2);
    expect(said).toEqual([]);
    scope.window.dispatchEvent(new Event('offline'));
    scope.window.dispatchEvent(new Event('online'));
    scope.setVisibility('hidden');
    scope.setVisibility('visible');
    scope.page('pagehide', true);
    scope.page('pageshow', true);
    expect(said).toEqual(['offline', 'online', 'hidden', 'visible', 'cached', 'restored']);
    unlisten();
    expect(scope.window.listeners).toBe(0);
    expect(scope.window.document.listeners).toBe(0);
    scope.window.dispatchEvent(new Event('offline'));
    expect(said).toHaveLength(6);
  });

  it('says offline and hidden at once when navigator.onLine is false and the document is hidden', () => {
    const scope = createFakeBrowserScope({ onLine: false, visibilityState: 'hidden' });
    const said: EnvironmentSignal[] = [];
    browserEnvironment(scope.window).listen((s) => said.push(s));
    expect(said).toEqual(['offline', 'hidden']);
  });

  it('re-reads the visibility on resume (a frozen page may resume without visibilitychange)', () => {
    const scope = createFakeBrowserScope();
    const said: EnvironmentSignal[] = [];
    browserEnvironment(scope.window).listen((s) => said.push(s));
    scope.window.document.visibilityState = 'hidden';
    scope.window.document.dispatchEvent(new Event('resume'));
    scope.window.document.visibilityState = 'visible';
    scope.window.document.dispatchEvent(new Event('resume'));
    expect(said).toEqual(['hidden', 'visible']);
  });

  it('says nothing for pagehide/pageshow without persisted (an ordinary unload or first load)', () => {
    const scope = createFakeBrowserScope();
    const said: EnvironmentSignal[] = [];
    browserEnvironment(scope.window).listen((s) => said.push(s));
    scope.page('pagehide', false);
    scope.page('pageshow', false);
    expect(said).toEqual([]);
  });

  it('listens to nothing where the scope has no addEventListener (Node)', () => {
    const said: EnvironmentSignal[] = [];
    const unlisten = browserEnvironment({}).listen((s) => said.push(s));
    expect(said).toEqual([]);
    expect(() => unlisten()).not.toThrow();
  });

  // Partial scopes (a worker, a test double, an embedded webview): what exists is used, nothing else is touched.
  it('listens to nothing where the scope can add but not remove listeners (it could not stop listening)', () => {
    const target = new EventTarget();
    let added = 0;
    const scope = { addEventListener: (type: string, fn: EventListener) => (added++, target.addEventListener(type, fn)), navigator: { onLine: false } };
    const said: EnvironmentSignal[] = [];
    browserEnvironment(scope).listen((s) => said.push(s));
    expect(added).toBe(0);
    expect(said).toEqual([]);
  });

  it('listens to nothing where the scope can remove but not add listeners', () => {
    const said: EnvironmentSignal[] = [];
    const unlisten = browserEnvironment({ removeEventListener: () => {}, navigator: { onLine: false } }).listen((s) => said.push(s));
    expect(said).toEqual([]);
    expect(() => unlisten()).not.toThrow();
  });

  it('without a document (a worker): the window events only, and no visibility said', () => {
    const window = new EventTarget() as EventTarget & { navigator?: { onLine: boolean } };
    const said: EnvironmentSignal[] = [];
    const unlisten = browserEnvironment(window).listen((s) => said.push(s));
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: true }));
    expect(said).toEqual(['offline', 'cached']);
    unlisten();
  });

  it('a document without addEventListener is not listened to, and its hidden state is not read', () => {
    const window = Object.assign(new EventTarget(), { document: { visibilityState: 'hidden' } });
    const said: EnvironmentSignal[] = [];
    browserEnvironment(window).listen((s) => said.push(s));
    expect(said).toEqual([]);
  });

  it('without a navigator: online is assumed (nothing said at once), and a hidden document still is', () => {
    const scope = createFakeBrowserScope({ visibilityState: 'hidden' });
    (scope.window as { navigator?: unknown }).navigator = undefined;
    const said: EnvironmentSignal[] = [];
    browserEnvironment(scope.window).listen((s) => said.push(s));
    expect(said).toEqual(['hidden']);
  });

  it('drives a connection: window offline closes it, online reconnects it', () => {
    const scope = createFakeBrowserScope();
    const h = connectWithFake({ ...fast, environment: browserEnvironment(scope.window) });
    h.server.latest().accept();
    scope.window.dispatchEvent(new Event('offline'));
    h.server.latest().completeClose();
    expect(h.conn.status).toBe('backoff');
    scope.window.dispatchEvent(new Event('online'));
    expect(h.server.sockets).toHaveLength(2);
    h.conn.stop();
    expect(scope.window.listeners).toBe(0);
    expect(scope.window.document.listeners).toBe(0);
  });
});
