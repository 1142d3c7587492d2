/**
 * The handle apps use: an actor of `connectionMachine` wired to a real WebSocket, a send queue,
 * and listeners. Messages take a direct path while open; the machine only sees what changes state.
 */
import { createActor, type Actor, type ActorOptions, type AnyActorLogic } from 'xstate';
import { bindConnectionDeps } from './connection.deps.js';
import { connectionMachine, getStatus } from './connection.machine.js';
import { byteLengthOf } from './byte-length.js';
import { checkOutgoing, snapshotOutgoing } from './outgoing.js';
import { MAX_CLOSE_REASON_BYTES } from './close-codes.js';
import type { CloseInfo, ConnectionCommand, ConnectionEmitted, ConnectionSettings, ConnectionStatus, EnvironmentChange } from './connection.types.js';
import { describe, messageOf } from './describe.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import type { ConnectionOptions } from './options.types.js';
import type { SocketActorDeps, SocketTransport } from './connection.deps.js';
import type { OutgoingData } from './websocket.types.js';
import { JumpWatchingClock, PLATFORM_TIMERS, readClock, type JumpListener } from './clock-jumps.js';
import type { EnvironmentSignal } from './environment.js';

/**
 * Why a message given to `send` was not sent: the queue was full, the connection was stopped, or
 * the WebSocket refused it (its `send` threw; the messages after it still go out, in order).
 */
export type DropReason = 'queue-full' | 'stopped' | 'refused';

/** The machine's emitted event `K` without its `type`: what a listener of `K` is given. */
type Emitted<K extends ConnectionEmitted['type']> = Omit<Extract<ConnectionEmitted, { type: K }>, 'type'>;
/** The same, its fields writable as the handle has always typed them. */
type WritableEmitted<K extends ConnectionEmitted['type']> = { -readonly [P in keyof Emitted<K>]: Emitted<K>[P] };

/** The emitted events the handle forwards under their own name (`message` takes the direct path). */
type Forwarded = Exclude<ConnectionEmitted['type'], 'message'>;
/** `tsc` fails here when the machine emits an event that has no entry in `ConnectionEventMap`. */
type EveryEmittedEventIsMapped = [Forwarded] extends [keyof ConnectionEventMap] ? true : false;
type AssertTrue<T extends true> = T;
type _EveryEmittedEventChecked = AssertTrue<EveryEmittedEventIsMapped>;

/**
 * Listener payloads, by event name. `open`, `close`, `error`, `retry` and `gaveUp` are the
 * machine's emitted events (`ConnectionEmitted`) without `type`; `status`, `message` (the bare
 * data) and `dropped` are the handle's own.
 */
export interface ConnectionEventMap<In = unknown> {
  status: ConnectionStatus;
  /**
   * The session is open. `reconnected`: an earlier session of this connection was open (re-subscribe
   * then); `downtimeMs`: time since that session ended (its status left `open`), on the `clock`'s
   * `now()`; 0 on the first open.
   */
  open: { protocol: string; reconnected: boolean; downtimeMs: number };
  /** An inbound message: the data as received, or what `codec.parse` made of it. */
  message: In;
  close: Emitted<'close'>;
  /** `data`: the raw message `codec.parse` threw on (`error` is what it threw); that message was not delivered. */
  error: { message: string; error?: unknown; data?: unknown };
  retry: WritableEmitted<'retry'>;
  gaveUp: WritableEmitted<'gaveUp'>;
  /**
   * A message that was not sent. `data` is what was given to `send`, except for binary data that
   * waited in the queue: that is the copy taken at `send()` (the bytes it had then, same type).
   * `error` is what the WebSocket threw, for `refused`.
   */
  dropped: { data: OutgoingData; reason: DropReason; error?: unknown };
}

