/**
 * The system under test for the model-based runs: a connection (a machine variant driven
 * directly, or the real `createConnection` handle) on a recording fake WebSocket and a
 * `SimulatedClock`. The recorder notes, at the instant they happen, the facts the invariants
 * speak about: socket creations, close requests, pings, heartbeat closes, retries, backoff time.
 */
import fc from 'fast-check';
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
  type ConnectionEnvironment,
  type EnvironmentChange,
  type EnvironmentSignal,
} from '../../../src/index.js';
import { buildConnection, EVENT_NAMES, SHIPPED_POLICIES, type HandlePolicies } from '../../../src/create-connection.js';
import type { ConnectionEventMap, HandshakeReply, OutgoingData } from '../../../src/index.js';
import type { UrlSource } from '../../../src/options.types.js';
import { createFakeWebSocketServer, type FakeWebSocket, type FakeWebSocketServer } from '../fake-websocket.js';
import type { InvariantId } from '../invariants.js';
import { armedTimers } from '../virtual-time.js';

export type ConnectionMachine = typeof connectionMachine;

type Policy = 'absent' | 'never' | 'throws' | 'byCode';
/** The app's `shouldReconnect`: absent, always false, always throwing, or false for 1006 and every code ≥ 3000. */
const POLICIES: Record<Policy, ((close: CloseInfo) => boolean) | undefined> = {
  absent: undefined,
  never: () => false,
  throws: () => {
    throw new Error('model policy throws');
  },
  byCode: ({ code }) => code !== 1006 && code < 3000,
};

/** The shapes users write `heartbeat.ping`/`isPong` in: left out, the data itself, or functions. */
const HEARTBEAT_SHAPES = {
  defaults: {},
  data: { ping: 'ping', isPong: 'pong' },
  functions: { ping: () => 'ping', isPong: (data: unknown) => data === 'pong' },
} as const;
export type HeartbeatShape = keyof typeof HEARTBEAT_SHAPES;

/**
 * Configurations of a run, the connection's options and the fake's behaviour: small timings so
 * timers interleave, zero delays, caps reached, with and without terminate().
 */
export const systemConfigArbitrary = fc
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
    // Whether the fake WebSocket class has `terminate()` (like `ws`).
    terminate: fc.boolean(),
    // The `seed` option: the model predicts every retry delay from it (invariant 13).
    seed: fc.integer({ min: 0, max: 0xffff_ffff }),
    // Handle only: the send queue's bound, `autoConnect`, how `heartbeat.ping`/`isPong` are written.
    maxQueuedMessages: fc.integer({ min: 0, max: 4 }),
    autoConnect: fc.boolean(),
    heartbeatShape: fc.constantFrom<HeartbeatShape>('defaults', 'data', 'functions'),
    // The app's `shouldReconnect` (see POLICIES).
    policy: fc.constantFrom<Policy>('absent', 'absent', 'never', 'throws', 'byCode'),
    // The `url` option: a string, a function returning a thenable a command settles (so timeouts can
    // fire while it is pending, and it can fulfil twice or late), or one whose `then` throws.
    url: fc.constantFrom('string', 'string', 'thenable', 'thenable', 'throwingThen'),
    // The `handshake` option's timeout, on either side of stableUptimeMs (hello 'hello', the
    // server's verdicts 'ready' and 'denied'; see the commands).
    handshake: fc.option(fc.record({ timeoutMs: fc.integer({ min: 1, max: 1_500 }) })),
    // Handle only: a codec (identity, whose parse throws on 'garbage').
    codec: fc.boolean(),
    // A retry due while the page is hidden waits for it to be visible.
    pauseWhenHidden: fc.boolean(),
  })
  .map(({ initialDelayMs, extraDelayMs, factor, jitter, ...rest }) => ({
    ...rest,
    backoff: { initialDelayMs, maxDelayMs: initialDelayMs + extraDelayMs, factor, jitter },
  }));

type Drawn = typeof systemConfigArbitrary extends fc.Arbitrary<infer C> ? C : never;
type Optional = 'autoConnect' | 'heartbeatShape' | 'policy' | 'url' | 'handshake' | 'codec' | 'pauseWhenHidden';
/** One configuration of a run; the choices in `Optional` default to false, 'defaults', 'absent', 'string', no handshake, no codec and no pause. */
export type SystemConfig = Omit<Drawn, Optional> & Partial<Pick<Drawn, Optional>>;

