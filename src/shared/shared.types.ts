/**
 * `createSharedConnection`'s options, its handle, the platform APIs it needs (Web Locks and
 * BroadcastChannel, both injectable), and what tabs say to each other on the channel.
 */
import type { ConnectionEmitted } from '../connection.types.js';
import type { Actor } from 'xstate';
import type { Connection, ConnectionEventMap, DropReason } from '../create-connection.js';
import type { ConnectionStatus } from '../connection.types.js';
import type { connectionMachine } from '../connection.machine.js';
import type { ConnectionOptions } from '../options.types.js';
import type { OutgoingData } from '../websocket.types.js';
import type { electionMachine } from './election.machine.js';

/** The part of `navigator.locks` used: an exclusive lock, held while `callback`'s promise is pending. */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

/** The part of a `BroadcastChannel` used. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export type BroadcastChannelConstructor = new (name: string) => BroadcastChannelLike;

/** Options of `createSharedConnection`: those of `createConnection`, and these. */
export interface SharedConnectionOptions<In = unknown, Out = OutgoingData> extends ConnectionOptions<In, Out> {
  /**
   * Names the shared connection: tabs of one origin with the same `key` share one socket (the Web
   * Lock and the BroadcastChannel are named `xstate-websocket:<key>`). Every tab should pass the
   * same other options; the leader's are the ones in force.
   */
  key: string;
  /**
   * The Web Locks API that elects the leader.
   * @default globalThis.navigator.locks
   */
  locks?: LockManagerLike;
  /**
   * The BroadcastChannel constructor tabs talk through.
   * @default globalThis.BroadcastChannel
   */
  BroadcastChannel?: BroadcastChannelConstructor;
}

/**
 * What this tab is in the election: `candidate` (asked for the lock, no leader heard of yet),
 * `leader` (holds the lock, runs the socket), `follower` (mirrors the leader), `left` (after `stop()`).
 */
export type SharedRole = 'candidate' | 'leader' | 'follower' | 'left';

/**
 * Why a message was not sent: those of `createConnection`, and `handover`: the tab that was to
 * send it (the leader) left or went away first. After a leader crashed (its page closed without
 * `stop()`), `handover` means unconfirmed: the old leader may have sent it just before.
 */
export type SharedDropReason = DropReason | 'handover';

/** Listener payloads: those of `createConnection`, a wider `dropped`, and `role`. */
export interface SharedConnectionEventMap<In = unknown> extends Omit<ConnectionEventMap<In>, 'dropped'> {
  /** A message that was not sent (see `SharedDropReason`); `error` is the WebSocket's, as a message, for a follower's. */
  dropped: { data: OutgoingData; reason: SharedDropReason; error?: unknown };
  /** This tab's role changed. */
  role: SharedRole;
}

/**
 * The handle of `createSharedConnection`: `createConnection`'s, on every tab. `status` and the
 * events mirror the leader's connection; `send` goes out through the leader, in order per tab;
 * `close()` closes for every tab; `stop()` leaves (this tab only; a leader hands over).
 */
export interface SharedConnection<In = unknown, Out = OutgoingData> extends Omit<Connection<In, Out>, 'actor' | 'on' | 'send'> {
  /** `false` where Web Locks or BroadcastChannel are missing: then this is a plain `createConnection`. */
  readonly shared: boolean;
  /** This tab's role; always `leader` when not `shared`. */
  readonly role: SharedRole;
  /** The connection's actor while this tab is the leader (or not `shared`), else `null`. */
  readonly actor: Actor<typeof connectionMachine> | null;
  /** The election's actor, or `null` when not `shared`. */
  readonly election: Actor<typeof electionMachine> | null;
  /**
   * Like `Connection.send`. In a follower, `true` means handed to the leader: it goes out in order,
   * or a `dropped` event says it did not (`handover` when the leader left before sending it).
   */
  send(data: Out): boolean;
  on<K extends keyof SharedConnectionEventMap<In>>(event: K, listener: (payload: SharedConnectionEventMap<In>[K]) => void): () => void;
}

/** The election's events. */
export type ElectionEvent =
  | { type: 'LOCK.GRANTED' }
  | { type: 'LEADER.HEARD'; leader: string }
  | { type: 'LEADER.LEFT' }
  | { type: 'LEAVE' }
  | { type: 'SOCKET.RELEASED' };

/** The events a leader forwards to followers under their own name. */
export type ForwardedEvent = Exclude<ConnectionEmitted['type'], 'message'>;

/**
 * What tabs post on the channel. `leader` is the posting leader's id, `to` the addressed tab's;
 * `seq` numbers a tab's messages and calls, which the leader confirms (`ack`) or refuses (`drop`).
 */
export type WireMessage =
  | { t: 'hello'; from: string }
  | { t: 'state'; leader: string; status: ConnectionStatus }
  | { t: 'event'; leader: string; event: ForwardedEvent; payload: unknown }
  | { t: 'message'; leader: string; data: unknown }
  | { t: 'send'; from: string; to: string; seq: number; data: OutgoingData }
  | { t: 'ack'; leader: string; to: string; seq: number }
  | { t: 'drop'; leader: string; to: string; seq: number; reason: SharedDropReason; error?: string }
  | { t: 'command'; from: string; to: string; seq: number; command: Command }
  | { t: 'leaving'; leader: string };

/** An app's call that the leader carries out for the tab that made it. */
export type Command = { type: 'connect' } | { type: 'reconnect' } | { type: 'close'; code: number; reason: string };
