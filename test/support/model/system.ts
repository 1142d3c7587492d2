/**
 * The system under test for the model-based runs: a connection (a machine variant driven
 * directly, or the real `createConnection` handle) on a recording fake WebSocket and a
 * `SimulatedClock`. The recorder notes, at the instant they happen, the facts the invariants
 * speak about: socket creations, close requests, pings, heartbeat closes, retries, backoff time.
 */
import { assign, createActor, SimulatedClock, type Actor } from 'xstate';
import {
  connectionMachine,
  createConnection,
  createSocketActor,
  getStatus,
  resolveOptions,
  type ConnectionSettings,
  type ConnectionStatus,
  type WebSocketConstructor,
} from '../../../src/index.js';
import { nextRetry } from '../../../src/connection.machine.js';
import { createFakeWebSocketServer, type FakeWebSocket, type FakeWebSocketServer } from '../fake-websocket.js';
import { armedTimers } from '../virtual-time.js';

export type ConnectionMachine = typeof connectionMachine;

/** One configuration of a run: the connection's options and the fake's behaviour. */
export interface SystemConfig {
  readonly maxRetries: number;
  readonly backoff: { initialDelayMs: number; maxDelayMs: number; factor: number; jitter: number };
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly stableUptimeMs: number;
  readonly heartbeat: { intervalMs: number; timeoutMs: number } | null;
  /** Whether the fake WebSocket class has `terminate()` (like `ws`). */
  readonly terminate: boolean;
  /** Random draws for jitter, used in turn. */
  readonly draws: readonly number[];
  /** Handle only: bound of the send queue. */
  readonly maxQueuedMessages: number;
}

/** A machine under test, with its retry delays drawn from `draw` so runs replay exactly. */
export interface MachineUnderTest {
  readonly name: string;
  build(draw: () => number): ConnectionMachine;
  /** The socket actor to use instead of `createSocketActor` (a broken adapter). */
  readonly socketActor?: typeof createSocketActor;
}

/** The shipped machine, with deterministic draws through the exported `nextRetry`. */
export const shippedMachine: MachineUnderTest = {
  name: 'connectionMachine',
  build: (draw) => connectionMachine.provide({ actions: { planRetry: assign(({ context }) => nextRetry(context, draw())) } }),
};

/** What the recorder knows about one socket, by creation index. */
export interface SocketLog {
  readonly createdAt: number;
  openedAt: number | null;
  leftOpenAt: number | null;
  closeRequestedAt: number | null;
  lastInboundAt: number;
}

export interface Violation {
  readonly invariant: number;
  readonly message: string;
}

export interface System {
  readonly kind: 'machine' | 'handle';
  readonly config: SystemConfig;
  readonly settings: ConnectionSettings;
  readonly actor: Actor<ConnectionMachine>;
  readonly server: FakeWebSocketServer;
  readonly clock: SimulatedClock;
  readonly logs: SocketLog[];
  /** Facts noted as they happened that break an invariant (checked after every step). */
  readonly violations: Violation[];
  /** Called after every ping is given to a socket (e.g. to answer it). */
  onPing?: (socket: FakeWebSocket) => void;
  /** 'advance' while virtual time runs, 'command' otherwise. */
  phase: 'advance' | 'command';
  /** Total virtual time spent in `backoff` so far (including the current stay). */
  backoffMs(): number;
  /** Every `retry` event, in order. */
  readonly retries: Array<{ attempt: number; delayMs: number; at: number }>;
  /** Every `gaveUp` event not yet checked: its reason and how many sockets existed then. */
  readonly gaveUps: Array<{ reason: string; sockets: number }>;
  status(): ConnectionStatus;
  connect(): void;
  close(code: number): void;
  reconnect(): void;
  stop(): void;
  /** Handle only. */
  send?(data: string): boolean;
  /** Handle only: every `dropped` event's data, in order. */
  readonly dropped: string[];
  /** Number of events the actor emitted (to check that late events change nothing). */
  emittedCount(): number;
  armedTimers(): number[];
}