/** A handle under test: `createConnection` built with these policies (broken variants change one). */
export interface HandleUnderTest {
  readonly name: string;
  readonly policies: HandlePolicies;
}

/** The shipped handle. */
export const shippedHandle: HandleUnderTest = { name: 'createConnection', policies: SHIPPED_POLICIES };

/** The model's codec: messages as they are, but `parse` refuses 'garbage'. */
const MODEL_CODEC = {
  parse(data: unknown) {
    if (data === 'garbage') throw new SyntaxError('model codec refuses garbage');
    return data;
  },
  serialize: (message: unknown) => message as OutgoingData,
};

/** What the fake WebSocket refuses (its `send` throws, like a real one for a SharedArrayBuffer view). */
export const isRefusedByFake = (data: unknown): boolean => typeof data === 'string' && data.startsWith('x');

/** The model's name of a message: a string as it is, a Uint8Array's bytes decoded as UTF-8. */
export function messageId(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return new TextDecoder().decode(data);
  return `<${Object.prototype.toString.call(data)}>`;
}


/** A machine under test (its retry delays come from the input's seed, so runs replay exactly). */
export interface MachineUnderTest {
  readonly name: string;
  readonly machine: ConnectionMachine;
  /** The socket actor to use instead of `createSocketActor` (a broken adapter). */
  readonly socketActor?: typeof createSocketActor;
}

/** The shipped machine, as it is. */
export const shippedMachine: MachineUnderTest = { name: 'connectionMachine', machine: connectionMachine };

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

/** A fake socket that notes, at the instant they happen, the times the invariants speak about. */
export interface RecordedSocket extends FakeWebSocket {
  openedAt: number | null;
  /** When it left OPEN (closed by either side, or dropped). */
  leftOpenAt: number | null;
  closeRequestedAt: number | null;
  lastInboundAt: number;
  /** When the connection was expected to check this socket at once (a page visible again, a clock that jumped). */
  checkedEarlyAt: number | null;
  /** With a handshake: when the server said ready on it while the handshake ran. */
  readyAt: number | null;
}

/** The fake server, its sockets recording; facts that break an invariant go to `violations` as they happen. */
function createRecordingServer(config: SystemConfig, clock: SimulatedClock, violations: Violation[], sys: () => View) {
  const server = createFakeWebSocketServer({ terminate: config.terminate, refuseSend: isRefusedByFake });
  const sockets = server.sockets as RecordedSocket[];

  class RecordingWebSocket extends server.WebSocket implements RecordedSocket {
    openedAt: number | null = null;
    leftOpenAt: number | null = null;
    closeRequestedAt: number | null = null;
    lastInboundAt = clock.now();
    checkedEarlyAt: number | null = null;
    readyAt: number | null = null;
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      const now = clock.now();
      const index = sockets.length - 1;
      sockets.slice(0, index).forEach((earlier, j) => {
        const asked = earlier.closeRequestedAt;
        const abandoned = earlier.listenerCount() === 0 && asked !== null && now - asked >= config.closeTimeoutMs;
        if (earlier.readyState === 3 || abandoned) return;
        const why = `close requested at ${asked}, listeners ${earlier.listenerCount()}`;
        const message = `socket #${index} created at t=${now} while #${j} is in readyState ${earlier.readyState}`;
        violations.push({ invariant: 1, message: `${message} (${why})` });
      });
    }
    private leaveOpen() {
      if (this.readyState === 1) this.leftOpenAt ??= clock.now();
    }
    override accept(protocol?: string) {
      this.openedAt = this.lastInboundAt = clock.now();
      super.accept(protocol);
    }
    override receive(data: unknown) {
      this.lastInboundAt = clock.now();
      super.receive(data);
    }
    override serverClose(code: number, reason?: string) {
      this.leaveOpen();
      super.serverClose(code, reason);
    }
    override drop() {
      this.leaveOpen();
      super.drop();
    }
    override close(code?: number, reason?: string) {
      this.closeRequestedAt ??= clock.now();
      const silence = clock.now() - this.lastInboundAt;
      const { intervalMs, timeoutMs } = config.heartbeat ?? { intervalMs: 0, timeoutMs: 0 };
      // Checked early (the ping went out at once), a dead connection needs only timeoutMs of silence.
      const limit = this.checkedEarlyAt === null ? intervalMs + timeoutMs : timeoutMs;
      if (reason === 'heartbeat timeout' && silence < limit) {
        const message = `a live connection was dropped by the heartbeat after only ${silence} ms of silence`;
        violations.push({ invariant: 6, message });
      }
      this.leaveOpen();
      super.close(code, reason);
    }
    override send(data: unknown) {
      if (config.handshake && data !== 'ping' && data !== 'hello' && this.readyAt === null && this.readyState === 1) {
        violations.push({ invariant: 16, message: `app message ${messageId(data)} handed to socket #${sockets.indexOf(this)} before the server said ready` });
      }
      const status = sys().status();
      if (data === 'ping' && (status !== 'open' || this.readyState !== 1 || this.listenerCount() === 0)) {
          violations.push({ invariant: 6, message: `ping sent in status ${status}, readyState ${this.readyState}` });
      }
      super.send(data);
      if (data === 'ping') sys().onPing?.(this);
    }
  }
  return { server, sockets, WebSocket: RecordingWebSocket };
}

