/**
 * The commands of the model-based runs (layout after fast-check's musicPlayer example): the user
 * (connect, close, reconnect, send, stop, listen), the server (accept, close with a code,
 * message/pong, complete a pending close), the network (drop, link down/up), the environment (offline,
 * online, page hidden/visible, cached/restored, a clock that jumps), the clock (advance),
 * and late events from sockets the connection has already let go of. Every command checks the
 * invariants after it ran; `advance` checks them at every instant a timer fires.
 */
import fc from 'fast-check';
import type { FakeWebSocket } from '../fake-websocket.js';
import {
  checkFirstTick,
  checkInvariants,
  checkStop,
  InvariantViolation,
  environmentReturn,
  userAction,
  tickObservable,
  type ConnectionModel,
} from './connection.model.js';
import { advance } from '../virtual-time.js';
import { fitCloseReason } from '../../../src/close-codes.js';
import type { RecordedSocket, System } from './system.js';

type Cmd = fc.Command<ConnectionModel, System>;
type Check = (m: Readonly<ConnectionModel>) => boolean;

const always: Check = () => true;
const notStopped: Check = (m) => !m.stopped;

/** A command named `name`, possible when `check` says so, that runs `run`, then checks every invariant. */
function command(name: string, check: Check, run: (m: ConnectionModel, sys: System) => void): Cmd {
  return {
    check,
    run(m, sys) {
      run(m, sys);
      sys.phase = 'command';
      checkInvariants(m, sys);
    },
    toString: () => name,
  };
}

/** The socket the connection currently listens to, if any. */
const current = (sys: System): FakeWebSocket | undefined => sys.server.sockets.find((s) => s.listenerCount() > 0);

/** A call of connect, close, reconnect or stop (noted while the creation tick lasts, invariant 9). */
const userCall = (name: string, run: (m: ConnectionModel, sys: System) => void) =>
  command(name, notStopped, (m, sys) => {
    if (m.firstTick) m.firstTick.called = true;
    run(m, sys);
  });

/** README: connect() starts from idle, manuallyClosed or gaveUp (or a close under way) with a fresh budget. */
const connect = userCall('connect()', (m, sys) => {
  const status = sys.status();
  if (m.closedByUser || status === 'idle' || status === 'gaveUp' || status === 'manuallyClosed') userAction(m, sys);
  sys.connect();
});

const reconnect = userCall('reconnect()', (m, sys) => {
  userAction(m, sys, sys.status() === 'connecting');
  sys.reconnect();
});

const close = (code: number) =>
  userCall(`close(${code})`, (m, sys) => {
    m.closedByUser ??= { socketsAtClose: sys.server.sockets.length };
    sys.close(code);
  });

export const stop = userCall('stop()', (m, sys) => {
  m.stopped = true;
  const before = sys.status();
  const mark = sys.events.length;
  m.stoppedAt = sys.clock.now();
  sys.stop();
  checkStop(m, sys, before, mark);
});

/**
 * A message: text, a Uint8Array the app overwrites right after send() (what goes out must be the
 * bytes at send()), or text the fake WebSocket refuses (its send throws; see `isRefusedByFake`).
 */
type MessageKind = 'text' | 'binary' | 'refused';
const PREFIX: Record<MessageKind, string> = { text: 'm', binary: 'b', refused: 'x' };

const send = (kind: MessageKind) =>
  command(kind === 'text' ? 'send()' : `send(${kind})`, always, (m, sys) => {
    const id = `${PREFIX[kind]}${m.messages.length}`;
    m.messages.push(id);
    const data = kind === 'binary' ? new TextEncoder().encode(id) : id;
    if (!sys.send!(data)) m.rejected.push(id);
    if (data instanceof Uint8Array) data.fill(0x21); // the app reuses its buffer
  });

/**
 * Lets pending microtasks run (handle runs; the commands between two of these run in one tick).
 * The first one after an `autoConnect` creation checks invariant 9.
 */
export const microtasks: Cmd = {
  check: always,
  async run(m, sys) {
    const before = tickObservable(sys);
    if (m.firstTick && !m.firstTick.called) userAction(m, sys); // the deferred CONNECT from idle
    for (let i = 0; i < 4; i++) await Promise.resolve();
    checkFirstTick(m, sys, before);
    sys.phase = 'command';
    checkInvariants(m, sys);
  },
  toString: () => 'microtasks run',
};