const URL_ = 'ws://model.invalid/socket';

/**
 * Building a machine per run costs more than the run, so each machine under test is built once,
 * with a socket actor and draws that delegate to the system being run (runs are sequential).
 */
let current: { WebSocket: WebSocketConstructor; clock: SimulatedClock; draw: () => number } | null = null;
const built = new WeakMap<MachineUnderTest, ConnectionMachine>();
function machineFor(machine: MachineUnderTest): ConnectionMachine {
  let m = built.get(machine);
  if (!m) {
    const deps = {
      get WebSocket() {
        return current!.WebSocket;
      },
      now: () => current!.clock.now(),
    };
    m = machine.build(() => current!.draw()).provide({ actors: { socket: (machine.socketActor ?? createSocketActor)(deps) } });
    built.set(machine, m);
  }
  return m;
}

/** Sum of the retry-delay ceilings for retries 1..maxRetries: the longest total backoff of one budget. */
export function sumOfCeilings(config: SystemConfig, ceiling: (attempt: number) => number): number {
  let sum = 0;
  for (let n = 1; n <= config.maxRetries; n++) sum += ceiling(n);
  return sum;
}

function createRecordingServer(config: SystemConfig, clock: SimulatedClock, sys: () => System) {
  const server = createFakeWebSocketServer({ terminate: config.terminate });
  const logs: SocketLog[] = [];
  const violations: Violation[] = [];
  const logOf = (socket: FakeWebSocket) => logs[server.sockets.indexOf(socket)]!;
  const leaveOpen = (socket: FakeWebSocket) => {
    const log = logOf(socket);
    if (socket.readyState === 1 && log.leftOpenAt === null) log.leftOpenAt = clock.now();
  };

  class RecordingWebSocket extends server.WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      const now = clock.now();
      const index = server.sockets.length - 1;
      logs[index] = { createdAt: now, openedAt: null, leftOpenAt: null, closeRequestedAt: null, lastInboundAt: now };
      for (let j = 0; j < index; j++) {
        const earlier = server.sockets[j]!;
        const log = logs[j]!;
        const abandoned =
          earlier.listenerCount() === 0 && log.closeRequestedAt !== null && now - log.closeRequestedAt >= config.closeTimeoutMs;
        if (earlier.readyState !== 3 && !abandoned) {
          violations.push({
            invariant: 1,
            message: `socket #${index} created at t=${now} while socket #${j} is in readyState ${earlier.readyState} (close requested at ${log.closeRequestedAt}, listeners ${earlier.listenerCount()})`,
          });
        }
      }
    }
    override accept(protocol?: string) {
      const log = logOf(this);
      log.openedAt = log.lastInboundAt = clock.now();
      super.accept(protocol);
    }
    override receive(data: unknown) {
      logOf(this).lastInboundAt = clock.now();
      super.receive(data);
    }
    override serverClose(code: number, reason?: string) {
      leaveOpen(this);
      super.serverClose(code, reason);
    }
    override drop() {
      leaveOpen(this);
      super.drop();
    }
    override close(code?: number, reason?: string) {
      const log = logOf(this);
      log.closeRequestedAt ??= clock.now();
      if (reason === 'heartbeat timeout' && config.heartbeat) {
        const silence = clock.now() - log.lastInboundAt;
        if (silence < config.heartbeat.intervalMs + config.heartbeat.timeoutMs) {
          violations.push({ invariant: 6, message: `a live connection was dropped by the heartbeat after only ${silence} ms of silence` });
        }
      }
      leaveOpen(this);
      super.close(code, reason);
    }
    override send(data: unknown) {
      if (data === 'ping') {
        const status = sys().status();
        if (status !== 'open' || this.readyState !== 1 || this.listenerCount() === 0) {
          violations.push({ invariant: 6, message: `ping sent in status ${status} on a socket in readyState ${this.readyState}` });
        }
      }
      super.send(data);
      if (data === 'ping') sys().onPing?.(this);
    }
  }
  return { server, logs, violations, WebSocket: RecordingWebSocket };
}

