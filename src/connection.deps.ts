/**
 * What the adapter needs from its host (`SocketActorDeps`: every field resolved once, by
 * `resolveOptions(options).adapter`), and how a connection hands it over: bound to its actor
 * system instead of `machine.provide(...)`, because providing re-creates the whole machine (about
 * 30 KB of heap per connection) while all connections can share one machine.
 */
import type { ActorSystem } from 'xstate';
import type { CloseInfo, HandshakeReply } from './connection.types.js';
import type { TimerClock } from './let-go.js';
import type { UrlSource } from './url.js';
import type { OutgoingData, WebSocketConstructor } from './websocket.types.js';

/** The direct send path the handle uses while the socket is open (bypasses the machine). */
export interface SocketTransport {
  /**
   * Hands `data` to the socket if it is OPEN and this adapter not disposed, and returns `true`;
   * returns `false` (nothing sent, keep the message for a later socket) otherwise. Throws what the
   * WebSocket's `send` threw when it refuses the data: that message will never go out as it is.
   */
  send(data: OutgoingData): boolean;
}

/**
 * The adapter's dependencies. `resolveOptions(options).adapter` fills every one in (the defaults
 * live there, and only there); a host adds its own hooks (`onMessage`, `onTransport`).
 */
export interface SocketActorDeps {
  /** Where each attempt connects: asked once per attempt (`resolveUrlSource`), its answer normalised. */
  readonly url: UrlSource;
  readonly WebSocket: WebSocketConstructor;
  /** Monotonic milliseconds, for the heartbeat. */
  readonly now: () => number;
  /**
   * Timers for what the adapter does after it is disposed (bounding a stopped socket's close
   * handshake by `closeTimeoutMs`); the same clock as `createActor`'s (e.g. `SimulatedClock`), or
   * `undefined` for real timers, unref'd so they keep no Node process alive.
   */
  readonly clock: TimerClock | undefined;
  /** Makes the heartbeat ping. */
  readonly ping: () => OutgoingData;
  /** Recognises the pong (not delivered as a message). */
  readonly isPong: (data: unknown) => boolean;
  /**
   * The app's override of the close-code policy, if any. The adapter only runs it and reports its
   * answer with SOCKET.CLOSED (`shouldReconnect`); the chart's `isRetryableClose` guard decides.
   */
  readonly shouldReconnect: ((close: CloseInfo) => boolean) | undefined;
  /**
   * With a handshake (`input.handshake` not null): makes the hello, sent first on each socket as
   * it is; `undefined` when the server speaks first.
   */
  readonly hello?: (() => OutgoingData | PromiseLike<OutgoingData>) | undefined;
  /** With a handshake: reads each inbound message until it returns a verdict. */
  readonly reply?: ((data: unknown) => HandshakeReply) | undefined;
  /** Fast path for inbound messages. Without it, each message is sent to the machine as SOCKET.MESSAGE (emitted as `message`). */
  readonly onMessage?: (data: unknown) => void;
  /**
   * Told the direct send path when the session opens (the socket opens or, with a handshake, the
   * server says ready: nothing from the app goes out before), and `null` when this adapter is disposed.
   */
  readonly onTransport?: (transport: SocketTransport | null) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyActorSystem = ActorSystem<any>;

const bySystem = new WeakMap<AnyActorSystem, SocketActorDeps>();

/** Binds the adapter's dependencies to an actor system (one system per `createConnection`). */
export function bindConnectionDeps(system: AnyActorSystem, deps: SocketActorDeps): void {
  bySystem.set(system, deps);
}

/** The dependencies bound to a system, if any. */
export function connectionDepsOf(system: AnyActorSystem): SocketActorDeps | undefined {
  return bySystem.get(system);
}
