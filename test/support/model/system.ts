/**
 * The system under test for the model-based runs: a connection (a machine variant driven
 * directly, or the real `createConnection` handle) on a recording fake WebSocket and a
 * `SimulatedClock`. The recorder notes, at the instant they happen, the facts the invariants
 * speak about: socket creations, close requests, pings, heartbeat closes, retries, backoff time.
 */
import { createActor, SimulatedClock, type Actor } from 'xstate';
import {
  connectionMachine,
  createSocketActor,
  getStatus,
  resolveOptions,
  type CloseInfo,
  type ConnectionSettings,
  type ConnectionStatus,
  type SocketActorDeps,
} from '../../../src/index.js';
import { buildConnection, EVENT_NAMES, SHIPPED_POLICIES, type HandlePolicies } from '../../../src/create-connection.js';
import type { ConnectionEventMap, OutgoingData } from '../../../src/index.js';
import type { UrlSource } from '../../../src/options.types.js';
import { createFakeWebSocketServer, type FakeWebSocket, type FakeWebSocketServer } from '../fake-websocket.js';
import type { InvariantId } from '../invariants.js';
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
  /** The `seed` option: the retry delays are the draws of the jitter generator it seeds. */
  readonly seed: number;
  /** Handle only: bound of the send queue. */
  readonly maxQueuedMessages: number;
  /** Handle only: `autoConnect` (the first CONNECT waits for a microtask). @default false */
  readonly autoConnect?: boolean;
  /** Handle only: how `heartbeat.ping`/`isPong` are given; all three mean 'ping' and 'pong'. @default 'defaults' */
  readonly heartbeatShape?: HeartbeatShape;
  /**
   * The app's `shouldReconnect`: absent, always false, always throwing, or by code (false for
   * 1006 and every code ≥ 3000, so drops, abandoned sockets and timeouts are vetoed).
   * @default 'absent'
   */
  readonly policy?: 'absent' | 'never' | 'throws' | 'byCode';
  /**
   * The `url` option: a string, a function returning a thenable that a model command settles
   * (so timeouts can fire while it is pending, and it can fulfil twice or late), or a function
   * returning a thenable whose `then` throws. @default 'string'
   */
  readonly url?: 'string' | 'thenable' | 'throwingThen';
}

/** The app's `shouldReconnect` for each policy. */
const POLICIES: Record<NonNullable<SystemConfig['policy']>, ((close: CloseInfo) => boolean) | undefined> = {
  absent: undefined,
  never: () => false,
  throws: () => {
    throw new Error('model policy throws');
  },
  byCode: ({ code }) => code !== 1006 && code < 3000,
};

/** A handle under test: `createConnection` built with these policies (broken variants change one). */
export interface HandleUnderTest {
  readonly name: string;
  readonly policies: HandlePolicies;
}

/** The shipped handle. */
export const shippedHandle: HandleUnderTest = { name: 'createConnection', policies: SHIPPED_POLICIES };

/** What the fake WebSocket refuses (its `send` throws, like a real one for a SharedArrayBuffer view). */
export const isRefusedByFake = (data: unknown): boolean => typeof data === 'string' && data.startsWith('x');

/** The model's name of a message: a string as it is, a Uint8Array's bytes decoded as UTF-8. */
export function messageId(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return new TextDecoder().decode(data);
  return `<${Object.prototype.toString.call(data)}>`;
}

/** The shapes users write `heartbeat.ping`/`isPong` in: left out, the data itself, or functions. */
const HEARTBEAT_SHAPES = {
  defaults: {},
  data: { ping: 'ping', isPong: 'pong' },
  functions: { ping: () => 'ping', isPong: (data: unknown) => data === 'pong' },
} as const;
export type HeartbeatShape = keyof typeof HEARTBEAT_SHAPES;

/** A machine under test (its retry delays come from the input's seed, so runs replay exactly). */
export interface MachineUnderTest {
  readonly name: string;
  readonly machine: ConnectionMachine;
  /** The socket actor to use instead of `createSocketActor` (a broken adapter). */
  readonly socketActor?: typeof createSocketActor;
}

/** The shipped machine, as it is. */
export const shippedMachine: MachineUnderTest = { name: 'connectionMachine', machine: connectionMachine };

/** What the recorder knows about one socket, by creation index. */
interface SocketLog {
  openedAt: number | null;
  leftOpenAt: number | null;
  closeRequestedAt: number | null;
  lastInboundAt: number;
}