type Violation = { invariant: InvariantId; message: string };

/** What the recorders read of the system while it runs. */
interface View {
  phase: 'advance' | 'command';
  onPing?: (socket: FakeWebSocket) => void;
  status(): ConnectionStatus;
  attempts(): number;
}

/** The user's controls: the handle's methods, or the matching events sent to a machine's actor directly. */
interface Controls {
  connect(): void;
  close(code: number): void;
  reconnect(): void;
  stop(): void;
  /** Handle only. */
  send?(data: OutgoingData): boolean;
  /** Handle only: registers model listener `fn` on `status`; returns its unsubscribe. */
  listen?(fn: number): () => void;
  /** The environment says `signal` (handle: through its `listen` callback; machine: the event the handle would send). */
  say(signal: EnvironmentSignal): void;
  /** The device slept `lateMs` (handle: the environment's wall clock jumps; machine: CLOCK.JUMPED). */
  jump(lateMs: number): void;
}

/** The event the handle sends for a signal (machine runs), hiddenMs measured from the last `hidden`. */
function changeFor(signal: EnvironmentSignal, control: { hiddenAt: number | null }, now: number): EnvironmentChange {
  switch (signal) {
    case 'online':
      return { type: 'NETWORK.ONLINE' };
    case 'offline':
      return { type: 'NETWORK.OFFLINE' };
    case 'hidden':
      control.hiddenAt = now;
      return { type: 'PAGE.HIDDEN' };
    case 'visible': {
      const hiddenMs = control.hiddenAt === null ? 0 : now - control.hiddenAt;
      control.hiddenAt = null;
      return { type: 'PAGE.VISIBLE', hiddenMs };
    }
    case 'cached':
      return { type: 'PAGE.CACHED' };
    case 'restored':
      return { type: 'PAGE.RESTORED' };
  }
}

export type System = ReturnType<typeof createSystem>;

/**
 * Builds a system. With `machine` the actor is created directly from it (so broken variants can
 * be run); without, the real `createConnection` handle is used (send queue included).
 */
