/**
 * The commands of the model-based runs (layout after fast-check's musicPlayer example): the user
 * (connect, close, reconnect, send, stop), the server (accept, close with a code, message/pong,
 * complete a pending close), the network (drop, offline, online), the clock (advance), and late
 * events from sockets the connection has already let go of. Every command checks the invariants
 * after it ran; `advance` checks them at every instant a timer fires.
 */
import fc from 'fast-check';
import type { FakeWebSocket } from '../fake-websocket.js';
import {
  checkFirstTick,
  checkInvariants,
  checkStop,
  InvariantViolation,
  noteUserCall,
  startBudget,
  tickObservable,
  type ConnectionModel,
} from './connection.model.js';
import { advance } from '../virtual-time.js';
import type { HeartbeatShape, System, SystemConfig } from './system.js';

type Cmd = fc.Command<ConnectionModel, System>;

/** The socket the connection currently listens to, if any. */
function current(sys: System): FakeWebSocket | undefined {
  return sys.server.sockets.find((s) => s.listenerCount() > 0);
}

function settle(model: ConnectionModel, sys: System): void {
  sys.phase = 'command';
  checkInvariants(model, sys);
}

class ConnectCommand implements Cmd {
  check = (m: Readonly<ConnectionModel>) => !m.stopped;
  run(m: ConnectionModel, sys: System) {
    // README: connect() starts from idle, manuallyClosed or gaveUp (or a close under way) with a
    // fresh budget, and is a no-op otherwise.
    const status = sys.status();
    if (m.closedByUser || status === 'idle' || status === 'gaveUp' || status === 'manuallyClosed') {
      startBudget(m, sys);
      m.userActionsAt.add(sys.attempts());
    }
    m.closedByUser = null;
    noteUserCall(m);
    sys.connect();
    settle(m, sys);
  }
  toString = () => 'connect()';
}

class ReconnectCommand implements Cmd {
  check = (m: Readonly<ConnectionModel>) => !m.stopped;
  run(m: ConnectionModel, sys: System) {
    startBudget(m, sys, sys.status() === 'connecting');
    m.closedByUser = null;
    m.userActionsAt.add(sys.attempts());
    noteUserCall(m);
    sys.reconnect();
    settle(m, sys);
  }
  toString = () => 'reconnect()';
}

class CloseCommand implements Cmd {
  constructor(readonly code: number) {}
  check = (m: Readonly<ConnectionModel>) => !m.stopped;
  run(m: ConnectionModel, sys: System) {
    m.closedByUser ??= { socketsAtClose: sys.server.sockets.length };
    noteUserCall(m);
    sys.close(this.code);
    settle(m, sys);
  }
  toString = () => `close(${this.code})`;
}

/**
 * A message: text, a Uint8Array the app overwrites right after send() (what goes out must be the
 * bytes at send()), or text the fake WebSocket refuses (its send throws; see `isRefusedByFake`).
 */
type MessageKind = 'text' | 'binary' | 'refused';
const PREFIX: Record<MessageKind, string> = { text: 'm', binary: 'b', refused: 'x' };

class SendCommand implements Cmd {
  constructor(readonly kind: MessageKind = 'text') {}
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    if (!sys.send) return;
    const id = `${PREFIX[this.kind]}${m.messages.length}`;
    m.messages.push(id);
    const data = this.kind === 'binary' ? new TextEncoder().encode(id) : id;
    if (!sys.send(data)) m.rejected.push(id);
    if (data instanceof Uint8Array) data.fill(0x21); // the app reuses its buffer
    settle(m, sys);
  }
  toString = () => (this.kind === 'text' ? 'send()' : `send(${this.kind})`);
}

export class StopCommand implements Cmd {
  check = (m: Readonly<ConnectionModel>) => !m.stopped;
  run(m: ConnectionModel, sys: System) {
    m.stopped = true;
    noteUserCall(m);
    const before = sys.status();
    const mark = sys.events.length;
    m.stoppedAt = sys.clock.now();
    sys.stop();
    checkStop(m, sys, before, mark);
    settle(m, sys);
  }
  toString = () => 'stop()';
}

/**
 * Lets pending microtasks run (handle runs; the commands between two of these run in one tick).
 * The first one after an `autoConnect` creation checks invariant 9.
 */
export class MicrotasksCommand implements Cmd {
  check = () => true;
  async run(m: ConnectionModel, sys: System) {
    const before = tickObservable(sys);
    if (m.firstTick && !m.firstTick.called) startBudget(m, sys); // the deferred CONNECT from idle
    for (let i = 0; i < 4; i++) await Promise.resolve();
    checkFirstTick(m, sys, before);
    settle(m, sys);
  }
  toString = () => 'microtasks run';
}

/** Registers model listener `fn` on `status` (the same function may be registered again). */
class ListenCommand implements Cmd {
  constructor(readonly fn: number) {}
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    if (!sys.listen) return;
    m.registrations.push({ fn: this.fn, active: true, off: sys.listen(this.fn) });
    settle(m, sys);
  }
  toString = () => `on('status', f${this.fn})`;
}

