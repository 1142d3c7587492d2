/**
 * `createSharedConnection`: one connection for every tab of an origin with the same `key`. The tab
 * holding the Web Lock (the leader) runs a real `createConnection`; the others (followers) mirror
 * it over a BroadcastChannel. The election is `electionMachine`; this file does its effects.
 */
import { createActor, type Actor } from 'xstate';
import type { ConnectionStatus } from '../connection.types.js';
import { call, checkCloseArguments, createConnection, EVENT_NAMES, SOCKET_STATUSES, STOP_CLOSE, type Connection } from '../create-connection.js';
import { readClock } from '../clock-jumps.js';
import { describe, messageOf, mustBe, PREFIX } from '../describe.js';
import { resolveOptions } from '../options.js';
import type { ConnectionOptions } from '../options.types.js';
import { checkOutgoing, snapshotOutgoing } from '../outgoing.js';
import type { OutgoingData } from '../websocket.types.js';
import { electionMachine } from './election.machine.js';
import type {
  BroadcastChannelConstructor,
  BroadcastChannelLike,
  Command,
  ForwardedEvent,
  LockManagerLike,
  SharedConnection,
  SharedConnectionEventMap,
  SharedConnectionOptions,
  SharedDropReason,
  SharedRole,
  WireMessage,
} from './shared.types.js';

/**
 * How a tab asks for the lock, as a seam: the shipped way, and deliberately broken ones
 * (test/support/shared-model/broken-shared.ts) the model-based property must catch. Not exported
 * by the package.
 */
export interface SharedPolicies {
  /** Asks for the exclusive lock `name`; `granted` runs while it is held and returns when to let it go. */
  requestLock(locks: LockManagerLike, name: string, signal: AbortSignal, granted: () => Promise<void>): Promise<unknown>;
}

export const SHIPPED_SHARED_POLICIES: SharedPolicies = {
  requestLock: (locks, name, signal, granted) => locks.request(name, { signal }, granted),
};

/** The leader's emitted events its followers hear (`tsc` fails here when the machine emits a new one). */
const FORWARDED = Object.keys({ open: 0, close: 0, error: 0, retry: 0, gaveUp: 0 } satisfies Record<ForwardedEvent, 0>) as ForwardedEvent[];
/** Every event a shared handle's listener can subscribe to (internal; the tab model uses it). */
export const SHARED_EVENT_NAMES = [...EVENT_NAMES, 'role'] as const;
/** Statuses of a connection that is wanted: a new leader connects after a leader in one of them. */
const WANTED: ReadonlySet<ConnectionStatus> = new Set(['connecting', 'open', 'closing', 'backoff']);

/**
 * Creates a connection shared by every tab with the same `key` (see `SharedConnection`). Throws
 * `TypeError`/`RangeError` at once on invalid options, in every tab. Where `navigator.locks` or
 * `BroadcastChannel` is missing it is a plain `createConnection` (`shared === false`).
 */
export function createSharedConnection<In = unknown, Out = OutgoingData>(options: SharedConnectionOptions<In, Out>): SharedConnection<In, Out> {
  return buildSharedConnection(options, SHIPPED_SHARED_POLICIES) as unknown as SharedConnection<In, Out>;
}

/** `createSharedConnection` with its policies given (internal). */
export function buildSharedConnection<In, Out>(options: SharedConnectionOptions<In, Out>, policies: SharedPolicies): SharedConnection {
  if (options === null || typeof options !== 'object') mustBe('options', 'an object with `key` and `url`', options);
  const { key, locks = defaultLocks(), BroadcastChannel = defaultChannel(), ...rest } = options;
  if (typeof key !== 'string' || key === '') mustBe('key', 'a non-empty string (the name tabs share the connection by)', key);
  if (locks !== undefined && (locks === null || typeof (locks as LockManagerLike).request !== 'function')) {
    mustBe('locks', 'a LockManager (navigator.locks)', locks);
  }
  if (BroadcastChannel !== undefined && typeof BroadcastChannel !== 'function') mustBe('BroadcastChannel', 'a BroadcastChannel constructor', BroadcastChannel);
  const connection = rest as ConnectionOptions;
  const { handle, adapter } = resolveOptions(connection);
  if (locks === undefined || BroadcastChannel === undefined) return new Unshared(createConnection(connection));
  return new SharedHandle(key, connection, handle, adapter.now, locks, BroadcastChannel, policies);
}