/** Registers model listener `fn` on `status` (the same function may be registered again). */
const listen = (fn: number) =>
  command(`on('status', f${fn})`, always, (m, sys) => {
    m.registrations.push({ fn, active: true, off: sys.listen!(fn) });
  });

/** Calls the unsubscribe of one registration (again, if it already ran: that removes nothing). */
const unsubscribe = (pick: number) =>
  command(`unsubscribe registration ${pick}`, (m) => m.registrations.length > 0, (m) => {
    const registration = m.registrations[pick % m.registrations.length]!;
    registration.active = false;
    registration.off();
  });

/** What the server or the network does to a socket: the readyStates it can happen in, and how it happens late. */
const SOCKET_EVENTS = {
  accept: { in: [0], late: (s: FakeWebSocket) => s.accept() },
  receive: { in: [1], late: (s: FakeWebSocket) => s.receive('late') },
  serverClose: { in: [0, 1, 2], late: (s: FakeWebSocket) => s.serverClose(1000, 'late') },
  drop: { in: [0, 1, 2], late: (s: FakeWebSocket) => s.drop() },
  completeClose: { in: [2], late: (s: FakeWebSocket) => s.completeClose() },
};
type SocketEvent = keyof typeof SOCKET_EVENTS;

/** `event` on the socket the connection listens to, if its readyState allows it. */
const onSocket = (name: string, event: SocketEvent, apply: (s: FakeWebSocket) => void, check = always) =>
  command(name, check, (_, sys) => {
    const socket = current(sys);
    if (socket && SOCKET_EVENTS[event].in.includes(socket.readyState)) apply(socket);
  });

const serverAccepts = onSocket('server accepts', 'accept', (s) => s.accept(), (m) => m.online);
const drop = onSocket('socket error/drop', 'drop', (s) => s.drop());
const closeCompletes = onSocket('close completes', 'completeClose', (s) => s.completeClose());
const serverCloses = (code: number) =>
  onSocket(`server closes ${code}`, 'serverClose', (s) => s.serverClose(code, 'server'));
const serverSends = (data: 'pong' | 'hello') =>
  onSocket(data === 'pong' ? 'pong arrives' : 'server message', 'receive', (s) => s.receive(data));

/**
 * The server's rejection reason in the model: multi-byte and over 123 UTF-8 bytes, so the close
 * can carry it only cut (`fitCloseReason`).
 */
export const MODEL_REJECTION = `token expired ${'ü'.repeat(60)}`;

/**
 * The server's verdict on the handshake (runs with a handshake): 'ready', 'denied' or
 * 'denied:<reason>', which the model's `reply` reads as 'ready', 'rejected' and
 * `{ verdict: 'rejected', reason }`. It counts while the handshake runs (status connecting,
 * socket OPEN); the model notes it, and the close reason it expects, before the message arrives.
 */
const serverSays = (verdict: 'ready' | 'rejected' | 'rejected with reason') =>
  command(`server says ${verdict}`, always, (m, sys) => {
    const socket = current(sys) as RecordedSocket | undefined;
    if (!sys.handshake || !socket || socket.readyState !== 1) return;
    const handshaking = sys.status() === 'connecting' && !m.stopped;
    if (handshaking && verdict === 'ready') socket.readyAt ??= sys.clock.now();
    if (handshaking && verdict !== 'ready' && !m.rejection) {
      const reason = verdict === 'rejected' ? 'handshake rejected' : fitCloseReason(MODEL_REJECTION);
      m.rejection = { sockets: sys.server.sockets.length, gaveUps: sys.gaveUpReasons.length, reason };
    }
    socket.receive(verdict === 'ready' ? 'ready' : verdict === 'rejected' ? 'denied' : `denied:${MODEL_REJECTION}`);
    // 17. The rejection closes the socket at once with 4403 and its reason (cut to 123 UTF-8 bytes).
    if (handshaking && verdict !== 'ready' && m.checks.has(17) && m.rejection) {
      const { code, reason } = socket.closeCall ?? {};
      if (code !== 4403 || reason !== m.rejection.reason) {
        throw new InvariantViolation(17, `the rejected socket was closed with ${code} ${JSON.stringify(reason)}, not 4403 ${JSON.stringify(m.rejection.reason)}`);
      }
    }
  });

/**
 * The server sends garbage: not a verdict (`reply` returns undefined) during a handshake, and a
 * message the codec's `parse` throws on (handle runs with a codec): reported, never delivered.
 */