/** Calls the unsubscribe of one registration (again, if it already ran: that removes nothing). */
class UnsubscribeCommand implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<ConnectionModel>) => m.registrations.length > 0;
  run(m: ConnectionModel, sys: System) {
    const registration = m.registrations[this.pick % m.registrations.length]!;
    registration.active = false;
    registration.off();
    settle(m, sys);
  }
  toString = () => `unsubscribe registration ${this.pick}`;
}

class ServerAcceptCommand implements Cmd {
  check = (m: Readonly<ConnectionModel>) => m.online;
  run(m: ConnectionModel, sys: System) {
    const socket = current(sys);
    if (socket?.readyState !== 0) return;
    socket.accept();
    settle(m, sys);
  }
  toString = () => 'server accepts';
}

class ServerCloseCommand implements Cmd {
  constructor(readonly code: number) {}
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    const socket = current(sys);
    if (!socket || socket.readyState === 3) return;
    socket.serverClose(this.code, 'server');
    settle(m, sys);
  }
  toString = () => `server closes ${this.code}`;
}

class ServerMessageCommand implements Cmd {
  constructor(readonly data: 'pong' | 'hello') {}
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    const socket = current(sys);
    if (socket?.readyState !== 1) return;
    socket.receive(this.data);
    settle(m, sys);
  }
  toString = () => (this.data === 'pong' ? 'pong arrives' : 'server message');
}

class DropCommand implements Cmd {
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    const socket = current(sys);
    if (!socket || socket.readyState === 3) return;
    socket.drop();
    settle(m, sys);
  }
  toString = () => 'socket error/drop';
}

class CompleteCloseCommand implements Cmd {
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    const socket = current(sys);
    if (socket?.readyState !== 2) return;
    socket.completeClose();
    settle(m, sys);
  }
  toString = () => 'close completes';
}

class NetworkOfflineCommand implements Cmd {
  check = (m: Readonly<ConnectionModel>) => m.online;
  run(m: ConnectionModel, sys: System) {
    m.online = false;
    const socket = current(sys);
    if (socket && socket.readyState !== 3) socket.drop();
    settle(m, sys);
  }
  toString = () => 'network offline';
}

class NetworkOnlineCommand implements Cmd {
  check = (m: Readonly<ConnectionModel>) => !m.online && !m.stopped;
  run(m: ConnectionModel, sys: System) {
    m.online = true;
    sys.actor.send({ type: 'NETWORK.ONLINE' });
    settle(m, sys);
  }
  toString = () => 'network online';
}

class AdvanceCommand implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    sys.phase = 'advance';
    advance(sys.clock, this.ms, () => checkInvariants(m, sys));
    settle(m, sys);
  }
  toString = () => `advance ${this.ms} ms`;
}

/** Advances exactly to the next armed timer (a retry, a timeout, a heartbeat), if any. */
class NextTimerCommand implements Cmd {
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    const due = sys.armedTimers();
    if (due.length === 0) return;
    new AdvanceCommand(Math.max(0, Math.min(...due) - sys.clock.now())).run(m, sys);
  }
  toString = () => 'advance to the next timer';
}

type UrlOutcome = 'fulfil' | 'fulfil twice' | 'reject';

/** Settles a thenable the `url` function returned (config `url: 'thenable'`): on time, late, twice. */
class UrlSettleCommand implements Cmd {
  constructor(
    readonly pick: number,
    readonly outcome: UrlOutcome,
  ) {}
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    if (sys.pendingUrls.length === 0) return;
    const [pending] = sys.pendingUrls.splice(this.pick % sys.pendingUrls.length, 1);
    if (this.outcome === 'reject') pending!.reject(new Error('model url rejects'));
    else pending!.fulfil('ws://model.invalid/socket');
    if (this.outcome === 'fulfil twice') pending!.fulfil('ws://model.invalid/twice');
    settle(m, sys);
  }
  toString = () => `url ${this.outcome} (${this.pick})`;
}

type LateAction = 'completeClose' | 'drop' | 'serverClose' | 'accept' | 'receive';

/** Invariant 8: an event from a socket the connection let go of changes nothing. */
class LateEventCommand implements Cmd {
  constructor(
    readonly pick: number,
    readonly action: LateAction,
  ) {}
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    const disposed = sys.server.sockets.filter((s) => s.listenerCount() === 0 && s.readyState !== 3);
    if (disposed.length === 0) return;
    const socket = disposed[this.pick % disposed.length]!;
    const applicable: Record<LateAction, boolean> = {
      completeClose: socket.readyState === 2,
      drop: true,
      serverClose: true,
      accept: socket.readyState === 0,
      receive: socket.readyState === 1,
    };
    if (!applicable[this.action]) return;
    const before = observable(sys, socket);
    if (this.action === 'serverClose') socket.serverClose(1000, 'late');
    else if (this.action === 'receive') socket.receive('late');
    else socket[this.action]();
    const after = observable(sys, socket);
    if (m.checks.has(8) && after !== before) {
      throw new InvariantViolation(8, `${this.action} on disposed socket #${sys.server.sockets.indexOf(socket)} changed ${before} into ${after}`);
    }
    settle(m, sys);
  }
  toString = () => `late ${this.action} on disposed socket (${this.pick})`;
}

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

