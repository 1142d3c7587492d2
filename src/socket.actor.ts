/**
 * The adapter: the only code that touches a WebSocket. It opens one socket per invocation,
 * reports what the socket does to the machine, and obeys the machine's commands. It never
 * decides whether to retry. Its disposer leaves no listener behind and no socket open.
 */
import type { ActorSystem, AnyActorRef, CallbackActorLogic, CallbackSnapshot } from 'xstate';
import { messageOf } from './describe.js';
import { checkOutgoing } from './outgoing.js';
import { connectionDepsOf, type SocketActorDeps, type SocketTransport } from './connection.deps.js';
import type { CloseInfo, ConnectionSettings, SocketCommand, SocketReport } from './connection.types.js';
import { fitCloseReason, upgradeCloseCode } from './close-codes.js';
import { closeWithin, letGo, safeClose } from './let-go.js';
import { SilenceMeter } from './silence.js';
import { ask } from './ask.js';
import { normaliseUrl, resolveUrlSource } from './url.js';
import {
  CLOSED,
  CONNECTING,
  OPEN,
  type AnyListener,
  type OutgoingData,
  type WebSocketEventMapLike,
  type WebSocketLike,
} from './websocket.types.js';

export type { SocketActorDeps, SocketTransport } from './connection.deps.js';
export type { TimerClock } from './let-go.js';

/** Why an attempt fails when the adapter was given no dependencies and none are bound to its system. */
export const NO_DEPS =
  'no socket adapter dependencies: use createConnection, or provide createSocketActor(resolveOptions(options).adapter) to the machine';

/** Reported (with the app's verdict) when a socket does not close within `closeTimeoutMs`. */
export const ABANDONED_CLOSE = { code: 1006, reason: 'close timed out: socket abandoned', wasClean: false } as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyActorSystem = ActorSystem<any>;

/** The socket actor's logic: xstate's callback actor logic, as `fromCallback` types it. */
export type SocketActorLogic = CallbackActorLogic<SocketCommand, ConnectionSettings, SocketReport>;

/** The adapter of each running socket actor, by actor (what `fromCallback` keeps per instance, without its closures). */
const adapters = new WeakMap<AnyActorRef, SocketAdapter>();

/**
 * Creates the socket actor logic with `deps` (see `resolveOptions(options).adapter`), or, given
 * none, with the dependencies `createConnection` bound to its actor system (`connection.deps.ts`).
 * With neither, every attempt fails at once with an error saying what to provide.
 *
 * It behaves as a `fromCallback` actor, but runs the adapter object directly: no callback
 * arguments, `sendBack`/`receive` closures or receiver set per connection.
 */
export function createSocketActor(explicitDeps?: SocketActorDeps): SocketActorLogic {
  return {
    start(snapshot, { self, system }) {
      const deps = explicitDeps ?? connectionDepsOf(system);
      if (deps === undefined) {
        sendToParent(self, system, { type: 'SOCKET.ERROR', message: NO_DEPS });
        sendToParent(self, system, { type: 'SOCKET.CLOSED', code: 1006, reason: NO_DEPS, wasClean: false });
        return;
      }
      const adapter = new SocketAdapter(deps, snapshot.input, self, system);
      adapters.set(self, adapter);
      adapter.start();
    },
    transition(snapshot, event, { self }) {
      const adapter = adapters.get(self);
      if ((event as { type: string }).type === XSTATE_STOP) {
        adapters.delete(self);
        adapter?.dispose();
        return { ...snapshot, status: 'stopped', error: undefined };
      }
      adapter?.obey(event);
      return snapshot;
    },
    getInitialSnapshot: (_, input) => ({ status: 'active', output: undefined, error: undefined, input }),
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as CallbackSnapshot<ConnectionSettings>,
  };
}

/** The socket events the adapter listens to, in the order it adds its listeners. */
const SOCKET_EVENTS = ['open', 'message', 'error', 'close'] as const;

/** The event xstate sends an actor it stops. */
const XSTATE_STOP = 'xstate.stop';

/**
 * What `fromCallback`'s `sendBack` does: the event to the parent (none when the socket actor runs
 * as a root actor) through the system's relay, so the inspector sees the socket actor as its
 * source, or, should a later xstate not have that relay, sent to the parent directly. Nothing is
 * sent after the actor stops: a disposed adapter reports nothing (`SocketAdapter.report`).
 */