const serverSaysGarbage = command('server says garbage', always, (m, sys) => {
  const socket = current(sys);
  if (!socket || socket.readyState !== 1) return;
  const codecRefuses = sys.kind === 'handle' && sys.config.codec && sys.status() === 'open' && !m.stopped;
  const before = sys.codecRefusals.count;
  socket.receive('garbage');
  if (m.checks.has(15) && codecRefuses && sys.codecRefusals.count !== before + 1) {
    throw new InvariantViolation(15, 'a message codec.parse threw on was not reported as an error with its data');
  }
});

/** `handshake.hello` throws, on the next socket that opens. */
const helloFails = command('next hello throws', always, (_, sys) => {
  sys.helloControl.failNext = true;
});

/** The link dies (the environment is not told): the socket drops, the server is unreachable. */
const networkOffline = command('network link down', (m) => m.online, (m, sys) => {
  m.online = false;
  const socket = current(sys);
  if (socket && socket.readyState !== 3) socket.drop();
});

/** The link is back (the environment is not told). */
const networkOnline = command('network link up', (m) => !m.online, (m) => {
  m.online = true;
});

/**
 * The environment says offline (the link is down with it). 18: an OPEN socket is asked to close at
 * once; from now until online, no socket and no retry (checked at every step, `checkInvariants`).
 */
const environmentOffline = command('environment: offline', (m) => !m.environment.offline, (m, sys) => {
  m.online = false;
  m.environment.offline = { sockets: sys.server.sockets.length, retries: sys.retries.length };
  const socket = current(sys);
  const wasOpen = socket?.readyState === 1;
  sys.say('offline');
  if (m.checks.has(18) && !m.stopped && socket && wasOpen && socket.closeCall == null && socket.readyState === 1) {
    throw new InvariantViolation(18, `the environment said offline, and the OPEN socket #${sys.server.sockets.indexOf(socket)} was not closed`);
  }
});

/**
 * The environment says online (the link is up with it). 19: with a socket wanted and nothing else
 * holding it (a cached page, a hidden page with pauseWhenHidden), exactly one attempt at once, with
 * the retries it had. An attempt the network gives back is not a retry: the budget counts from here.
 */
const environmentOnline = command('environment: online', (m) => m.environment.offline !== null, (m, sys) => {
  m.online = true;
  m.environment.offline = null;
  // Waiting for the network (not for a cached page to be restored, whatever else is said meanwhile).
  const waiting = sys.actor.getSnapshot().matches({ backoff: 'offline' } as never) && !(sys.config.pauseWhenHidden && m.environment.hiddenAt !== null);
  const before = { attempts: sys.attempts(), retries: sys.actor.getSnapshot().context.retries };
  if (waiting) environmentReturn(m, sys);
  sys.say('online');
  if (!m.checks.has(19) || m.stopped || !waiting) return;
  const after = { attempts: sys.attempts(), retries: sys.actor.getSnapshot().context.retries, status: sys.status() };
  // An attempt may fail at once (a url whose thenable throws): then the status has moved on.
  if (after.attempts !== before.attempts + 1 || (sys.config.url === 'string' && after.status !== 'connecting')) {
    throw new InvariantViolation(19, `online while waiting for the network: ${after.attempts - before.attempts} attempt(s) and status ${after.status}`);
  }
  if (after.status === 'connecting' && after.retries !== before.retries) throw new InvariantViolation(19, `online changed the retries used ${before.retries} → ${after.retries}`);
});

/** The page is hidden or visible again (21: visible after the heartbeat interval checks an open connection at once). */
const pageHidden = command('page hidden', (m) => m.environment.hiddenAt === null, (m, sys) => {
  m.environment.hiddenAt = sys.clock.now();
  sys.say('hidden');
});

const pageVisible = command('page visible', (m) => m.environment.hiddenAt !== null, (m, sys) => {
  const hiddenMs = sys.clock.now() - m.environment.hiddenAt!;
  m.environment.hiddenAt = null;
  const heartbeat = sys.config.heartbeat;
  const checks = heartbeat !== null && heartbeat !== undefined && hiddenMs >= heartbeat.intervalMs;
  expectCheck(m, sys, checks, () => sys.say('visible'), `visible after ${hiddenMs} ms hidden`);
});

/** The device slept: the wall clock jumps past the heartbeat interval (handle: the next timer to fire notices). */
const clockJumps = command('clock jumps (sleep)', always, (m, sys) => {
  const lateMs = 2 * (sys.config.heartbeat?.intervalMs ?? 1_000) + 1;
  expectCheck(m, sys, sys.kind === 'machine', () => sys.jump(lateMs), `a clock jump of ${lateMs} ms`);
});