/** The handle returned by `createConnection`; `In`/`Out` are the `codec`'s messages (raw data without one). */
export interface Connection<In = unknown, Out = OutgoingData> {
  /** The current public status; `manuallyClosed` after `stop()`. */
  readonly status: ConnectionStatus;
  /** The running actor of `connectionMachine` (inspect it, `subscribe`, `getSnapshot`). */
  readonly actor: Actor<typeof connectionMachine>;
  /** Starts connecting from `idle`, `manuallyClosed` or `gaveUp` (fresh retry budget). No-op otherwise. */
  connect(): void;
  /**
   * Closes for good: → `manuallyClosed` (through `closing` while a socket exists), cancels every
   * timer; nothing reconnects until `connect()`. Queued messages are kept for the next connect.
   * @param code 1000 or 3000–4999. @default 1000
   * @param reason at most 123 UTF-8 bytes. @default ''
   */
  close(code?: number, reason?: string): void;
  /** Retries now with a fresh budget: skips a backoff wait, leaves `gaveUp`, or replaces an open socket. */
  reconnect(): void;
  /**
   * Sends now while open, else queues (in order, flushed on open) a copy of binary data, so it
   * goes out with the bytes it had at `send()`. Returns `false` when the message was dropped
   * (queue full, stopped, or refused by the WebSocket); a `dropped` event reports it too, and an
   * `error` event a refusal. Throws a `TypeError` for data a WebSocket cannot send (serialise
   * objects first; copy a SharedArrayBuffer or a view on one into an ArrayBuffer). With a `codec`,
   * takes its messages and sends what `serialize` makes (a `TypeError` if it throws); `dropped`
   * then reports the serialised data.
   */
  send(data: Out): boolean;
  /**
   * Subscribes to an event; returns the unsubscribe function. Each call is its own registration
   * (the same function registered twice is called twice); its unsubscribe removes that one only.
   */
  on<K extends keyof ConnectionEventMap<In>>(event: K, listener: (payload: ConnectionEventMap<In>[K]) => void): () => void;
  /**
   * Disposes everything: no socket, timer, socket listener or environment listener remains. The status becomes
   * `manuallyClosed`, and listeners hear, in this order: one `close` event
   * `{ code: 1000, reason: 'client stopped', wasClean: false }` when a socket's life was ended
   * (status `connecting`, `open` or `closing`), one `status` event (unless it already was
   * `manuallyClosed`), then `dropped` for each queued message (and for any later `send`).
   * Your own listeners stay until you unsubscribe them.
   */
  stop(): void;
}

/** The `close` event `stop()` reports when it ends a socket's life. */
export const STOP_CLOSE: CloseInfo = Object.freeze({ code: 1000, reason: 'client stopped', wasClean: false });

/**
 * Two decisions of the handle, as a seam: the shipped ones below, and deliberately broken ones
 * (test/support/broken-handles.ts) that the model-based properties must catch. Not exported by
 * the package.
 */
export interface HandlePolicies {
  /** Whether the deferred first CONNECT of `autoConnect` runs, given what the app did before it. */
  autoConnects(app: { readonly called: boolean; readonly stopped: boolean }): boolean;
  /** The direct send path the handle uses, given the adapter's. */
  transport(transport: SocketTransport): SocketTransport;
  /** The dependencies the adapter gets, given the handle's (its WebSocket, hooks and the rest). */
  deps(deps: SocketActorDeps): SocketActorDeps;
  /** The codec the handle parses and serialises with, given the option's. */
  codec(codec: ResolvedOptions['handle']['codec']): ResolvedOptions['handle']['codec'];
  /** The environment the handle listens to, given the option's. */
  environment(environment: ResolvedOptions['handle']['environment']): ResolvedOptions['handle']['environment'];
}

const same = <T>(value: T): T => value;

/** Any call in the creation tick is final; the adapter's transport, dependencies, codec and environment as they are. */
export const SHIPPED_POLICIES: HandlePolicies = {
  autoConnects: ({ called, stopped }) => !called && !stopped,
  transport: same,
  deps: same,
  codec: same,
  environment: same,
};