const defaultLocks = () => (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
const defaultChannel = () => (globalThis as { BroadcastChannel?: BroadcastChannelConstructor }).BroadcastChannel;

let tabCount = 0;
/** An id for this tab's handle, unique across tabs. */
function newTabId(): string {
  const uuid = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID;
  return uuid ? uuid.call(globalThis.crypto) : `${Date.now().toString(36)}-${(++tabCount).toString(36)}-${performance.now().toString(36)}`;
}

type Listener = (payload: never) => void;
type Resolved = ReturnType<typeof resolveOptions>['handle'];

/** A follower's message: handed to `leader`, or waiting for one (`null`). */
interface Pending {
  readonly data: OutgoingData;
  leader: string | null;
}

/** A leader's message waiting for the socket to open; `from` is the follower's id, `null` for this tab's own. */
interface Outgoing {
  readonly data: OutgoingData;
  readonly from: string | null;
  readonly seq: number;
}

class SharedHandle {
  readonly shared = true;
  readonly election: Actor<typeof electionMachine>;
  private conn: Connection | null = null;
  private readonly self = newTabId();
  private readonly channel: BroadcastChannelLike;
  private readonly listeners: { [event: string]: Listener[] | undefined } = {};
  private current: ConnectionStatus = 'idle';
  private stopped = false;
  private called = false;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly outbox: Outgoing[] = [];
  /**
   * A follower's latest call (connect, close, reconnect) until the leader confirms it: handed to
   * `leader`, or waiting for one (`null`). A later call replaces it; a new leader gets it again
   * (a call the old leader carried out just before it vanished is then carried out twice: each is
   * harmless twice).
   */
  private command: { readonly command: Command; readonly seq: number; leader: string | null } | null = null;
  /** The status the last leader announced: a new leader connects when it was wanted (`WANTED`). */
  private lastLeaderStatus: ConnectionStatus | null = null;
  private release: (() => void) | null = null;
  private readonly abort = new AbortController();
  /** The follower a leader is sending for right now, so a `dropped` of its message goes back to it. */
  private routing: Outgoing | null = null;
  private announcedRole: SharedRole = 'candidate';
  private readonly codec: Resolved['codec'];
  private readonly maxQueuedMessages: number;
  private readonly autoConnect: boolean;
  private readonly connectionOptions: ConnectionOptions;
  private readonly clock: { now(): number };
  /** Whether this tab knew the connection open before (as leader or follower): a new leader's first open is then a reconnect. */
  private sawOpen = false;
  /** When this tab saw the last open session end (its status left `open`), for a new leader's `downtimeMs`. */
  private openEndedAt: number | null = null;

  constructor(
    key: string,
    options: ConnectionOptions,
    handle: Resolved,
    now: () => number,
    locks: LockManagerLike,
    Channel: BroadcastChannelConstructor,
    policies: SharedPolicies,
  ) {
    const { codec: _codec, autoConnect: _autoConnect, ...connectionOptions } = options;
    this.connectionOptions = { ...connectionOptions, autoConnect: false };
    this.codec = handle.codec;
    this.maxQueuedMessages = handle.maxQueuedMessages;
    this.autoConnect = handle.autoConnect;
    this.clock = { now };
    const name = `xstate-websocket:${key}`;
    this.channel = new Channel(name);
    this.channel.onmessage = (event) => this.receive(event.data as WireMessage);
    this.election = createActor(electionMachine, { input: { self: this.self } });
    let state = this.election.getSnapshot().value;
    this.election.subscribe((snapshot) => {
      if (snapshot.value === state) return;
      state = snapshot.value;
      this.entered(state);
    });
    this.election.start();
    policies
      .requestLock(locks, name, this.abort.signal, () => {
        if (this.stopped) return Promise.resolve();
        const held = new Promise<void>((resolve) => (this.release = resolve));
        this.election.send({ type: 'LOCK.GRANTED' });
        return held;
      })
      .catch(() => {}); // aborted by stop() while waiting
    this.post({ t: 'hello', from: this.self });
  }

  get role(): SharedRole {
    const value = this.election.getSnapshot().value;
    return value === 'leaving' ? 'left' : value;
  }

  get status(): ConnectionStatus {
    return this.stopped ? 'manuallyClosed' : this.current;
  }

  get actor() {
    return this.conn && !this.stopped ? this.conn.actor : null;
  }

  connect(): void {
    this.request('connect', { type: 'connect' });
  }

  close(code = 1000, reason = ''): void {
    this.request('close', { type: 'close', code, reason }, () => checkCloseArguments(code, reason));
  }

  reconnect(): void {
    this.request('reconnect', { type: 'reconnect' });
  }

  send(message: unknown): boolean {
    const data = this.codec === null ? message : this.serialize(message);
    checkOutgoing(data, this.codec === null ? undefined : '`codec.serialize`');
    if (this.stopped) {
      this.fire('dropped', { data, reason: 'stopped' });
      return false;
    }
    if (this.isLeader()) return this.accept({ data, from: null, seq: 0 });
    if (this.pending.size >= this.maxQueuedMessages) {
      this.fire('dropped', { data, reason: 'queue-full' });
      return false;
    }
    const seq = ++this.seq;
    const entry: Pending = { data: snapshotOutgoing(data), leader: this.knownLeader() };
    this.pending.set(seq, entry);
    if (entry.leader !== null) this.post({ t: 'send', from: this.self, to: entry.leader, seq, data: entry.data });
    return true;
  }

  on(event: string, listener: Listener): () => void {
    if (!(SHARED_EVENT_NAMES as readonly string[]).includes(event)) {
      throw new TypeError(`${PREFIX} unknown event ${describe(event)}; use one of ${SHARED_EVENT_NAMES.join(', ')}.`);
    }
    if (typeof listener !== 'function') throw new TypeError(`${PREFIX} the listener for '${event}' must be a function.`);
    const registration: Listener = (payload) => listener(payload);
    this.listeners[event] = [...(this.listeners[event] ?? []), registration];
    return () => {
      const remaining = this.listeners[event]?.filter((r) => r !== registration);
      this.listeners[event] = remaining && remaining.length > 0 ? remaining : undefined;
    };
  }

  /**
   * Leaves: this tab's status becomes `manuallyClosed` (a `close` event first if a socket was
   * alive), its unsent messages are reported `dropped`. A leader closes its socket, then lets the
   * lock go, and a follower takes over; the other tabs stay connected.
   */
  stop(): void {
    if (this.stopped) return;
    const before = this.status;
    const leader = this.isLeader();
    this.stopped = true;
    this.called = true;
    if (SOCKET_STATUSES.has(before)) this.fire('close', STOP_CLOSE);
    if (before !== 'manuallyClosed') this.fire('status', 'manuallyClosed');
    if (leader) {
      // A follower's messages are not lost: on `leaving` it hands them to the next leader.
      for (const entry of this.outbox.splice(0)) if (entry.from === null) this.drop(entry, 'stopped');
    } else {
      for (const [seq, entry] of this.pending) {
        if (entry.leader !== null) continue; // handed to the leader: its answer still comes
        this.pending.delete(seq);
        this.fire('dropped', { data: entry.data, reason: 'stopped' });
      }
    }
    this.abort.abort();
    this.election.send({ type: 'LEAVE' });
  }

  /** The role event first, then what the state asks for (a leader's first status comes after `role leader`). */
  private entered(state: string): void {
    const role = this.role;
    if (role !== this.announcedRole) {
      this.announcedRole = role;
      this.fire('role', role);
    }
    if (state === 'leader') this.lead();
    else if (state === 'leaving') this.leave();
    else if (state === 'left') this.left();
  }

  /** Holding the lock: run the connection, take over this tab's waiting messages, say so. */
  private lead(): void {
    const conn = createConnection(this.connectionOptions);
    this.conn = conn;
    conn.on('status', (status) => this.leaderStatus(status));
    conn.on('message', (data) => {
      if (this.stopped) return;
      this.post({ t: 'message', leader: this.self, data });
      this.deliver(data);
    });
    for (const event of FORWARDED) {
      conn.on(event, (received) => {
        if (this.stopped) return;
        const payload = event === 'open' ? this.opened(received as SharedConnectionEventMap['open']) : received;
        this.post({ t: 'event', leader: this.self, event, payload: event === 'error' ? { message: (payload as { message: string }).message } : payload });
        this.fire(event, payload);
      });
    }
    conn.on('dropped', (payload) => {
      const routing = this.routing;
      if (routing?.from) this.answer(routing, 'drop', payload.reason, payload.error);
      else this.fire('dropped', payload);
    });
    for (const [seq, entry] of this.pending) {
      if (entry.leader === null) this.outbox.push({ data: entry.data, from: null, seq });
      else this.fire('dropped', { data: entry.data, reason: 'handover' });
    }
    this.pending.clear();
    const command = this.command?.command;
    this.command = null;
    const wanted = this.lastLeaderStatus === null ? this.autoConnect && !this.called : WANTED.has(this.lastLeaderStatus);
    if (command) this.apply(command);
    else if (wanted) conn.connect();
    else if (this.lastLeaderStatus === 'manuallyClosed') conn.close();
    this.setStatus(conn.status);
    this.post({ t: 'state', leader: this.self, status: conn.status });
  }

  /**
   * The leader's `open`, told as the shared connection's: a reconnect when any leader had it open
   * before, its downtime since this tab saw that session end.
   */
  private opened(open: SharedConnectionEventMap['open']): SharedConnectionEventMap['open'] {
    const first = !open.reconnected && !this.sawOpen;
    this.sawOpen = true;
    if (open.reconnected || first) return open;
    const downtimeMs = this.openEndedAt === null ? 0 : Math.max(0, this.safeNow() - this.openEndedAt);
    return { ...open, reconnected: true, downtimeMs };
  }

  private safeNow(): number {
    const now = readClock(this.clock);
    return Number.isNaN(now) ? performance.now() : now;
  }

  private leaderStatus(status: ConnectionStatus): void {
    if (this.stopped) return;
    this.setStatus(status);
    this.post({ t: 'state', leader: this.self, status });
    if (status === 'open') this.flush();
  }

  /** `stop()` in the leader: followers hold their messages for the next leader; the socket closes, then the lock goes. */
  private leave(): void {
    this.post({ t: 'leaving', leader: this.self });
    const conn = this.conn!;
    const released = () => {
      conn.stop();
      this.election.send({ type: 'SOCKET.RELEASED' });
    };
    if (!SOCKET_STATUSES.has(conn.status)) return released();
    const off = conn.on('status', (status) => {
      if (SOCKET_STATUSES.has(status)) return;
      off();
      released();
    });
    conn.close(1000, 'leader left');
  }

  private left(): void {
    this.release?.();
    this.release = null;
    this.conn = null;
    this.finishIfIdle();
  }

  /** A stopped tab keeps listening until the leader answered for each message it was handed. */
  private finishIfIdle(): void {
    if (!this.stopped || this.election.getSnapshot().value !== 'left' || this.pending.size > 0) return;
    this.channel.onmessage = null;
    this.channel.close();
  }

  private receive(message: WireMessage): void {
    switch (message.t) {
      case 'hello':
        if (this.isLeader()) this.post({ t: 'state', leader: this.self, status: this.conn!.status });
        return;
      case 'state':
        if (this.isLeader() || this.role === 'left') return this.heardAfterLeaving(message.leader);
        this.heard(message.leader);
        this.lastLeaderStatus = message.status;
        if (message.status === 'open') this.sawOpen = true;
        if (!this.stopped) this.setStatus(message.status);
        return;
      case 'event':
        if (message.event === 'open') this.sawOpen = true;
        if (!this.stopped && !this.isLeader()) this.fire(message.event, message.payload as never);
        return;
      case 'message':
        if (!this.stopped && !this.isLeader()) this.deliver(message.data);
        return;
      case 'send':
        if (message.to !== this.self) return;
        if (this.isLeader()) this.accept({ data: message.data, from: message.from, seq: message.seq });
        else this.post({ t: 'drop', leader: this.self, to: message.from, seq: message.seq, reason: 'handover' });
        return;
      case 'ack':
      case 'drop': {
        if (message.to === this.self && this.command?.seq === message.seq && this.command.leader === message.leader) this.command = null;
        const entry = message.to === this.self ? this.pending.get(message.seq) : undefined;
        if (!entry || entry.leader !== message.leader) return;
        this.pending.delete(message.seq);
        if (message.t === 'drop') {
          this.fire('dropped', { data: entry.data, reason: message.reason, ...(message.error === undefined ? {} : { error: message.error }) });
        }
        return this.finishIfIdle();
      }
      case 'command':
        if (message.to !== this.self || !this.isLeader()) return;
        this.post({ t: 'ack', leader: this.self, to: message.from, seq: message.seq });
        this.apply(message.command);
        return;
      case 'leaving':
        // A stopped tab no longer follows anyone, but still hears what became of what it handed over.
        if (this.knownLeader() === message.leader) this.election.send({ type: 'LEADER.LEFT' });
        if (this.command?.leader === message.leader) this.command.leader = null; // not carried out: for the next leader
        for (const [seq, entry] of this.pending) {
          if (entry.leader !== message.leader) continue;
          if (this.stopped) {
            this.pending.delete(seq);
            this.fire('dropped', { data: entry.data, reason: 'stopped' });
          } else entry.leader = null; // never sent by the leaving leader: hand it to the next
        }
        return this.finishIfIdle();
    }
  }

  /** A stopped tab hears the next leader: what it handed the old one is unconfirmed. */
  private heardAfterLeaving(leader: string): void {
    if (!this.stopped) return;
    this.dropHandedTo((l) => l !== leader);
    this.finishIfIdle();
  }

  /** A leader announced itself: messages handed to an earlier one are unconfirmed; waiting ones go to it. */
  private heard(leader: string): void {
    if (this.knownLeader() === leader) return;
    this.dropHandedTo((l) => l !== leader);
    this.election.send({ type: 'LEADER.HEARD', leader });
    if (this.stopped) return this.finishIfIdle();
    for (const [seq, entry] of this.pending) {
      if (entry.leader !== null) continue;
      entry.leader = leader;
      this.post({ t: 'send', from: this.self, to: leader, seq, data: entry.data });
    }
    if (this.command && this.command.leader !== leader) this.postCommand(leader);
  }

  private dropHandedTo(isEarlier: (leader: string) => boolean): void {
    for (const [seq, entry] of this.pending) {
      if (entry.leader === null || !isEarlier(entry.leader)) continue;
      this.pending.delete(seq);
      this.fire('dropped', { data: entry.data, reason: 'handover' });
    }
  }

  /** The leader takes a message (this tab's or a follower's): sent now while open, else queued in order. */
  private accept(entry: Outgoing): boolean {
    if (this.stopped) return this.drop(entry, 'handover');
    if (this.outbox.length === 0 && this.conn!.status === 'open') return this.sendNow(entry);
    if (this.outbox.length >= this.maxQueuedMessages) return this.drop(entry, 'queue-full');
    this.outbox.push(entry.from === null ? { ...entry, data: snapshotOutgoing(entry.data) } : entry);
    return true;
  }

  private sendNow(entry: Outgoing): boolean {
    this.routing = entry;
    let sent: boolean;
    try {
      sent = this.conn!.send(entry.data);
    } catch (error) {
      this.routing = null;
      return this.drop(entry, 'refused', error);
    }
    this.routing = null;
    if (sent && entry.from !== null) this.answer(entry, 'ack');
    return sent;
  }

  private flush(): void {
    while (this.outbox.length > 0 && !this.stopped && this.conn?.status === 'open') this.sendNow(this.outbox.shift()!);
  }

  private drop(entry: Outgoing, reason: SharedDropReason, error?: unknown): false {
    if (entry.from !== null) this.answer(entry, 'drop', reason, error);
    else this.fire('dropped', { data: entry.data, reason, ...(error === undefined ? {} : { error }) });
    return false;
  }

  private answer(entry: Outgoing, t: 'ack' | 'drop', reason?: SharedDropReason, error?: unknown): void {
    const to = entry.from!;
    if (t === 'ack') return this.post({ t, leader: this.self, to, seq: entry.seq });
    this.post({ t, leader: this.self, to, seq: entry.seq, reason: reason!, ...(error === undefined ? {} : { error: messageOf(error) }) });
  }

  private apply(command: Command): void {
    const conn = this.conn!;
    if (command.type === 'close') conn.close(command.code, command.reason);
    else if (command.type === 'connect') conn.connect();
    else conn.reconnect();
  }

  /** An app's call: refused after stop() and on bad arguments; the leader carries it out. */
  private request(method: string, command: Command, check?: () => void): void {
    if (this.stopped) throw new Error(`${PREFIX} ${method}() after stop(); create a new connection instead.`);
    check?.();
    this.called = true;
    if (this.isLeader()) return this.apply(command);
    this.command = { command, seq: ++this.seq, leader: null };
    const leader = this.knownLeader();
    if (leader !== null) this.postCommand(leader);
  }

  private postCommand(leader: string): void {
    const { command, seq } = this.command!;
    this.command!.leader = leader;
    this.post({ t: 'command', from: this.self, to: leader, seq, command });
  }

  private isLeader(): boolean {
    return this.election.getSnapshot().value === 'leader';
  }

  private knownLeader(): string | null {
    return this.election.getSnapshot().context.leader;
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.current) return;
    if (this.current === 'open') this.openEndedAt = this.safeNow();
    this.current = status;
    this.fire('status', status);
  }

  private deliver(data: unknown): void {
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
      throw Object.assign(new TypeError(`${PREFIX} codec.serialize threw: ${messageOf(error)}`), { cause: error });
    }
  }

  private post(message: WireMessage): void {
    try {
      this.channel.postMessage(message);
    } catch (error) {
      // Data the channel cannot clone (a Blob is fine; a function is not) is the only way here.
      this.fire('error', { message: `the BroadcastChannel refused a message: ${messageOf(error)}`, error });
    }
  }

  private fire<K extends keyof SharedConnectionEventMap>(event: K, payload: SharedConnectionEventMap[K]): void {
    const list = this.listeners[event];
    if (list) for (const listener of list) call(listener as (p: unknown) => void, payload);
  }
}

/** Where Web Locks or BroadcastChannel are missing: a plain connection with the shared handle's shape. */
class Unshared {
  readonly shared = false;
  readonly role: SharedRole = 'leader';
  readonly election = null;
  constructor(private readonly conn: Connection) {}
  get status() {
    return this.conn.status;
  }
  get actor() {
    return this.conn.actor;
  }
  connect() {
    this.conn.connect();
  }
  close(code?: number, reason?: string) {
    this.conn.close(code, reason);
  }
  reconnect() {
    this.conn.reconnect();
  }
  send(data: OutgoingData) {
    return this.conn.send(data);
  }
  on(event: string, listener: Listener) {
    if (event === 'role') {
      if (typeof listener !== 'function') throw new TypeError(`${PREFIX} the listener for 'role' must be a function.`);
      return () => {};
    }
    return this.conn.on(event as 'status', listener as (payload: unknown) => void);
  }
  stop() {
    this.conn.stop();
  }
}