/**
 * 21: runs `say`; where `checks`, an open heartbeat that is not already waiting for a pong must
 * ping at once, and that socket may then be found dead within timeoutMs (`checkedEarlyAt`).
 */
function expectCheck(m: ConnectionModel, sys: System, checks: boolean, say: () => void, what: string): void {
  const socket = current(sys) as RecordedSocket | undefined;
  const snapshot = sys.actor.getSnapshot();
  const idle = snapshot.matches({ session: { open: 'listening' } } as never) || snapshot.matches({ session: { open: 'probingSilence' } } as never);
  const pings = socket?.sent.filter((d) => d === 'ping').length ?? 0;
  if (checks && idle && socket) socket.checkedEarlyAt = sys.clock.now();
  say();
  if (!m.checks.has(21) || m.stopped || !checks || !idle || !socket || socket.readyState !== 1) return;
  if (socket.sent.filter((d) => d === 'ping').length !== pings + 1) {
    throw new InvariantViolation(21, `${what} while open: the connection was not checked at once (no ping)`);
  }
}

/** pagehide with persisted (21): the socket is asked to close, and no socket until restored. */
const pageCached = command('page cached (pagehide persisted)', (m) => !m.environment.cached, (m, sys) => {
  m.environment.cached = { sockets: sys.server.sockets.length, userActed: false };
  const socket = current(sys);
  const live = socket !== undefined && (socket.readyState === 0 || socket.readyState === 1);
  sys.say('cached');
  if (m.checks.has(21) && !m.stopped && live && socket!.closeCall == null && socket!.readyState !== 3) {
    throw new InvariantViolation(21, `the page went into the cache, and socket #${sys.server.sockets.indexOf(socket!)} (readyState ${socket!.readyState}) was not closed`);
  }
});

/** pageshow with persisted (21): one attempt at once with a fresh budget, where a socket was wanted. */
const pageRestored = command('page restored (pageshow persisted)', (m) => m.environment.cached !== null, (m, sys) => {
  m.environment.cached = null;
  const waiting = sys.status() === 'backoff' && sys.actor.getSnapshot().matches({ backoff: 'cached' } as never);
  const before = sys.attempts();
  // The user came back to the page: like connect(), a fresh budget and an attempt no close decided
  // (at once from backoff, or once a close under way for the cache completes).
  const closingForCache = sys.status() === 'closing' && sys.actor.getSnapshot().context.closeIntent === 'cached';
  const wanted = !m.closedByUser && !m.rejection && (waiting || closingForCache);
  if (wanted) userAction(m, sys);
  sys.say('restored');
  if (!m.checks.has(21) || m.stopped || !waiting) return;
  const expected = m.environment.offline ? 0 : 1;
  if (sys.attempts() !== before + expected) throw new InvariantViolation(21, `restored: ${sys.attempts() - before} attempt(s), expected ${expected}`);
  if (sys.status() === 'connecting' && sys.actor.getSnapshot().context.retries !== 0) throw new InvariantViolation(21, 'restored without a fresh retry budget');
});

export const advanceBy = (ms: number) =>
  command(`advance ${ms} ms`, always, (m, sys) => {
    sys.phase = 'advance';
    advance(sys.clock, ms, () => checkInvariants(m, sys));
  });

/** Advances exactly to the next armed timer (a retry, a timeout, a heartbeat), if any. */
const nextTimer = command('advance to the next timer', always, (m, sys) => {
  const due = sys.armedTimers();
  if (due.length > 0) advanceBy(Math.max(0, Math.min(...due) - sys.clock.now())).run(m, sys);
});

type UrlOutcome = 'fulfil' | 'fulfil twice' | 'reject';

/** Settles a thenable the `url` function returned (config `url: 'thenable'`): on time, late, twice. */
const settleUrl = (pick: number, outcome: UrlOutcome) =>
  command(`url ${outcome} (${pick})`, always, (_, sys) => {
    if (sys.pendingUrls.length === 0) return;
    const [pending] = sys.pendingUrls.splice(pick % sys.pendingUrls.length, 1);
    if (outcome === 'reject') pending!.reject(new Error('model url rejects'));
    else pending!.fulfil('ws://model.invalid/socket');
    if (outcome === 'fulfil twice') pending!.fulfil('ws://model.invalid/twice');
  });

