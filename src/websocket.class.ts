/**
 * `ReconnectingWebSocket`: the WHATWG WebSocket surface over `createConnection`, for apps that use
 * reconnecting-websocket or partysocket. One object for the life of the connection; every socket
 * under it comes and goes through the statechart, so every proof about the handle still applies.
 */
import { isReturningIntent } from './connection.types.js';
import { createConnection, type Connection, type ConnectionInternals } from './create-connection.js';
import type { ConnectionStatus } from './connection.types.js';
import { DEFAULTS, type UrlSource } from './options.types.js';
import { normaliseUrl } from './url.js';
import {
  CloseEventImpl,
  DroppedEvent,
  WebSocketErrorEvent,
  type ReconnectingWebSocketEventMap,
} from './websocket.events.js';
import { mapOptions, renameInError, type ReconnectingWebSocketOptions } from './websocket.options.js';
import type { OutgoingData, WebSocketConstructor, WebSocketLike } from './websocket.types.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** A socket as far as this class reads it: the adapter's slice, and what WHATWG sockets also have. */
type Socket = WebSocketLike & { readonly url?: string; readonly extensions?: string; readonly bufferedAmount?: number };

/** An `on<event>` handler property (`onopen`, `onmessage`, `onclose`, `onerror`): called with the event, `this` the socket. */
export type ReconnectingWebSocketHandler<K extends keyof ReconnectingWebSocketEventMap> = ((this: ReconnectingWebSocket, event: ReconnectingWebSocketEventMap[K]) => unknown) | null;

/**
 * A WebSocket that reconnects: `new ReconnectingWebSocket(url, protocols?, options?)`. `url` may
 * be a (sync or async) function, called before every attempt. Options: ours
 * (`ConnectionOptions` but `url`, `protocols`, `codec`) or reconnecting-websocket's names.
 *
 * `readyState`: `CONNECTING` while an attempt or a retry is under way (also during the backoff
 * wait, and while an open socket is being replaced by `reconnect()` or a heartbeat timeout),
 * `OPEN` while open, `CLOSING` after `close()` until the socket is closed, `CLOSED` after `close()`,
 * after giving up, and before the first attempt with `startClosed`.
 */
export class ReconnectingWebSocket extends EventTarget {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  /** The connection underneath: its `on('retry' | 'gaveUp' | ...)` events and `actor`. */
  readonly connection: Connection;
  onopen: ReconnectingWebSocketHandler<'open'> = null;
  onmessage: ReconnectingWebSocketHandler<'message'> = null;
  onclose: ReconnectingWebSocketHandler<'close'> = null;
  onerror: ReconnectingWebSocketHandler<'error'> = null;

  private socket: Socket | null = null;
  /** Bytes given to `send` while not open and still waiting in the connection's queue. */
  private binaryTypeValue: string;
  private readonly urlSource: UrlSource;
  /** Whether the first attempt starts by itself (on the next microtask: `idle` until then). */
  private readonly autoConnect: boolean;

  constructor(url: UrlSource, protocols?: string | string[], options?: ReconnectingWebSocketOptions) {
    super();
    const { options: mapped, used } = mapOptions(url, protocols, options);
    const Impl = mapped.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (typeof Impl === 'function') mapped.WebSocket = this.capturing(Impl);
    try {
      this.connection = createConnection(mapped);
    } catch (error) {
      throw renameInError(error, used);
    }
    this.urlSource = url;
    this.autoConnect = mapped.autoConnect ?? DEFAULTS.autoConnect;
    this.binaryTypeValue = mapped.binaryType ?? DEFAULTS.binaryType;
    // The `on...` handlers are listeners registered first, so they run before addEventListener's.
    for (const type of ['open', 'message', 'close', 'error'] as const) {
      super.addEventListener(type, (event) => (this[`on${type}`] as ((event: Event) => unknown) | null)?.call(this, event));
    }
    const conn = this.connection;
    conn.on('open', () => this.dispatchEvent(new Event('open')));
    conn.on('message', (data) => this.dispatchEvent(new MessageEvent('message', { data })));
    conn.on('close', ({ code, reason, wasClean }) => this.dispatchEvent(new CloseEventImpl('close', { code, reason, wasClean })));
    conn.on('error', ({ message, error }) => this.dispatchEvent(new WebSocketErrorEvent(message, error)));
    conn.on('dropped', ({ data, reason, error }) => this.dispatchEvent(new DroppedEvent(data, reason, error)));
  }