export interface System {
  readonly kind: 'machine' | 'handle';
  readonly config: SystemConfig;
  readonly actor: Actor<ConnectionMachine>;
  readonly server: FakeWebSocketServer;
  readonly clock: SimulatedClock;
  readonly logs: SocketLog[];
  /** Facts noted as they happened that break an invariant (checked after every step). */
  readonly violations: Array<{ invariant: InvariantId; message: string }>;
  /** Called after every ping is given to a socket (e.g. to answer it). */
  onPing?: (socket: FakeWebSocket) => void;
  /** 'advance' while virtual time runs, 'command' otherwise. */
  phase: 'advance' | 'command';
  /** Total virtual time spent in `backoff` so far (including the current stay). */
  backoffMs(): number;
  /** Every `retry` event, in order. */
  readonly retries: Array<{ attempt: number; delayMs: number }>;
  /** Every `gaveUp` event not yet checked: its reason and how many sockets existed then. */
  readonly gaveUps: Array<{ reason: string; sockets: number }>;
  status(): ConnectionStatus;
  connect(): void;
  close(code: number): void;
  reconnect(): void;
  stop(): void;
  /** Handle only. */
  send?(data: OutgoingData): boolean;
  /** Handle only: every `dropped` event's data (as `messageId`, taken when the event fired), in order. */
  readonly dropped: string[];
  /** Handle only: every event the handle fired, in order (listeners registered at creation). */
  readonly events: Array<[keyof ConnectionEventMap, unknown]>;
  /** Handle only: registers model listener `fn` on `status`; returns its unsubscribe. */
  listen?(fn: number): () => void;
  /** Handle only: per `status` event, `*` then the model listeners called (`f0`, `f1`), in order. */
  readonly listenerCalls: string[];
  /** Number of events the actor emitted (to check that late events change nothing). */
  emittedCount(): number;
  armedTimers(): number[];
  /** Every `shouldReconnect` answer, with the number of attempts started when it was asked. */
  readonly verdicts: Array<{ verdict: boolean | 'threw'; attemptsAt: number; code: number }>;
  /** Attempts started: calls of the `url` function where it is one (an attempt may end before its socket exists), else sockets. */
  attempts(): number;
  /** Thenables returned by the `url` function that were not settled yet (config `url: 'thenable'`). */
  readonly pendingUrls: Array<{ fulfil: (url: string) => void; reject: (error: unknown) => void }>;
}

const URL_ = 'ws://model.invalid/socket';

/**
 * Building a machine per run costs more than the run, so each machine under test is built once,
 * with a socket actor whose dependencies are those of the system being run (runs are sequential).
 */
let current: SocketActorDeps | null = null;
const currentDeps = new Proxy({} as SocketActorDeps, { get: (_, key) => current![key as keyof SocketActorDeps] });
const built = new WeakMap<MachineUnderTest, ConnectionMachine>();
function machineFor(machine: MachineUnderTest): ConnectionMachine {
  let m = built.get(machine);
  if (!m) {
    m = machine.machine.provide({ actors: { socket: (machine.socketActor ?? createSocketActor)(currentDeps) } });
    built.set(machine, m);
  }
  return m;
}