/** Invariant 8: an event from a socket the connection let go of changes nothing. */
const lateEvent = (pick: number, event: SocketEvent) =>
  command(`late ${event} on disposed socket (${pick})`, always, (m, sys) => {
    const disposed = sys.server.sockets.filter((s) => s.listenerCount() === 0 && s.readyState !== 3);
    const socket = disposed[pick % disposed.length];
    if (!socket || !SOCKET_EVENTS[event].in.includes(socket.readyState)) return;
    const before = observable(sys, socket);
    SOCKET_EVENTS[event].late(socket);
    const after = observable(sys, socket);
    if (m.checks.has(8) && after !== before) {
      const index = sys.server.sockets.indexOf(socket);
      throw new InvariantViolation(8, `${event} on disposed socket #${index} changed ${before} into ${after}`);
    }
  });

/** Everything a late event could change: state, context, children, timers, other sockets, emitted events. */
function observable(sys: System, except: FakeWebSocket): string {
  const snapshot = sys.actor.getSnapshot();
  return JSON.stringify({
    value: snapshot.value,
    context: snapshot.context,
    children: Object.keys(snapshot.children),
    timers: sys.armedTimers(),
    sockets: sys.server.sockets.map((s) => (s === except ? 'late' : s.readyState)),
    emitted: sys.emittedCount(),
  });
}

/** Close codes a server sends: retryable, terminal (1008, 1002, 4xxx) and unknown (3xxx). */
const SERVER_CLOSE_CODES = [1000, 1001, 1006, 1011, 1012, 1002, 1003, 1008, 3000, 4000, 4401] as const;

/** Every command, as arbitraries for `fc.commands` (a command listed twice is drawn twice as often). */
export function connectionCommands(options: { handle?: boolean } = {}): Array<fc.Arbitrary<Cmd>> {
  const cmds: Array<fc.Arbitrary<Cmd>> = [
    fc.constant(connect),
    fc.constantFrom(1000, 4000).map(close),
    fc.constant(reconnect),
    // stop() ends the interesting part of a sequence: a quarter of the weight of other commands.
    fc.integer({ min: 0, max: 3 }).map((n) => (n === 0 ? stop : nextTimer)),
    fc.constant(serverAccepts),
    fc.constant(serverAccepts),
    fc.constantFrom(...SERVER_CLOSE_CODES).map(serverCloses),
    fc.constantFrom<'pong' | 'hello'>('pong', 'hello').map(serverSends),
    fc.constant(drop),
    fc.constant(closeCompletes),
    fc.constant(networkOffline),
    fc.constant(networkOnline),
    // The environment: network, page visibility, the back/forward cache, sleep.
    fc.constantFrom(environmentOffline, environmentOnline),
    fc.constantFrom(environmentOffline, environmentOnline, pageHidden, pageVisible),
    fc.constantFrom(pageCached, pageRestored, clockJumps),
    fc
      .oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2_000 }), fc.constant(3_600_000))
      .map(advanceBy),
    fc.integer({ min: 0, max: 500 }).map(advanceBy),
    fc.constant(nextTimer),
    fc.constant(nextTimer),
    fc.constant(drop),
    // The handshake (no-ops without one): ready twice as often, so sessions open.
    fc.constantFrom<'ready' | 'rejected' | 'rejected with reason'>('ready', 'ready', 'rejected', 'rejected with reason').map(serverSays),
    fc.constantFrom(serverSaysGarbage, helloFails),
    fc
      .tuple(fc.nat({ max: 7 }), fc.constantFrom(...(Object.keys(SOCKET_EVENTS) as SocketEvent[])))
      .map(([pick, event]) => lateEvent(pick, event)),
  ];
  if (options.handle) {
    cmds.push(
      fc.constant(send('text')),
      fc.constant(send('text')),
      fc.constantFrom<MessageKind>('text', 'binary', 'refused').map(send),
      fc.constant(microtasks),
      fc.constant(microtasks),
      fc.nat({ max: 1 }).map(listen),
      fc.nat({ max: 1 }).map(listen),
      fc.nat({ max: 5 }).map(unsubscribe),
    );
  }
  cmds.push(
    fc
      .tuple(fc.nat({ max: 3 }), fc.constantFrom<UrlOutcome>('fulfil', 'fulfil', 'fulfil twice', 'reject'))
      .map(([pick, outcome]) => settleUrl(pick, outcome)),
  );
  return cmds;
}