function sendToParent(self: AnyActorRef, system: AnyActorSystem, event: SocketReport): void {
  const parent = self._parent;
  if (parent === undefined) return;
  const { _relay } = system as AnyActorSystem & { _relay?: (source: AnyActorRef, target: AnyActorRef, event: SocketReport) => void };
  if (typeof _relay === 'function') _relay(self, parent, event);
  else parent.send(event);
}

/**
 * One invocation of the adapter: one socket, its listeners, its silence meter and its direct send
 * path (`send`, handed to the host as the transport), as one object with its methods on the
 * prototype: a handful of fields and four small listener functions per connection, where a
 * closure per callback cost about 1.5 KB (bench/RESULTS.md, candidate 2).
 */
class SocketAdapter extends SilenceMeter implements SocketTransport {
  private socket: WebSocketLike | null = null;
  private disposed = false;
  private closeRequested = false;
  private upgradeStatus: number | null = null;
  /** The handshake on this socket: none configured, waiting for the verdict, or decided. */
  private handshake: 'none' | 'running' | 'ready' | 'rejected';
  /** Messages that came during the handshake and were not the verdict: delivered after ready. */
  private early: unknown[] | null = null;
  /**
   * The functions added as the socket's listeners, one per event type (an implementation may
   * call a listener with no event, so the type cannot be read from the event). They share one
   * closure context: the adapter.
   */
  private readonly listeners: Readonly<Record<keyof WebSocketEventMapLike, AnyListener>>;

  constructor(
    private readonly deps: SocketActorDeps,
    private readonly input: ConnectionSettings,
    private readonly self: AnyActorRef,
    private readonly system: AnyActorSystem,
  ) {
    super(deps.now);
    this.handshake = input.handshake == null ? 'none' : 'running'; // settings from before the option have no field
    this.listeners = {
      open: () => this.onOpen(),
      message: (event: WebSocketEventMapLike['message']) => this.onMessage(event.data),
      error: (event: WebSocketEventMapLike['error']) => this.onError(event),
      close: (event: WebSocketEventMapLike['close']) => this.onClose(event),
    };
    this.opened(); // the silence meter starts
  }

  /** Opens the socket once this attempt's URL is known. */
  start(): void {
    resolveUrlSource(
      this.deps.url,
      (source) => this.open(source),
      (how, error) => this.fail(`url function ${how}: ${messageOf(error)}`, error),
    );
  }

  // Report: to the machine, and never after disposal.
  private report(event: SocketReport): void {
    if (!this.disposed) sendToParent(this.self, this.system, event);
  }
  private reportError(message: string, error: unknown): void {
    this.report({ type: 'SOCKET.ERROR', message, error });
  }
  private reportClosed(close: CloseInfo): void {
    const verdict = this.askShouldReconnect(close);
    this.report(verdict === undefined ? { type: 'SOCKET.CLOSED', ...close } : { type: 'SOCKET.CLOSED', ...close, shouldReconnect: verdict });
  }
  /** Every failure before a socket exists is a close like any other: the app's policy is asked. */
  private fail(message: string, error?: unknown): void {
    this.reportError(message, error);
    this.reportClosed({ code: 1006, reason: message, wasClean: false });
  }
  private askShouldReconnect(close: CloseInfo): boolean | undefined {
    const { shouldReconnect } = this.deps;
    if (!shouldReconnect || this.disposed) return undefined;
    try {
      return shouldReconnect(close) === true;
    } catch (error) {
      this.reportError(`shouldReconnect threw: ${messageOf(error)}`, error);
      return undefined;
    }
  }
  /** The silence meter's clock threw. */
  protected override nowThrew(error: unknown): void {
    this.reportError(`clock.now threw: ${messageOf(error)}; performance.now() used instead`, error);
  }

  /** The direct send path (`SocketTransport`). */
  send(data: OutgoingData): boolean {
    const socket = this.socket;
    if (this.disposed || socket === null || socket.readyState !== OPEN) return false;
    socket.send(data as never);
    return true;
  }