  get CONNECTING(): 0 {
    return CONNECTING;
  }
  get OPEN(): 1 {
    return OPEN;
  }
  get CLOSING(): 2 {
    return CLOSING;
  }
  get CLOSED(): 3 {
    return CLOSED;
  }

  /** The connection's status (`idle`, `connecting`, `open`, `closing`, `backoff`, `gaveUp`, `manuallyClosed`). */
  get status(): ConnectionStatus {
    return this.connection.status;
  }

  /** Retries since the budget was last reset (stable uptime, `reconnect()`). */
  get retryCount(): number {
    return this.connection.actor.getSnapshot().context.retries;
  }

  get readyState(): number {
    switch (this.connection.status) {
      case 'open':
        return OPEN;
      case 'connecting':
      case 'backoff':
        return CONNECTING;
      case 'closing':
        // CLOSING only when the close ends the connection (the chart's own test for it).
        return isReturningIntent(this.connection.actor.getSnapshot().context.closeIntent) ? CONNECTING : CLOSING;
      case 'idle':
        return this.autoConnect ? CONNECTING : CLOSED;
      default:
        return CLOSED;
    }
  }

  /** The URL of the latest socket; before the first one, the URL given (`''` for a function). */
  get url(): string {
    if (this.socket?.url) return this.socket.url;
    return typeof this.urlSource === 'function' ? '' : normaliseUrl(this.urlSource);
  }

  /** The subprotocol the server chose for the latest socket (`''` before one opened). */
  get protocol(): string {
    return this.socket?.protocol ?? '';
  }

  /** The extensions the server chose for the latest socket (`''` before one opened). */
  get extensions(): string {
    return this.socket?.extensions ?? '';
  }

  /** Bytes waiting to be sent: queued while not open, plus the open socket's own `bufferedAmount`. */
  get bufferedAmount(): number {
    const socket = this.readyState === OPEN ? (this.socket?.bufferedAmount ?? 0) : 0;
    return (this.connection as unknown as ConnectionInternals).queuedBytes() + socket;
  }

  /** How binary messages arrive; set it to change the current socket's and every later one's. */
  get binaryType(): string {
    return this.binaryTypeValue;
  }
  set binaryType(value: string) {
    this.binaryTypeValue = value;
    if (this.socket) applyBinaryType(this.socket, value);
  }

  /**
   * Sends now while open, else queues it (flushed in order on open). Returns `false`, and
   * dispatches a `dropped` event, when the message is dropped (the queue is full, or the socket
   * refuses it, which an `error` event also says).
   */
  send(data: OutgoingData): boolean {
    return this.connection.send(data);
  }

  /** Closes for good (no reconnect until `reconnect()`): code 1000 or 3000–4999, reason ≤ 123 UTF-8 bytes. */
  close(code?: number, reason?: string): void {
    this.connection.close(code, reason);
  }

  /** Connects again now with a fresh retry budget: after `close()`, after giving up, or replacing an open socket. */
  reconnect(): void {
    this.connection.reconnect();
  }

  override addEventListener<K extends keyof ReconnectingWebSocketEventMap>(
    type: K,
    listener: ((this: ReconnectingWebSocket, event: ReconnectingWebSocketEventMap[K]) => unknown) | EventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  override removeEventListener<K extends keyof ReconnectingWebSocketEventMap>(
    type: K,
    listener: ((this: ReconnectingWebSocket, event: ReconnectingWebSocketEventMap[K]) => unknown) | EventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener, options);
  }

  /** `Impl`, recording each socket it makes (for `url`, `protocol`, `extensions`, `bufferedAmount`, `binaryType`). */
  private capturing(Impl: WebSocketConstructor): WebSocketConstructor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return function CapturedWebSocket(url: string, protocols?: string | string[]) {
      const socket: Socket = protocols === undefined ? new Impl(url) : new Impl(url, protocols);
      self.socket = socket;
      // The adapter sets the option's binaryType right after construction; a value set on this
      // object since then wins before any message can arrive.
      queueMicrotask(() => {
        if (socket.binaryType !== self.binaryTypeValue) applyBinaryType(socket, self.binaryTypeValue);
      });
      return socket;
    } as unknown as WebSocketConstructor;
  }
}

function applyBinaryType(socket: Socket, value: string): void {
  try {
    socket.binaryType = value;
  } catch {
    // An implementation without this binaryType keeps its own.
  }
}