function createRecordingServer(config: SystemConfig, clock: SimulatedClock, sys: () => System) {
  const server = createFakeWebSocketServer({ terminate: config.terminate, refuseSend: isRefusedByFake });
  const logs: SocketLog[] = [];
  const violations: System['violations'] = [];
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
      logs[index] = { openedAt: null, leftOpenAt: null, closeRequestedAt: null, lastInboundAt: now };
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
export function createSystem(config: SystemConfig, machine?: MachineUnderTest, handle: HandleUnderTest = shippedHandle): System {
  const clock = new SimulatedClock();
  let system: System;
  const { server, logs, violations, WebSocket } = createRecordingServer(config, clock, () => system);
  const verdicts: System['verdicts'] = [];
  const policy = POLICIES[config.policy ?? 'absent'];
  const shouldReconnect =
    policy &&
    ((close: CloseInfo) => {
      const entry = { verdict: 'threw' as boolean | 'threw', attemptsAt: system.attempts(), code: close.code };
      verdicts.push(entry);
      entry.verdict = policy(close);
      return entry.verdict;
    });
  const pendingUrls: System['pendingUrls'] = [];
  let urlCalls = 0;
  // Thenables, not promises: a model command settles them synchronously, with no microtask.
  const thenables = {
    thenable: { then: (fulfil: (url: string) => void, reject: (error: unknown) => void) => void pendingUrls.push({ fulfil, reject }) },
    throwingThen: {
      then() {
        throw new Error('model thenable throws');
      },
    },
  };
  const kind = config.url ?? 'string';
  const thenable = () => {
    urlCalls++;
    return thenables[kind as keyof typeof thenables];
  };
  const { maxRetries, backoff, connectTimeoutMs, closeTimeoutMs, stableUptimeMs, maxQueuedMessages, seed, heartbeat } = config;
  const options = {
    maxRetries, backoff, connectTimeoutMs, closeTimeoutMs, stableUptimeMs, maxQueuedMessages, seed,
    url: kind === 'string' ? URL_ : (thenable as unknown as UrlSource),
    ...(shouldReconnect ? { shouldReconnect } : {}),
    WebSocket,
    clock,
    heartbeat: heartbeat ? { ...heartbeat, ...HEARTBEAT_SHAPES[config.heartbeatShape ?? 'defaults'] } : false,
    autoConnect: false,
  } as const;
  const events: System['events'] = [];
  const listenerCalls: string[] = [];
  /** One function per model listener, so registering `fn` again registers the same function. */
  const modelListeners: Array<() => void> = [];
  const { settings, adapter } = resolveOptions(options);
  const dropped: string[] = [];
  let actor: Actor<ConnectionMachine>;
  let controls: Pick<System, 'connect' | 'close' | 'reconnect' | 'stop' | 'send' | 'listen'>;
  let status_: () => ConnectionStatus = () => getStatus(actor.getSnapshot());

  if (machine) {
    current = adapter;
    actor = createActor(machineFor(machine), { input: settings, clock });
    // An actor in xstate's error state is invariant 15's finding (checkInvariants), not an unhandled error.
    actor.subscribe({ error: () => {} });
    actor.start();
    controls = {
      connect: () => actor.send({ type: 'CONNECT' }),
      close: (code) => actor.send({ type: 'DISCONNECT', code, reason: '' }),
      reconnect: () => actor.send({ type: 'RECONNECT' }),
      stop: () => actor.stop(),
    };
  } else {
    const conn = buildConnection({ ...options, autoConnect: config.autoConnect ?? false }, handle.policies);
    conn.on('status', () => listenerCalls.push('*'));
    for (const name of EVENT_NAMES) {
      conn.on(name, (payload) => events.push([name, payload]));
    }
    conn.on('message', (data) => {
      if (config.heartbeat && data === 'pong') violations.push({ invariant: 6, message: 'a pong was delivered to message listeners' });
    });
    conn.on('dropped', ({ data }) => dropped.push(messageId(data)));
    actor = conn.actor;
    status_ = () => conn.status;
    controls = {
      connect: () => conn.connect(),
      close: (code) => conn.close(code),
      reconnect: () => conn.reconnect(),
      stop: () => conn.stop(),
      send: (data) => conn.send(data),
      listen: (fn) => conn.on('status', (modelListeners[fn] ??= () => listenerCalls.push(`f${fn}`))),
    };
  }

  let emitted = 0;
  actor.on('*', () => emitted++);
  const retries: System['retries'] = [];
  let backoffTotal = 0;
  let backoffSince: number | null = null;
  let status = getStatus(actor.getSnapshot());
  actor.on('retry', ({ attempt, delayMs }) => retries.push({ attempt, delayMs }));
  const gaveUps: System['gaveUps'] = [];
  actor.on('gaveUp', ({ reason }) => gaveUps.push({ reason, sockets: server.sockets.length }));
  actor.subscribe({
    error: () => {}, // xstate reports an error as unhandled unless every observer takes it
    next: (snapshot) => {
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
    },
  });

  system = {
    kind: machine ? 'machine' : 'handle',
    config,
    actor,
    server,
    clock,
    logs,
    violations,
    phase: 'command',
    backoffMs: () => backoffTotal + (backoffSince === null ? 0 : clock.now() - backoffSince),
    retries,
    gaveUps,
    status: () => status_(),
    ...controls,
    stop() {
      if (backoffSince !== null) backoffTotal += clock.now() - backoffSince;
      backoffSince = null;
      controls.stop();
    },
    dropped,
    events,
    listenerCalls,
    emittedCount: () => emitted,
    armedTimers: () => armedTimers(clock),
    verdicts,
    attempts: () => (kind === 'string' ? server.sockets.length : urlCalls),
    pendingUrls,
  };
  return system;
}
