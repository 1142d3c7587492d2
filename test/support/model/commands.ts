/**
 * The commands of the model-based runs (layout after fast-check's musicPlayer example): the user
 * (connect, close, reconnect, send, stop), the server (accept, close with a code, message/pong,
 * complete a pending close), the network (drop, offline, online), the clock (advance), and late
 * events from sockets the connection has already let go of. Every command checks the invariants
 * after it ran; `advance` checks them at every instant a timer fires.
 */
import fc from 'fast-check';
import type { FakeWebSocket } from '../fake-websocket.js';
import { checkInvariants, InvariantViolation, startBudget, type ConnectionModel } from './connection.model.js';
import { advance } from '../virtual-time.js';
import type { System, SystemConfig } from './system.js';

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
    if (m.closedByUser || status === 'idle' || status === 'gaveUp' || status === 'manuallyClosed') startBudget(m, sys);
    m.closedByUser = null;
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
    sys.close(this.code);
    settle(m, sys);
  }
  toString = () => `close(${this.code})`;
}

class SendCommand implements Cmd {
  check = () => true;
  run(m: ConnectionModel, sys: System) {
    if (!sys.send) return;
    const data = `m${m.messages.length}`;
    m.messages.push(data);
    if (!sys.send(data)) m.rejected.push(data);
    settle(m, sys);
  }
  toString = () => 'send()';
}

class StopCommand implements Cmd {
  check = (m: Readonly<ConnectionModel>) => !m.stopped;
  run(m: ConnectionModel, sys: System) {
    m.stopped = true;
    sys.stop();
    settle(m, sys);
  }
  toString = () => 'stop()';
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
export function connectionCommands(options: { send?: boolean } = {}): Array<fc.Arbitrary<Cmd>> {
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
    draws: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 4 }),
    maxQueuedMessages: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ initialDelayMs, extraDelayMs, factor, jitter, ...rest }) => ({
    ...rest,
    backoff: { initialDelayMs, maxDelayMs: initialDelayMs + extraDelayMs, factor, jitter },
  }));