  // The socket's events, reported.
  private onOpen(): void {
    if (this.disposed) return;
    this.opened();
    // With a handshake the app's messages wait for the server's ready (see `readReply`).
    if (this.handshake === 'none') this.deps.onTransport?.(this);
    this.report({ type: 'SOCKET.OPENED', protocol: this.socket?.protocol ?? '' });
  }
  private onMessage(data: unknown): void {
    if (this.disposed) return;
    if (this.input.heartbeat !== null) {
      if (this.heard()) this.report({ type: 'SOCKET.ALIVE' });
      if (this.isPong(data)) return;
    }
    if (this.handshake === 'running') this.readReply(data);
    else if (this.handshake !== 'rejected') this.deliver(data);
  }
  private deliver(data: unknown): void {
    if (this.deps.onMessage) this.deps.onMessage(data);
    else this.report({ type: 'SOCKET.MESSAGE', data });
  }

  // The handshake: the hello first, then each message to `reply` until it decides.
  private sendHello(): void {
    const { hello } = this.deps;
    if (hello === undefined || this.handshake !== 'running') return;
    ask(
      hello,
      (data) => this.sendHelloData(data),
      (how, error) => this.helloFailed(`handshake.hello ${how}: ${messageOf(error)}`, error),
    );
  }
  private sendHelloData(data: OutgoingData): void {
    if (this.disposed || this.handshake !== 'running') return;
    try {
      checkOutgoing(data, '`handshake.hello`', ', or a promise of one');
      if (!this.send(data)) this.helloFailed('the hello could not be sent: the socket is no longer open', undefined);
    } catch (error) {
      this.helloFailed(`the hello could not be sent: ${messageOf(error)}`, error);
    }
  }
  private helloFailed(message: string, error: unknown): void {
    if (!this.disposed && this.handshake === 'running') this.report({ type: 'SOCKET.HELLO_FAILED', message, error });
  }
  private readReply(data: unknown): void {
    let verdict: unknown;
    try {
      verdict = this.deps.reply?.(data);
    } catch (error) {
      // A reply that throws decides nothing: the message waits with the others.
      this.reportError(`handshake.reply threw: ${messageOf(error)}`, error);
    }
    // `{ verdict: 'rejected', reason }`: a rejection carrying the server's reason (a reason that is not a string is left out).
    let reason: string | undefined;
    if ((verdict as { verdict?: unknown } | undefined)?.verdict === 'rejected') {
      const given = (verdict as { reason?: unknown }).reason;
      if (typeof given === 'string') reason = fitCloseReason(given);
      verdict = 'rejected';
    }
    if (verdict === 'ready') {
      this.handshake = 'ready';
      const early = this.early;
      this.early = null;
      this.deps.onTransport?.(this);
      this.report({ type: 'SOCKET.HANDSHAKE', verdict });
      for (const message of early ?? []) if (!this.disposed) this.deliver(message);
    } else if (verdict === 'rejected') {
      this.handshake = 'rejected';
      this.early = null;
      this.report({ type: 'SOCKET.HANDSHAKE', verdict, ...(reason && { reason }) });
    } else {
      (this.early ??= []).push(data);
    }
  }
  private onError(event: WebSocketEventMapLike['error']): void {
    const message = errorMessage(event);
    this.upgradeStatus = upgradeStatusIn(message) ?? this.upgradeStatus;
    this.reportError(message, event?.error ?? event);
    if (isStuckConnecting(this.socket)) {
      this.detach();
      this.socket = null;
      this.reportClosed({ code: 1006, reason: message, wasClean: false });
    }
  }
  private onClose(event: WebSocketEventMapLike['close']): void {
    this.detach();
    const status = this.upgradeStatus;
    this.reportClosed(
      status === null
        ? { code: event.code, reason: event.reason ?? '', wasClean: event.wasClean ?? false }
        : { code: upgradeCloseCode(status), reason: `HTTP ${status} on upgrade`, wasClean: false },
    );
  }
  /** The app's `isPong`; one that throws recognises nothing. */
  private isPong(data: unknown): boolean {
    const { isPong } = this.deps;
    try {
      return isPong(data);
    } catch {
      return false;
    }
  }

  private attach(ws: WebSocketLike): void {
    for (const type of SOCKET_EVENTS) ws.addEventListener(type, this.listeners[type]);
  }
  private detach(): void {
    const socket = this.socket;
    if (socket !== null) for (const type of SOCKET_EVENTS) socket.removeEventListener(type, this.listeners[type]);
  }

