/**
 * The handle apps use: an actor of `connectionMachine` wired to a real WebSocket, a send queue,
 * and listeners. Messages take a direct path while open; the machine only sees what changes state.
 */
import { createActor, type Actor, type ActorOptions, type AnyActorLogic } from 'xstate';
import { bindConnectionDeps } from './connection.deps.js';
import { connectionMachine, getStatus } from './connection.machine.js';
import type { CloseInfo, ConnectionStatus, GaveUpReason } from './connection.types.js';
import { describe, resolveOptions, type ConnectionOptions } from './options.js';
import type { SocketTransport } from './socket.actor.js';
import type { OutgoingData } from './websocket.types.js';

/** Why a message given to `send` was not sent. */
export type DropReason = 'queue-full' | 'stopped';

/** Listener payloads, by event name. */
export interface ConnectionEventMap {
  status: ConnectionStatus;
  open: { protocol: string };
  message: unknown;
  close: CloseInfo;
  error: { message: string; error?: unknown };
  retry: { attempt: number; delayMs: number };
  gaveUp: { reason: GaveUpReason; close: CloseInfo | null; retries: number };
  dropped: { data: OutgoingData; reason: DropReason };
}

/** The handle returned by `createConnection`. */
export interface Connection {
  /** The current public status. */
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
   * Sends now while open, else queues (in order, flushed on open). Returns `false` when the
   * message was dropped (queue full or stopped); a `dropped` event reports it too.
   * Throws a `TypeError` for data a WebSocket cannot send (serialise objects first).
   */
  send(data: OutgoingData): boolean;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ConnectionEventMap>(event: K, listener: (payload: ConnectionEventMap[K]) => void): () => void;
  /**
   * Disposes everything: no socket, timer or socket listener remains; queued messages (and any
   * later `send`) are reported as `dropped`. Your own listeners stay until you unsubscribe them.
   */
  stop(): void;
}

const EVENT_NAMES = ['status', 'open', 'message', 'close', 'error', 'retry', 'gaveUp', 'dropped'] as const;