/**
 * Builds a system. With `machine` the actor is created directly from it (so broken variants can
 * be run); without, the real `createConnection` handle is used (send queue included).
 */
export function createSystem(config: SystemConfig, machine?: MachineUnderTest): System {
  const clock = new SimulatedClock();
  let drawIndex = 0;
  const draw = () => config.draws[drawIndex++ % config.draws.length]!;
  let system: System;
  const { server, logs, violations, WebSocket } = createRecordingServer(config, clock, () => system);
  const options = {
    url: URL_,
    WebSocket,
    clock,
    maxRetries: config.maxRetries,
    backoff: config.backoff,
    connectTimeoutMs: config.connectTimeoutMs,
    closeTimeoutMs: config.closeTimeoutMs,
    stableUptimeMs: config.stableUptimeMs,
    heartbeat: config.heartbeat ?? false,
    maxQueuedMessages: config.maxQueuedMessages,
    random: draw,
    autoConnect: false,
  } as const;
  const settings = resolveOptions(options).settings;
  const dropped: string[] = [];
  let actor: Actor<ConnectionMachine>;
  let controls: Pick<System, 'connect' | 'close' | 'reconnect' | 'stop' | 'send'>;

  if (machine) {
    current = { WebSocket, clock, draw };
    actor = createActor(machineFor(machine), { input: settings, clock });
    actor.start();
    controls = {
      connect: () => actor.send({ type: 'CONNECT' }),
      close: (code) => actor.send({ type: 'DISCONNECT', code, reason: '' }),
      reconnect: () => actor.send({ type: 'RECONNECT' }),
      stop: () => actor.stop(),
    };
  } else {
    const conn = createConnection(options);
    conn.on('dropped', ({ data }) => dropped.push(data as string));
    actor = conn.actor;
    controls = {
      connect: () => conn.connect(),
      close: (code) => conn.close(code),
      reconnect: () => conn.reconnect(),
      stop: () => conn.stop(),
      send: (data) => conn.send(data),
    };
  }

  let emitted = 0;
  actor.on('*', () => emitted++);
  const retries: System['retries'] = [];
  let backoffTotal = 0;
  let backoffSince: number | null = null;
  let status = getStatus(actor.getSnapshot());
  actor.on('retry', ({ attempt, delayMs }) => retries.push({ attempt, delayMs, at: clock.now() }));
  const gaveUps: System['gaveUps'] = [];
  actor.on('gaveUp', ({ reason }) => gaveUps.push({ reason, sockets: server.sockets.length }));
  actor.subscribe((snapshot) => {
    const next = getStatus(snapshot);
    if (next === status) return;
    const now = clock.now();
    if (status === 'backoff' && backoffSince !== null) {
      const elapsed = now - backoffSince;
      backoffTotal += elapsed;
      const planned = retries.at(-1)?.delayMs ?? NaN;
      if (elapsed > planned || (system.phase === 'advance' && elapsed !== planned)) {
        violations.push({ invariant: 3, message: `backoff planned ${planned} ms lasted ${elapsed} ms (left for ${next} during ${system.phase})` });
      }
      backoffSince = null;
    }
    if (next === 'backoff') backoffSince = now;
    status = next;
  });

  system = {
    kind: machine ? 'machine' : 'handle',
    config,
    settings,
    actor,
    server,
    clock,
    logs,
    violations,
    phase: 'command',
    backoffMs: () => backoffTotal + (backoffSince === null ? 0 : clock.now() - backoffSince),
    retries,
    gaveUps,
    status: () => getStatus(actor.getSnapshot()),
    ...controls,
    stop() {
      if (backoffSince !== null) backoffTotal += clock.now() - backoffSince;
      backoffSince = null;
      controls.stop();
    },
    dropped,
    emittedCount: () => emitted,
    armedTimers: () => armedTimers(clock),
  };
  return system;
}