  /** Opens one socket at `source` (unless closed or disposed meanwhile). */
  private open(source: string | URL): void {
    if (this.disposed || this.closeRequested) return;
    let url: string;
    try {
      url = normaliseUrl(source);
    } catch (error) {
      this.fail(messageOf(error), error);
      return;
    }
    const { WebSocket } = this.deps;
    const { protocols } = this.input;
    let socket: WebSocketLike;
    try {
      socket = protocols.length > 0 ? new WebSocket(url, [...protocols]) : new WebSocket(url);
    } catch (error) {
      this.fail(`WebSocket constructor threw: ${messageOf(error)}`, error);
      return;
    }
    this.socket = socket;
    try {
      socket.binaryType = this.input.binaryType;
    } catch {
      // An implementation without this binaryType keeps its default.
    }
    try {
      this.attach(socket);
    } catch (error) {
      this.detach();
      this.socket = null;
      letGo(socket);
      this.fail(`WebSocket addEventListener threw: ${messageOf(error)}`, error);
    }
  }

  private sendPing(): void {
    const { ping } = this.deps;
    let data: OutgoingData;
    try {
      data = ping();
    } catch (error) {
      this.reportError(`heartbeat.ping threw: ${messageOf(error)}`, error);
      return;
    }
    try {
      this.send(data);
    } catch (error) {
      this.reportError(`the WebSocket refused the heartbeat ping: ${messageOf(error)}`, error);
    }
  }

  /** Obey: the machine's commands. */
  obey(command: SocketCommand): void {
    switch (command.type) {
      case 'CLOSE_SOCKET': {
        this.closeRequested = true;
        const socket = this.socket;
        if (socket === null) {
          // No socket yet (an async url is pending): the attempt is over at once.
          this.reportClosed({ code: command.code, reason: command.reason, wasClean: true });
        } else if (socket.readyState !== CLOSED) {
          safeClose(socket, command.code, command.reason);
        }
        return;
      }
      case 'ABANDON_SOCKET': {
        // The close did not complete within closeTimeoutMs: let the socket go and report the
        // close the machine waited for, with the app's verdict like any other close.
        this.closeRequested = true;
        const ws = this.socket;
        this.detach();
        this.socket = null;
        if (ws !== null && ws.readyState !== CLOSED) letGo(ws);
        this.reportClosed({ ...ABANDONED_CLOSE });
        return;
      }
      case 'SEND_PING':
        this.pinged();
        this.sendPing();
        return;
      case 'REPORT_SILENCE':
        this.report({ type: 'SOCKET.SILENCE', silentMs: this.silentMs() });
        return;
      case 'SEND_HELLO':
        this.sendHello();
        return;
    }
  }

  /** The disposer: no listener of ours left, no socket left open. */
  dispose(): void {
    this.disposed = true;
    this.deps.onTransport?.(null);
    const ws = this.socket;
    if (ws === null) return;
    this.detach();
    if (ws.readyState === CLOSED) return;
    if (ws.readyState === OPEN) closeWithin(ws, this.input.closeTimeoutMs, this.deps.clock);
    else letGo(ws);
  }
}

/**
 * Whether an 'error' left the socket CONNECTING, which ends the attempt here. An error fails the
 * connection and a close event should follow, with readyState past CONNECTING. Node 20's built-in
 * WebSocket (undici) fires 'error' on a refused or rejected handshake, or on close() while
 * connecting, but stays CONNECTING and never fires 'close': without this the attempt would hang
 * until connectTimeoutMs or closeTimeoutMs.
 */
function isStuckConnecting(ws: WebSocketLike | null): boolean {
  return ws !== null && ws.readyState === CONNECTING;
}

/** The HTTP status of a rejected upgrade in `ws`'s error text ("Unexpected server response: 401"), or `null`. */
function upgradeStatusIn(message: string): number | null {
  const status = /Unexpected server response: (\d{3})/.exec(message);
  return status ? Number(status[1]) : null;
}

function errorMessage(event: WebSocketEventMapLike['error'] | undefined): string {
  const inner = event?.error as { message?: unknown } | undefined;
  if (inner && typeof inner.message === 'string' && inner.message) return inner.message;
  if (event && typeof event.message === 'string' && event.message) return event.message;
  return 'WebSocket error';
}