/** Creates a connection. Throws `TypeError`/`RangeError` at once on invalid options. */
export function createConnection(options: ConnectionOptions): Connection {
  const resolved = resolveOptions(options);
  // Listener arrays are created on first subscription and replaced (not mutated) on change, so
  // an idle connection carries no empty collections and delivery iterates a stable snapshot.
  const listeners: { [K in keyof ConnectionEventMap]?: Array<(payload: ConnectionEventMap[K]) => void> } = {};
  const queue: OutgoingData[] = [];
  let transport: SocketTransport | null = null;
  let stopped = false;

  function fire<K extends keyof ConnectionEventMap>(event: K, payload: ConnectionEventMap[K]) {
    const list = listeners[event];
    if (list) for (const listener of list) call(listener, payload);
  }

  function flush() {
    let sent = 0;
    while (sent < queue.length && transport !== null && transport.send(queue[sent]!)) sent++;
    if (sent > 0) queue.splice(0, sent);
  }

  // One shared machine for every connection; this connection's dependencies are bound to its
  // own actor system (providing a machine per connection would cost ~30 KB of heap each).
  const actor = createActor(connectionMachine, {
    input: resolved.settings,
    ...(resolved.clock ? { clock: resolved.clock as NonNullable<ActorOptions<AnyActorLogic>['clock']> } : {}),
    ...(resolved.inspect ? { inspect: resolved.inspect } : {}),
  });

  bindConnectionDeps(actor.system, {
    WebSocket: resolved.WebSocket,
    url: resolved.url,
    now: resolved.now,
    ping: resolved.ping,
    isPong: resolved.isPong,
    ...(resolved.random ? { random: resolved.random } : {}),
    ...(resolved.shouldReconnect ? { shouldReconnect: resolved.shouldReconnect } : {}),
    onMessage: (data) => fire('message', data),
    onTransport(next) {
      transport = next;
      if (next !== null && queue.length > 0) flush();
    },
  });

  // Every emitted event is a handle event of the same name, its payload the emitted object without
  // `type`. `message` never comes this way: the adapter delivers messages directly (onMessage).
  actor.on('*', ({ type, ...payload }) => {
    if (type !== 'message') fire(type, payload as never);
  });

  let status = getStatus(actor.getSnapshot());
  actor.subscribe((snapshot) => {
    const next = getStatus(snapshot);
    if (next === status) return;
    status = next;
    fire('status', next);
  });

  const online = () => actor.send({ type: 'NETWORK.ONLINE' });
  const windowLike = globalThis as { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  const watchesNetwork = typeof windowLike.addEventListener === 'function' && 'navigator' in globalThis;
  if (watchesNetwork) windowLike.addEventListener!('online', online);

  actor.start();
  // Connect on the next microtask, so listeners attached right after creation see every event.
  if (resolved.autoConnect) queueMicrotask(() => stopped || actor.send({ type: 'CONNECT' }));

  function assertLive(method: string) {
    if (stopped) throw new Error(`xstate-websocket: ${method}() after stop(); create a new connection instead.`);
  }

  return {
    get status() {
      return getStatus(actor.getSnapshot());
    },
    actor,
    connect() {
      assertLive('connect');
      actor.send({ type: 'CONNECT' });
    },
    close(code = 1000, reason = '') {
      assertLive('close');
      checkCloseArguments(code, reason);
      actor.send({ type: 'DISCONNECT', code, reason });
    },
    reconnect() {
      assertLive('reconnect');
      actor.send({ type: 'RECONNECT' });
    },
    send(data) {
      if (typeof data !== 'string') checkOutgoing(data);
      if (queue.length === 0 && transport !== null && transport.send(data)) return true;
      if (stopped || queue.length >= resolved.maxQueuedMessages) {
        fire('dropped', { data, reason: stopped ? 'stopped' : 'queue-full' });
        return false;
      }
      queue.push(data);
      return true;
    },
    on(event, listener) {
      if (!EVENT_NAMES.includes(event)) {
        throw new TypeError(`xstate-websocket: unknown event ${describe(event)}; use one of ${EVENT_NAMES.join(', ')}.`);
      }
      if (typeof listener !== 'function') throw new TypeError(`xstate-websocket: the listener for '${event}' must be a function.`);
      type Listener = (payload: ConnectionEventMap[typeof event]) => void;
      const table = listeners as Record<string, Listener[] | undefined>;
      table[event] = [...(table[event] ?? []), listener];
      return () => {
        const remaining = table[event]?.filter((l) => l !== listener);
        table[event] = remaining && remaining.length > 0 ? remaining : undefined;
      };
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (watchesNetwork) windowLike.removeEventListener!('online', online);
      actor.stop();
      transport = null;
      for (const data of queue.splice(0)) fire('dropped', { data, reason: 'stopped' });
    },
  };
}

function call<T>(listener: (payload: T) => void, payload: T) {
  try {
    listener(payload);
  } catch (error) {
    // Like EventTarget: one throwing listener neither stops the others nor the connection.
    queueMicrotask(() => {
      throw error;
    });
  }
}

function checkOutgoing(data: unknown) {
  if (
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer) ||
    (typeof Blob !== 'undefined' && data instanceof Blob)
  ) {
    return;
  }
  throw new TypeError(
    `xstate-websocket: send() takes a string, ArrayBuffer, typed array, DataView or Blob, got ${describe(data)}. ` +
      'Serialise objects first, e.g. send(JSON.stringify(value)).',
  );
}

function checkCloseArguments(code: unknown, reason: unknown) {
  if (typeof code !== 'number' || !Number.isInteger(code) || !(code === 1000 || (code >= 3000 && code <= 4999))) {
    throw new RangeError(`xstate-websocket: close(code) takes 1000 or an integer in 3000–4999, got ${describe(code)}.`);
  }
  if (typeof reason !== 'string') throw new TypeError(`xstate-websocket: close(code, reason) takes a string reason, got ${describe(reason)}.`);
  if (new TextEncoder().encode(reason).length > 123) {
    throw new RangeError('xstate-websocket: close reason is longer than 123 UTF-8 bytes; shorten it.');
  }
}