export function createSystem(config: SystemConfig, machine?: MachineUnderTest, handle = shippedHandle) {
  const clock = new SimulatedClock();
  const violations: Violation[] = [];
  let self: View;
  const { server, sockets, WebSocket } = createRecordingServer(config, clock, violations, () => self);
  const { policy = 'absent', url: urlKind = 'string', heartbeat, heartbeatShape = 'defaults' } = config;
  const { maxRetries, backoff, connectTimeoutMs, closeTimeoutMs, stableUptimeMs, maxQueuedMessages, seed } = config;
  const verdicts = new Map<number, { verdict: boolean | 'threw'; code: number }>();
  const decide = POLICIES[policy];
  const shouldReconnect =
    decide &&
    ((close: CloseInfo) => {
      const entry = { verdict: 'threw' as boolean | 'threw', code: close.code };
      verdicts.set(self.attempts(), entry);
      entry.verdict = decide(close);
      return entry.verdict;
    });
  const pendingUrls: Array<{ fulfil: (url: string) => void; reject: (error: unknown) => void }> = [];
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
  const url = () => {
    urlCalls++;
    return thenables[urlKind as keyof typeof thenables];
  };
  /** Set by the command 'hello fails': the next hello throws. */
  const helloControl = { failNext: false };
  const hello = () => {
    if (!helloControl.failNext) return 'hello';
    helloControl.failNext = false;
    throw new Error('model hello fails');
  };
  // 'denied' is a bare rejection, 'denied:<why>' one with the server's reason.
  const reply = (data: unknown): HandshakeReply =>
    data === 'ready'
      ? 'ready'
      : data === 'denied'
        ? 'rejected'
        : typeof data === 'string' && data.startsWith('denied:')
          ? { verdict: 'rejected', reason: data.slice('denied:'.length) }
          : undefined;
  /**
   * The environment: handle runs listen to this fake (its `now` is virtual time plus the jumps a
   * command made); machine runs get what the handle would send. `signal` stays callable after
   * `stop()`, so a late signal can be tried.
   */
  const environmentControl = {
    signal: null as ((signal: EnvironmentSignal) => void) | null,
    listening: 0,
    unlistens: 0,
    jumpedMs: 0,
    hiddenAt: null as number | null,
  };
  const environment: ConnectionEnvironment = {
    listen(signal) {
      environmentControl.listening++;
      environmentControl.signal = signal;
      return () => {
        environmentControl.unlistens++;
        environmentControl.listening--;
      };
    },
    now: () => clock.now() + environmentControl.jumpedMs,
  };
  const options = {
    ...(config.handshake ? { handshake: { hello, reply, timeoutMs: config.handshake.timeoutMs } } : {}),
    pauseWhenHidden: config.pauseWhenHidden ?? false,
    environment,
    ...(config.codec && !machine ? { codec: MODEL_CODEC } : {}),
    maxRetries, backoff, connectTimeoutMs, closeTimeoutMs, stableUptimeMs, maxQueuedMessages, seed,
    url: urlKind === 'string' ? URL_ : (url as unknown as UrlSource),
    ...(shouldReconnect ? { shouldReconnect } : {}),
    WebSocket,
    clock,
    heartbeat: heartbeat ? { ...heartbeat, ...HEARTBEAT_SHAPES[heartbeatShape] } : false,
    autoConnect: false,
  } as const;
  const events: Array<[keyof ConnectionEventMap, unknown]> = [];
  /** Handle runs with a codec: error events that carried a refused message. */
  const codecRefusals = { count: 0 };
  const dropped: string[] = [];
  const listenerCalls: string[] = [];
  /** One function per model listener, so registering `fn` again registers the same function. */
  const modelListeners: Array<() => void> = [];
  const { settings, adapter } = resolveOptions(options);
  let actor: Actor<ConnectionMachine>;
  let controls: Controls;
  let status_: () => ConnectionStatus = () => getStatus(actor.getSnapshot());

  const handshake = config.handshake ?? null;
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
      // What the handle sends for each signal (machine runs say only changes; see the commands).
      say: (signal) => actor.send(changeFor(signal, environmentControl, clock.now())),
      jump: (lateMs) => actor.send({ type: 'CLOCK.JUMPED', lateMs }),
    };
  } else {
    const conn = buildConnection({ ...options, autoConnect: config.autoConnect ?? false }, handle.policies);
    conn.on('status', () => listenerCalls.push('*'));
    for (const name of EVENT_NAMES) conn.on(name, (payload) => events.push([name, payload]));
    conn.on('message', (data) => {
      if (heartbeat && data === 'pong') violations.push({ invariant: 6, message: 'a pong was delivered to message listeners' });
    });
    conn.on('dropped', ({ data }) => dropped.push(messageId(data)));
    // 15. A message the codec refuses is reported with its data, never delivered, and the connection stays up.
    conn.on('message', (data) => {
      if (config.codec && data === 'garbage') violations.push({ invariant: 15, message: 'a message codec.parse threw on was delivered' });
    });
    conn.on('error', ({ data }) => {
      if (data === 'garbage') codecRefusals.count++;
    });
    actor = conn.actor;
    status_ = () => conn.status;
    controls = {
      connect: () => conn.connect(),
      close: (code) => conn.close(code),
      reconnect: () => conn.reconnect(),
      stop: () => conn.stop(),
      send: (data) => conn.send(data),
      listen: (fn) => conn.on('status', (modelListeners[fn] ??= () => listenerCalls.push(`f${fn}`))),
      say: (signal) => environmentControl.signal?.(signal),
      // The wall clock runs ahead: the next heartbeat timer to fire is that late.
      jump: (lateMs) => void (environmentControl.jumpedMs += lateMs),
    };
  }

  let emitted = 0;
  actor.on('*', () => emitted++);
  const retries: Array<{ attempt: number; delayMs: number }> = [];
  actor.on('retry', ({ attempt, delayMs }) => retries.push({ attempt, delayMs }));
  const gaveUps: Array<{ reason: string; sockets: number }> = [];
  const gaveUpReasons: string[] = [];
  const gaveUpRejections: Array<string | undefined> = [];
  actor.on('gaveUp', ({ reason, rejection }) => {
    gaveUps.push({ reason, sockets: sockets.length });
    gaveUpReasons.push(reason);
    gaveUpRejections.push(rejection);
  });
  // 16. With a handshake, an open event only for a socket the server said ready on.
  actor.on('open', () => {
    if (handshake && sockets.at(-1)?.readyAt == null) {
      violations.push({ invariant: 16, message: `open emitted at t=${clock.now()} before the server said ready on socket #${sockets.length - 1}` });
    }
  });
  // Time in `backoff.waiting` (the retry delay); waits for the network or the page have no delay.
  let backoffTotal = 0;
  let backoffSince: number | null = null;
  const isWaiting = (snapshot: ReturnType<typeof actor.getSnapshot>) => snapshot.matches({ backoff: 'waiting' } as never);
  let waiting = isWaiting(actor.getSnapshot());
  actor.subscribe({
    error: () => {}, // xstate reports an error as unhandled unless every observer takes it
    next: (snapshot) => {
      const next = isWaiting(snapshot);
      if (next === waiting) return;
      const now = clock.now();
      if (waiting && backoffSince !== null) {
        const elapsed = now - backoffSince;
        backoffTotal += elapsed;
        const planned = retries.at(-1)?.delayMs ?? NaN;
        if (elapsed > planned || (self.phase === 'advance' && elapsed !== planned)) {
          const message = `backoff planned ${planned} ms lasted ${elapsed} ms (left for ${JSON.stringify(snapshot.value)} during ${self.phase})`;
          violations.push({ invariant: 3, message });
        }
        backoffSince = null;
      }
      if (next) backoffSince = now;
      waiting = next;
    },
  });

  const system = {
    kind: (machine ? 'machine' : 'handle') as 'machine' | 'handle',
    config,
    actor,
    server,
    /** Every socket created, in order, with its recorded times. */
    sockets,
    clock,
    /** Facts noted as they happened that break an invariant (checked after every step). */
    violations,
    /** Called after every ping is given to a socket (e.g. to answer it). */
    onPing: undefined as View['onPing'],
    /** 'advance' while virtual time runs, 'command' otherwise. */
    phase: 'command' as View['phase'],
    /** Total virtual time spent waiting for a retry delay (`backoff.waiting`) so far, the current stay included. */
    backoffMs: () => backoffTotal + (backoffSince === null ? 0 : clock.now() - backoffSince),
    /** Every `retry` event, in order. */
    retries,
    /** Every `gaveUp` event not yet checked: its reason and how many sockets existed then. */
    gaveUps,
    /** Every `gaveUp` event's reason, in order (invariant 17). */
    gaveUpReasons,
    /** Every `gaveUp` event's `rejection`, in order (invariant 17). */
    gaveUpRejections,
    /** The handshake's settings, if the run has one. */
    handshake,
    /** `failNext`: the next `handshake.hello` throws. */
    helloControl,
    /** Handle runs with a codec: error events that carried a refused message ('garbage'). */
    codecRefusals,
    status: () => status_(),
    ...controls,
    stop() {
      if (backoffSince !== null) backoffTotal += clock.now() - backoffSince;
      backoffSince = null;
      controls.stop();
    },
    /** Handle only: every `dropped` event's data (as `messageId`, taken when the event fired), in order. */
    dropped,
    /** Handle only: every event the handle fired, in order (listeners registered at creation). */
    events,
    /** Handle only: per `status` event, `*` then the model listeners called (`f0`, `f1`), in order. */
    listenerCalls,
    /** Number of events the actor emitted (to check that late events change nothing). */
    emittedCount: () => emitted,
    armedTimers: () => armedTimers(clock),
    /** The last `shouldReconnect` answer given while n attempts had started, by n. */
    verdicts,
    /** Attempts started: `url` calls where it is a function (an attempt may end before its socket exists), else sockets. */
    attempts: () => (urlKind === 'string' ? sockets.length : urlCalls),
    /** Thenables returned by the `url` function that were not settled yet (config `url: 'thenable'`). */
    pendingUrls,
    /** The fake environment's bookkeeping: listeners, unlistens, the wall clock's jumps. */
    environmentControl,
  };
  self = system;
  return system;
}