/** The statuses in which a socket exists (internal; the shared handle uses it too). */
export const SOCKET_STATUSES: ReadonlySet<ConnectionStatus> = new Set(['connecting', 'open', 'closing']);

/** Every event a listener can subscribe to with `on` (internal; tests import it). */
export const EVENT_NAMES = ['status', 'open', 'message', 'close', 'error', 'retry', 'gaveUp', 'dropped'] as const satisfies readonly (keyof ConnectionEventMap)[];

/** Creates a connection. Throws `TypeError`/`RangeError` at once on invalid options. */
export function createConnection<In = unknown, Out = OutgoingData>(options: ConnectionOptions<In, Out>): Connection<In, Out> {
  return buildConnection(options, SHIPPED_POLICIES) as unknown as Connection<In, Out>;
}

/** One registration of a listener (the same function may have several). */
interface Registration<T> {
  readonly listener: (payload: T) => void;
}

/** What the package's own wrappers may ask of a handle beyond `Connection` (internal). */
export interface ConnectionInternals {
  /** Bytes waiting in the send queue. */
  queuedBytes(): number;
}

/** `createConnection` with its policies given (internal). */
export function buildConnection<In, Out>(options: ConnectionOptions<In, Out>, policies: HandlePolicies): Connection {
  const { settings, adapter, handle } = resolveOptions(options);
  return new ConnectionHandle(settings, adapter, handle, policies);
}

type Listeners = { [K in keyof ConnectionEventMap]?: Array<Registration<ConnectionEventMap[K]>> };

/**
 * The handle: one object with its methods on the prototype (a closure per method and callback
 * cost about 0.8 KB per connection). Three functions remain per connection: the actor's emitted-
 * event and snapshot subscribers, and the environment's signal callback.
 */
class ConnectionHandle implements Connection, JumpListener {
  readonly actor: Actor<typeof connectionMachine>;
  /**
   * Registration arrays are created on first subscription and replaced (not mutated) on change,
   * so an idle connection carries no empty collections and delivery iterates a stable snapshot.
   */
  private readonly listeners: Listeners = {};
  private readonly queue: OutgoingData[] = [];
  private transport: SocketTransport | null = null;
  private stopped = false;
  /** Whether the app called connect, close, reconnect or stop (cancels the deferred auto-connect). */
  private called = false;
  /** The status last announced by a `status` event. */
  private announced: ConnectionStatus;
  private readonly maxQueuedMessages: number;
  /** Stops listening to the environment (`null`: none, or already stopped). */
  private unlisten: (() => void) | null = null;
  /** When the page was last hidden, on the `clock`'s `now()`; `null` while visible. */
  private hiddenAt: number | null = null;
  /** When the last open session ended (its status left `open`), for the next `open` event's `downtimeMs`. */
  private openEndedAt: number | null = null;
  /** The connection's clock (`clock.now` or `performance.now()`): the adapter's dependencies, which hold it. */
  private readonly clock: { now(): number };
  private readonly codec: ResolvedOptions['handle']['codec'];