/** Every command, as arbitraries for `fc.commands`. */
export function connectionCommands(options: { send?: boolean; handle?: boolean } = {}): Array<fc.Arbitrary<Cmd>> {
  const cmds: Array<fc.Arbitrary<Cmd>> = [
    fc.constant(new ConnectCommand()),
    fc.constantFrom(1000, 4000).map((code) => new CloseCommand(code)),
    fc.constant(new ReconnectCommand()),
    // stop() ends the interesting part of a sequence: a quarter of the weight of other commands.
    fc.integer({ min: 0, max: 3 }).map((n) => (n === 0 ? new StopCommand() : new NextTimerCommand())),
    fc.constant(new ServerAcceptCommand()),
    fc.constant(new ServerAcceptCommand()),
    fc.constantFrom(...SERVER_CLOSE_CODES).map((code) => new ServerCloseCommand(code)),
    fc.constantFrom('pong' as const, 'hello' as const).map((data) => new ServerMessageCommand(data)),
    fc.constant(new DropCommand()),
    fc.constant(new CompleteCloseCommand()),
    fc.constant(new NetworkOfflineCommand()),
    fc.constant(new NetworkOnlineCommand()),
    fc
      .oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2_000 }), fc.constant(3_600_000))
      .map((ms) => new AdvanceCommand(ms)),
    fc.integer({ min: 0, max: 500 }).map((ms) => new AdvanceCommand(ms)),
    fc.constant(new NextTimerCommand()),
    fc.constant(new NextTimerCommand()),
    fc.constant(new DropCommand()),
    fc
      .tuple(fc.nat({ max: 7 }), fc.constantFrom<LateAction>('completeClose', 'drop', 'serverClose', 'accept', 'receive'))
      .map(([pick, action]) => new LateEventCommand(pick, action)),
  ];
  if (options.send) cmds.push(fc.constant(new SendCommand()), fc.constant(new SendCommand()));
  if (options.handle) {
    cmds.push(
      fc.constantFrom<MessageKind>('text', 'binary', 'refused').map((kind) => new SendCommand(kind)),
      fc.constant(new MicrotasksCommand()),
      fc.constant(new MicrotasksCommand()),
      fc.nat({ max: 1 }).map((fn) => new ListenCommand(fn)),
      fc.nat({ max: 1 }).map((fn) => new ListenCommand(fn)),
      fc.nat({ max: 5 }).map((pick) => new UnsubscribeCommand(pick)),
    );
  }
  cmds.push(
    fc
      .tuple(fc.nat({ max: 3 }), fc.constantFrom<UrlOutcome>('fulfil', 'fulfil', 'fulfil twice', 'reject'))
      .map(([pick, outcome]) => new UrlSettleCommand(pick, outcome)),
  );
  return cmds;
}

/** Configurations: small timings so timers interleave, zero delays, caps reached, with and without terminate(). */
export const systemConfigArbitrary: fc.Arbitrary<SystemConfig> = fc
  .record({
    maxRetries: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 5, max: 40 })),
    initialDelayMs: fc.integer({ min: 0, max: 300 }),
    extraDelayMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000 })),
    factor: fc.constantFrom(1, 1.25, 2, 10),
    jitter: fc.constantFrom(0, 0.5, 1),
    connectTimeoutMs: fc.integer({ min: 1, max: 500 }),
    closeTimeoutMs: fc.integer({ min: 0, max: 500 }),
    stableUptimeMs: fc.integer({ min: 0, max: 1_000 }),
    // Any ratio of timeoutMs to intervalMs (timeoutMs ≥ intervalMs once detected deaths late).
    heartbeat: fc.option(fc.record({ intervalMs: fc.integer({ min: 1, max: 300 }), timeoutMs: fc.integer({ min: 1, max: 600 }) })),
    terminate: fc.boolean(),
    // The `seed` option: the model predicts every retry delay from it (invariant 13).
    seed: fc.integer({ min: 0, max: 0xffff_ffff }),
    maxQueuedMessages: fc.integer({ min: 0, max: 4 }),
    autoConnect: fc.boolean(),
    heartbeatShape: fc.constantFrom<HeartbeatShape>('defaults', 'data', 'functions'),
    policy: fc.constantFrom('absent', 'absent', 'never', 'throws', 'byCode'),
    url: fc.constantFrom('string', 'string', 'thenable', 'thenable', 'throwingThen'),
  })
  .map(({ initialDelayMs, extraDelayMs, factor, jitter, ...rest }) => ({
    ...rest,
    backoff: { initialDelayMs, maxDelayMs: initialDelayMs + extraDelayMs, factor, jitter },
  }));
