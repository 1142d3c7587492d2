import { MAX_CLOSE_REASON_BYTES } from '../close-codes.js';
import { byteLengthOf } from '../byte-length.js';
import { snapshotOutgoing } from '../outgoing.js';
import type { OutgoingData } from '../websocket.types.js';
import type { TestServer } from './server.js';

/** How the in-memory WebSockets of a {@link TestServer} behave where implementations differ. */
export interface TestServerOptions {
  /**
   * Give each socket a `terminate()` method, like the `ws` package's: it drops the connection at
   * once ('error' while CONNECTING, then 'close' 1006) and sets {@link TestWebSocket.terminated}.
   * @default false
   */
  terminate?: boolean;
  /**
   * Behave like Node 20's built-in WebSocket (undici) when a handshake fails or `close()` comes
   * while CONNECTING: 'error' fires, readyState stays CONNECTING, and 'close' never comes (the
   * server's moves on that socket then throw: nothing more happens on it).
   * @default false
   */
  errorWithoutClose?: boolean;
  /**
   * Data the socket refuses: `send` throws a TypeError for it while OPEN, as browsers and Node's
   * built-in WebSocket do for a view on a SharedArrayBuffer. Refused data is kept in
   * {@link TestWebSocket.refusedSends}.
   * @default nothing is refused
   */
  refuseSend?: (data: unknown) => boolean;
}