  constructor(
    settings: ConnectionSettings,
    adapter: SocketActorDeps,
    handle: ResolvedOptions['handle'],
    private readonly policies: HandlePolicies,
  ) {
    this.maxQueuedMessages = handle.maxQueuedMessages;
    this.codec = policies.codec(handle.codec);
    const environment = policies.environment(handle.environment);
    // With a heartbeat and a wall clock, a timer that fires an interval late means the device slept.
    const clock =
      environment?.now && settings.heartbeat
        ? new JumpWatchingClock(handle.clock ?? PLATFORM_TIMERS, environment as { now(): number }, settings.heartbeat.intervalMs, this)
        : handle.clock;
    // One shared machine for every connection; this connection's dependencies are bound to its
    // own actor system (providing a machine per connection would cost ~30 KB of heap each).
    const actor = createActor(connectionMachine, {
      input: settings,
      ...(clock ? { clock: clock as NonNullable<ActorOptions<AnyActorLogic>['clock']> } : {}),
      ...(handle.inspect ? { inspect: handle.inspect } : {}),
    });
    this.actor = actor;
    const host = new HostDeps(adapter, this);
    this.clock = host;
    bindConnectionDeps(actor.system, policies.deps(host));

    // Every emitted event is a handle event of the same name, its payload the emitted object without
    // `type`. `message` never comes this way: the adapter delivers messages directly (onMessage).
    actor.on('*', ({ type, ...payload }) => {
      if (type === 'open') this.fire('open', { ...(payload as Emitted<'open'>), downtimeMs: this.downtimeMs() });
      else if (type !== 'message') this.fire(type, payload as ConnectionEventMap[Exclude<Forwarded, 'open'>]);
    });

    this.announced = getStatus(actor.getSnapshot());
    actor.subscribe((snapshot) => {
      const next = getStatus(snapshot);
      if (next === this.announced) return;
      if (this.announced === 'open') this.openEndedAt = this.safeNow();
      this.announced = next;
      this.fire('status', next);
    });

    actor.start();
    // What the environment says now (offline, hidden) reaches the machine before the first CONNECT.
    if (environment) this.unlisten = environment.listen((signal) => this.environmentSaid(signal));
    // Connect on the next microtask, so listeners attached right after creation see every event.
    // Any call before then is final: the deferred CONNECT does not run after it.
    if (handle.autoConnect) queueMicrotask(() => this.autoConnect());
  }

  /** Time since the last open session ended; 0 before the first one ended. */
  private downtimeMs(): number {
    return this.openEndedAt === null ? 0 : Math.max(0, this.safeNow() - this.openEndedAt);
  }
  /** The clock's `now()`; a clock that throws is reported by the adapter's heartbeat, here it reads as `performance.now()`. */
  private safeNow(): number {
    const now = readClock(this.clock);
    return Number.isNaN(now) ? performance.now() : now;
  }

  get status(): ConnectionStatus {
    return this.stopped ? 'manuallyClosed' : getStatus(this.actor.getSnapshot());
  }

  connect(): void {
    attached(this, 'connect').request('connect', { type: 'CONNECT' });
  }

  close(code = 1000, reason = ''): void {
    attached(this, 'close').request('close', { type: 'DISCONNECT', code, reason }, () => checkCloseArguments(code, reason));
  }

  reconnect(): void {
    attached(this, 'reconnect').request('reconnect', { type: 'RECONNECT' });
  }

  send(message: OutgoingData): boolean {
    attached(this, 'send');
    const data = this.codec === null ? message : this.serialize(message);
    checkOutgoing(data, this.codec === null ? undefined : '`codec.serialize`');
    const { queue, transport } = this;
    if (queue.length === 0 && transport !== null) {
      try {
        if (transport.send(data)) return true;
      } catch (error) {
        this.refused(data, error);
        return false;
      }
    }
    if (this.stopped || queue.length >= this.maxQueuedMessages) {
      this.fire('dropped', { data, reason: this.stopped ? 'stopped' : 'queue-full' });
      return false;
    }
    queue.push(snapshotOutgoing(data));
    return true;
  }

  on<K extends keyof ConnectionEventMap>(event: K, listener: (payload: ConnectionEventMap[K]) => void): () => void {
    attached(this, 'on');
    if (!EVENT_NAMES.includes(event)) {
      throw new TypeError(`xstate-websocket: unknown event ${describe(event)}; use one of ${EVENT_NAMES.join(', ')}.`);
    }
    if (typeof listener !== 'function') throw new TypeError(`xstate-websocket: the listener for '${event}' must be a function.`);
    const table = this.listeners as Record<string, Array<Registration<never>> | undefined>;
    const registration: Registration<never> = { listener };
    table[event] = [...(table[event] ?? []), registration];
    return () => {
      const remaining = table[event]?.filter((r) => r !== registration);
      table[event] = remaining && remaining.length > 0 ? remaining : undefined;
    };
  }