/** A listener as `addEventListener` takes it. */
export type TestWebSocketListener = (event: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The close the client asked for with `close(code?, reason?)`. */
export interface CloseCall {
  code?: number;
  reason?: string;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const;

/**
 * One in-memory WebSocket, with two faces. The app's code sees the WHATWG WebSocket surface
 * (`readyState`, `send`, `close`, `addEventListener`, `onopen`...), with its rules: `send` while
 * CONNECTING throws InvalidStateError, `send` while CLOSING or CLOSED is discarded silently,
 * `close()` with a code other than 1000 or 3000–4999 throws InvalidAccessError, a reason over
 * 123 bytes throws SyntaxError, `close()` while CONNECTING fails the connection.
 * The test plays the server and the network with the other face: {@link accept}, {@link refuse},
 * {@link serverSend}, {@link serverClose}, {@link drop}, {@link dropSilently},
 * {@link completeClose}, and reads what the client did in {@link sent} and {@link closeCall}.
 *
 * Nothing happens by itself: every event fires, synchronously, from the test's call, so a test
 * controls every interleaving. A socket nobody accepts or refuses hangs in CONNECTING (what a
 * server that never answers the upgrade does). A call the socket's state does not allow (accepting
 * twice, sending to a closed socket) throws an Error naming the socket and its state.
 *
 * Create sockets through a server's `WebSocket` constructor ({@link TestServer.WebSocket}); a
 * subclass of this class can be given to {@link TestServer} to emulate an implementation's quirks
 * (events fire through the protected `dispatch`).
 */
export class TestWebSocket {
  /** WHATWG readyState: the handshake has not finished. */
  static readonly CONNECTING = CONNECTING;
  /** WHATWG readyState: open, messages flow. */
  static readonly OPEN = OPEN;
  /** WHATWG readyState: a close was asked for and is not complete. */
  static readonly CLOSING = CLOSING;
  /** WHATWG readyState: closed ('close' has fired, or will never fire with `errorWithoutClose`). */
  static readonly CLOSED = CLOSED;
  /** WHATWG readyState: the handshake has not finished. */
  readonly CONNECTING = CONNECTING;
  /** WHATWG readyState: open, messages flow. */
  readonly OPEN = OPEN;
  /** WHATWG readyState: a close was asked for and is not complete. */
  readonly CLOSING = CLOSING;
  /** WHATWG readyState: closed. */
  readonly CLOSED = CLOSED;

  /** 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. (Writable, so a subclass or test can emulate an implementation.) */
  readyState: number = CONNECTING;
  /** How binary messages from the server are delivered: 'blob', 'arraybuffer' (or `ws`'s 'nodebuffer'). */
  binaryType = 'blob';
  /** The subprotocol the server chose in {@link accept}; '' until then. */
  protocol = '';
  /** Always '' (no extension is negotiated). */
  readonly extensions = '';
  /** Always 0: what `send` takes is on the (in-memory) wire at once. */
  readonly bufferedAmount = 0;
  /** The event handler properties: each is called after the listeners of its event. */
  onopen: TestWebSocketListener | null = null;
  /** Called with each message event, after the 'message' listeners. */
  onmessage: TestWebSocketListener | null = null;
  /** Called with each error event, after the 'error' listeners. */
  onerror: TestWebSocketListener | null = null;
  /** Called with the close event, after the 'close' listeners. */
  onclose: TestWebSocketListener | null = null;

  /** What the client sent while OPEN, in order; binary data as it was at `send` (a copy). */
  readonly sent: unknown[] = [];
  /** What the client gave `send` after the socket left OPEN: a real socket loses it silently. */
  readonly discarded: unknown[] = [];
  /** What `send` threw a TypeError for while OPEN (see `refuseSend`); none of it went out. */
  readonly refusedSends: unknown[] = [];
  /** What the client sent after {@link dropSilently}: it left the client and never arrived. */
  readonly lost: unknown[] = [];
  /** The close the client asked for, or null if it never called `close()` (on a socket not yet CLOSING/CLOSED). */
  closeCall: CloseCall | null = null;
  /** Whether `terminate()` was called (sockets of a server created with `terminate: true`). */
  terminated = false;
  /** The socket's number at its server: 1 for the first created. */
  readonly index: number;
  /** The URL given to the constructor. */
  readonly url: string;
  /** The subprotocols given to the constructor. */
  readonly protocols: string | string[] | undefined;

  private readonly listeners = new Map<string, Set<TestWebSocketListener>>();
  private readonly behaviour: TestServerOptions;
  /** `close()` while CONNECTING: the close completes as a failed connection. */
  private failing = false;
  /** The link died without a word ({@link dropSilently}). */
  private silent = false;
  /** The handshake failed with `errorWithoutClose`: the socket stays CONNECTING and nothing more happens. */
  private dead = false;

  /**
   * Apps never call this: they call the server's `WebSocket` constructor, `new server.WebSocket(url, protocols)`.
   * @param server - the server the socket belongs to; the socket registers itself in `server.sockets`
   */
  constructor(server: TestServer<TestWebSocket>, url: string, protocols?: string | string[]) {
    this.url = url;
    this.protocols = protocols;
    this.behaviour = server.options;
    this.index = server.adopt(this);
    if (this.behaviour.terminate) {
      (this as unknown as { terminate: () => void }).terminate = () => {
        this.terminated = true;
        if (this.readyState !== CLOSED && !this.dead) this.finish(1006, '', false, this.readyState === CONNECTING);
      };
    }
  }

  // The client's face: the WHATWG WebSocket surface.

  /** Adds a listener for 'open', 'message', 'error' or 'close' (a listener added twice is called once). */
  addEventListener(type: string, listener: TestWebSocketListener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  /** Removes a listener added with {@link addEventListener}. */
  removeEventListener(type: string, listener: TestWebSocketListener): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** How many listeners and `on*` handlers the app has on this socket: 0 once it let go of it. */
  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    for (const handler of [this.onopen, this.onmessage, this.onerror, this.onclose]) if (handler) n++;
    return n;
  }

  /**
   * Sends `data` to the server: recorded in {@link sent} while OPEN, in {@link discarded} while
   * CLOSING or CLOSED. Throws InvalidStateError while CONNECTING, as a real WebSocket does.
   */
  send(data: unknown): void {
    if (this.readyState === CONNECTING) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
    if (this.readyState !== OPEN) {
      this.discarded.push(data);
      return;
    }
    if (this.behaviour.refuseSend?.(data)) {
      this.refusedSends.push(data);
      throw new TypeError('test socket: the WebSocket refuses this data (refuseSend)');
    }
    (this.silent ? this.lost : this.sent).push(snapshotOutgoing(data as OutgoingData));
  }

  /**
   * Asks to close: CLOSING until the server answers ({@link completeClose}) or the link fails
   * ({@link drop}). While CONNECTING it fails the connection ('error', then 'close' 1006 on
   * {@link completeClose}). Does nothing on a CLOSING or CLOSED socket (nor on one whose
   * handshake failed with `errorWithoutClose`).
   */
  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      const message = `The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`;
      throw new DOMException(message, 'InvalidAccessError');
    }
    if (reason !== undefined && byteLengthOf(reason) > MAX_CLOSE_REASON_BYTES) {
      throw new DOMException(`The close reason must not be longer than ${MAX_CLOSE_REASON_BYTES} bytes.`, 'SyntaxError');
    }
    if (this.readyState === CLOSING || this.readyState === CLOSED || this.dead) return;
    this.closeCall = { code, reason };
    if (this.behaviour.errorWithoutClose && this.readyState === CONNECTING) {
      this.dead = true;
      this.dispatch('error', { message: 'Connection was closed before it was established.' });
      return;
    }
    this.failing = this.readyState === CONNECTING;
    this.readyState = CLOSING;
  }

  // The server's and the network's face: the test calls these.

  /** The server accepts the handshake, choosing `protocol`: OPEN, then 'open'. Only on a CONNECTING socket. */
  accept(protocol = ''): void {
    this.expectState('accept', [CONNECTING], 'only a CONNECTING socket can be accepted, once');
    this.readyState = OPEN;
    this.protocol = protocol;
    this.dispatch('open', {});
  }

  /**
   * The server refuses the handshake. With an HTTP `status` it answers the upgrade with it, as
   * `ws` reports it ('error' whose `error.message` is "Unexpected server response: <status>",
   * then 'close' 1006); without one the connection is refused at the network ('error', then
   * 'close' 1006). Only on a CONNECTING socket.
   */
  refuse(status?: number): void {
    this.expectState('refuse', [CONNECTING], 'only a CONNECTING socket can be refused');
    if (status === undefined) {
      this.fail('Received network error or non-101 status code.');
      return;
    }
    this.readyState = CLOSED;
    const error = new Error(`Unexpected server response: ${status}`);
    this.dispatch('error', { message: error.message, error });
    this.dispatch('close', { code: 1006, reason: '', wasClean: false });
  }

  /**
   * The server sends a message: 'message' with `data`. A string is delivered as is; an
   * ArrayBuffer or a view as the client's `binaryType` asks (a Blob for 'blob', an ArrayBuffer for
   * 'arraybuffer', a Buffer for `ws`'s 'nodebuffer'), copied. Only on an OPEN socket.
   */
  serverSend(data: string | ArrayBuffer | ArrayBufferView): void {
    this.expectState('serverSend', [OPEN], 'the server can send to an OPEN socket only');
    this.expectLinkUp('serverSend');
    this.dispatch('message', { data: this.asReceived(data) });
  }

  /**
   * The server closes with `code` and `reason`, a clean close handshake: CLOSED, then 'close'
   * (wasClean true). Not on a CLOSED socket.
   */
  serverClose(code = 1000, reason = ''): void {
    this.expectState('serverClose', [CONNECTING, OPEN, CLOSING], 'a CLOSED socket cannot be closed again');
    this.expectLinkUp('serverClose');
    this.finish(code, reason, true, false);
  }

  /**
   * The network fails (a killed server, a lost route) and the client notices: 'error', then
   * 'close' 1006 (wasClean false). Also ends a link dropped silently. Not on a CLOSED socket.
   */
  drop(): void {
    this.expectState('drop', [CONNECTING, OPEN, CLOSING], 'a CLOSED socket cannot be dropped');
    this.silent = false;
    this.fail('Received network error or non-101 status code.');
  }

  /**
   * The link dies without a word (a half-open TCP connection: a sleeping laptop, a NAT that forgot
   * it): no event reaches the client, readyState stays as it is, what the client sends from now on
   * goes to {@link lost}, and the server can no longer send or close. Only a heartbeat notices;
   * {@link drop} is the network finally reporting it. Only on an OPEN socket.
   */
  dropSilently(): void {
    this.expectState('dropSilently', [OPEN], 'only an OPEN socket can go silent');
    this.silent = true;
  }

  /**
   * The server answers the close the client asked for: CLOSED, then 'close' with the client's
   * code and reason (1005 if it gave none). If the client closed while CONNECTING, the connection
   * fails instead: 'error', then 'close' 1006. Only on a CLOSING socket.
   */
  completeClose(): void {
    this.expectState('completeClose', [CLOSING], 'only a socket the client is closing (CLOSING) can complete its close');
    this.expectLinkUp('completeClose');
    if (this.failing) this.finish(1006, '', false, true);
    else this.finish(this.closeCall?.code ?? 1005, this.closeCall?.reason ?? '', true, false);
  }

  /**
   * Fires an event at the listeners, then at the `on*` handler: `{ type, ...init }`. Every event
   * of this socket goes through here, so a subclass can also route it elsewhere (`ws`'s `on`).
   */
  protected dispatch(type: string, init: object): void {
    const event = { type, ...init };
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
    const handler = (this as unknown as Record<string, unknown>)[`on${type}`];
    if (typeof handler === 'function') handler.call(this, event);
  }

  private fail(message: string) {
    if (this.behaviour.errorWithoutClose && this.readyState === CONNECTING) {
      this.dead = true;
      this.dispatch('error', { message });
      return;
    }
    this.finish(1006, '', false, true);
  }

  private finish(code: number, reason: string, wasClean: boolean, error: boolean) {
    this.readyState = CLOSED;
    if (error) this.dispatch('error', { message: 'connection failed' });
    this.dispatch('close', { code, reason, wasClean });
  }

  private expectState(method: string, allowed: number[], rule: string) {
    if (this.dead) {
      throw new Error(`test socket #${this.index} (${this.url}): ${method}() after its handshake failed with errorWithoutClose; nothing more happens on it`);
    }
    if (allowed.includes(this.readyState)) return;
    const state = STATE_NAMES[this.readyState] ?? String(this.readyState);
    throw new Error(`test socket #${this.index} (${this.url}): ${method}() while ${state}; ${rule}`);
  }

  private expectLinkUp(method: string) {
    if (!this.silent) return;
    throw new Error(`test socket #${this.index} (${this.url}): ${method}() after dropSilently(); the link is dead, drop() ends it`);
  }

  private asReceived(data: unknown): unknown {
    if (!(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) return data;
    const view = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const bytes = new Uint8Array(view); // a copy, on its own ArrayBuffer
    if (this.binaryType === 'blob') return new Blob([bytes]);
    if (this.binaryType === 'nodebuffer') {
      const NodeBuffer = (globalThis as { Buffer?: { from(bytes: Uint8Array): unknown } }).Buffer;
      if (NodeBuffer) return NodeBuffer.from(bytes);
    }
    return bytes.buffer;
  }
}