  stop(): void {
    if (attached(this, 'stop').stopped) return;
    const before = getStatus(this.actor.getSnapshot());
    this.stopped = true;
    this.called = true;
    const unsent = this.queue.splice(0);
    const unlisten = this.unlisten;
    this.unlisten = null;
    if (unlisten) call(unlisten, undefined);
    this.actor.stop();
    this.transport = null;
    if (SOCKET_STATUSES.has(before)) this.fire('close', STOP_CLOSE);
    if (before !== 'manuallyClosed') this.fire('status', 'manuallyClosed');
    for (const data of unsent) this.fire('dropped', { data, reason: 'stopped' });
  }

  /** Bytes waiting in the send queue (internal: the WebSocket-compatible class's `bufferedAmount`). */
  queuedBytes(): number {
    let bytes = 0;
    for (const data of this.queue) bytes += byteLengthOf(data);
    return bytes;
  }

  /** A heartbeat timer fired `lateMs` late on the wall clock: the device slept (`JumpWatchingClock`). */
  clockJumped(lateMs: number): void {
    this.actor.send({ type: 'CLOCK.JUMPED', lateMs });
  }

  /** One signal of the environment, passed on to the machine when it changes something (nothing after `stop()`). */
  private environmentSaid(signal: EnvironmentSignal): void {
    if (this.stopped) return;
    let change: EnvironmentChange;
    switch (signal) {
      case 'online':
      case 'offline':
        // Only changes reach the machine: what it last heard is in its context.
        if (this.actor.getSnapshot().context.network === signal) return;
        change = { type: signal === 'offline' ? 'NETWORK.OFFLINE' : 'NETWORK.ONLINE' };
        break;
      case 'hidden':
        if (this.hiddenAt !== null) return;
        this.hiddenAt = this.safeNow();
        change = { type: 'PAGE.HIDDEN' };
        break;
      case 'visible':
        if (this.hiddenAt === null) return;
        change = { type: 'PAGE.VISIBLE', hiddenMs: Math.max(0, this.safeNow() - this.hiddenAt) };
        this.hiddenAt = null;
        break;
      case 'cached':
        change = { type: 'PAGE.CACHED' };
        break;
      case 'restored':
        change = { type: 'PAGE.RESTORED' };
        break;
      default:
        throw new TypeError(`xstate-websocket: the environment said ${describe(signal)}; it may say ${ENVIRONMENT_SIGNALS.join(', ')}.`);
    }
    this.actor.send(change);
  }

  /** An inbound message, parsed by the codec if there is one (`HostDeps.onMessage`). */
  deliver(data: unknown): void {
    const codec = this.codec;
    if (codec === null) return this.fire('message', data);
    let message: unknown;
    try {
      message = codec.parse(data);
    } catch (error) {
      this.fire('error', { message: `codec.parse threw (message not delivered): ${messageOf(error)}`, error, data });
      return;
    }
    this.fire('message', message);
  }

  private serialize(message: unknown): unknown {
    try {
      return this.codec!.serialize(message);
    } catch (error) {
      throw Object.assign(new TypeError(`xstate-websocket: codec.serialize threw: ${messageOf(error)}`), { cause: error });
    }
  }

  /** The adapter's direct send path while the socket is open, else `null` (`HostDeps.onTransport`). */
  transportChanged(next: SocketTransport | null): void {
    this.transport = next === null ? null : this.policies.transport(next);
    this.flush();
  }

  fire<K extends keyof ConnectionEventMap>(event: K, payload: ConnectionEventMap[K]): void {
    const list = this.listeners[event];
    if (list) for (const registration of list) call(registration.listener, payload);
  }

  private autoConnect(): void {
    if (this.policies.autoConnects({ called: this.called, stopped: this.stopped })) this.actor.send({ type: 'CONNECT' });
  }

  private refused(data: OutgoingData, error: unknown): void {
    this.fire('dropped', { data, reason: 'refused', error });
    this.fire('error', { message: `the WebSocket refused a message (dropped): ${messageOf(error)}`, error });
  }

  /** Each message leaves the queue before anything is reported: a listener may send or stop(). */
  private flush(): void {
    const queue = this.queue;
    let sent = 0;
    while (sent < queue.length && this.transport !== null) {
      const data = queue[sent]!;
      try {
        if (!this.transport.send(data)) break;
        sent++;
      } catch (error) {
        queue.splice(0, sent + 1);
        sent = 0;
        this.refused(data, error);
      }
    }
    queue.splice(0, sent);
  }

  /** An app's call: refused after stop() and on bad arguments (`check` throws), else final and sent to the machine. */
  private request(method: string, command: ConnectionCommand, check?: () => void): void {
    if (this.stopped) throw new Error(`xstate-websocket: ${method}() after stop(); create a new connection instead.`);
    check?.();
    this.called = true;
    this.actor.send(command);
  }
}

/**
 * The handle itself, or a `TypeError` that says how to call a method taken off it: the methods
 * live on the prototype (no closures per connection), so `const { send } = connection` detaches them.
 */
function attached(self: unknown, method: string): ConnectionHandle {
  if (self instanceof ConnectionHandle) return self;
  throw new TypeError(
    `xstate-websocket: ${method}() was called without its connection (a method taken off the handle); ` +
      `call connection.${method}(...), or pass a wrapper such as (...args) => connection.${method}(...args).`,
  );
}

/**
 * The adapter's dependencies as bound to one connection's actor system: the resolved ones, and
 * the handle's hooks as prototype methods (no closures).
 */
class HostDeps implements SocketActorDeps {
  declare readonly url: SocketActorDeps['url'];
  declare readonly WebSocket: SocketActorDeps['WebSocket'];
  declare readonly now: SocketActorDeps['now'];
  declare readonly clock: SocketActorDeps['clock'];
  declare readonly ping: SocketActorDeps['ping'];
  declare readonly isPong: SocketActorDeps['isPong'];
  declare readonly shouldReconnect: SocketActorDeps['shouldReconnect'];

  constructor(
    adapter: SocketActorDeps,
    private readonly handle: ConnectionHandle,
  ) {
    Object.assign(this, adapter);
  }

  onMessage(data: unknown): void {
    this.handle.deliver(data);
  }

  onTransport(transport: SocketTransport | null): void {
    this.handle.transportChanged(transport);
  }
}

const ENVIRONMENT_SIGNALS: readonly EnvironmentSignal[] = ['online', 'offline', 'visible', 'hidden', 'cached', 'restored'];

/** Calls one listener; what it throws is rethrown on a microtask (internal; the shared handle uses it too). */
export function call<T>(listener: (payload: T) => void, payload: T) {
  try {
    listener(payload);
  } catch (error) {
    // Like EventTarget: one throwing listener neither stops the others nor the connection.
    queueMicrotask(() => {
      throw error;
    });
  }
}

export function checkCloseArguments(code: unknown, reason: unknown) {
  if (typeof code !== 'number' || !Number.isInteger(code) || !(code === 1000 || (code >= 3000 && code <= 4999))) {
    throw new RangeError(`xstate-websocket: close(code) takes 1000 or an integer in 3000–4999, got ${describe(code)}.`);
  }
  if (typeof reason !== 'string') throw new TypeError(`xstate-websocket: close(code, reason) takes a string reason, got ${describe(reason)}.`);
  const bytes = byteLengthOf(reason);
  if (bytes > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(`xstate-websocket: close(code, reason) takes a reason of at most 123 UTF-8 bytes, got ${describe(reason)} (${bytes} bytes); shorten it.`);
  }
}
