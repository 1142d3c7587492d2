/**
 * A WebSocket double that keeps the WHATWG readyState rules: `send` while CONNECTING throws
 * InvalidStateError, `send` while CLOSING/CLOSED discards silently (and counts it), `close()` on a
 * CONNECTING socket fails the connection (error + close 1006 once the test completes it), invalid
 * close codes throw. The test plays the server and the network through the control methods.
 */

type Listener = (event: unknown) => void;

export interface FakeWebSocketServerOptions {
  /** Give the class a `terminate()` method, like `ws`. @default false */
  terminate?: boolean;
  /**
   * Behave like Node 20's built-in WebSocket (undici) when a handshake fails or `close()` comes
   * while CONNECTING: 'error' fires, readyState stays CONNECTING, and 'close' never comes.
   * @default false
   */
  errorWithoutClose?: boolean;
  /**
   * Data the socket refuses: `send` throws a TypeError for it while OPEN, as browsers and Node's
   * built-in WebSocket do for a view on a SharedArrayBuffer. @default nothing is refused
   */
  refuseSend?: (data: unknown) => boolean;
}

export function createFakeWebSocketServer(options: FakeWebSocketServerOptions = {}): FakeWebSocketServer {
  return new FakeWebSocketServer(options);
}

export class FakeWebSocketServer {
  /** The constructor to pass as the `WebSocket` option. */
  readonly WebSocket: new (url: string, protocols?: string | string[]) => FakeWebSocket;
  /** Every socket created, in order. */
  readonly sockets: FakeWebSocket[] = [];
  /** Largest number of simultaneously live sockets seen at any socket creation. */
  peakLive = 0;

  constructor(readonly options: FakeWebSocketServerOptions) {
    const server = this;
    this.WebSocket = class extends FakeWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(server, url, protocols);
      }
    };
  }

  /** The most recently created socket (throws if none). */
  latest(): FakeWebSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('fake: no socket was created');
    return socket;
  }

  /** Sockets whose readyState is CONNECTING or OPEN right now. */
  live(): FakeWebSocket[] {
    return this.sockets.filter((s) => s.readyState === 0 || s.readyState === 1);
  }
}

export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readyState = 0;
  binaryType = 'blob';
  protocol = '';
  /** Messages the socket actually sent (only while OPEN), binary data as it was at `send` (a copy). */
  readonly sent: unknown[] = [];
  /** Messages given to `send` after the socket left OPEN (a real socket loses these silently). */
  readonly discarded: unknown[] = [];
  /** Messages `send` threw for while OPEN (see `refuseSend`); nothing of them went out. */
  readonly refused: unknown[] = [];
  /** The close the client asked for, if any. */
  closeCall: { code?: number; reason?: string } | null = null;
  terminated = false;
  private readonly listeners = new Map<string, Set<Listener>>();
  private failing = false;
  private readonly options: FakeWebSocketServerOptions;

  constructor(
    server: FakeWebSocketServer,
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    this.options = server.options;
    server.sockets.push(this);
    server.peakLive = Math.max(server.peakLive, server.live().length);
    if (this.options.terminate) {
      (this as unknown as { terminate: () => void }).terminate = () => {
        this.terminated = true;
        if (this.readyState !== 3) this.finish(1006, '', false, this.readyState === 0);
      };
    }
  }

  addEventListener(type: string, listener: Listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: Listener) {
    this.listeners.get(type)?.delete(listener);
  }
  listenerCount() {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
  private dispatch(type: string, event: object) {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener({ type, ...event });
  }

  send(data: unknown) {
    if (this.readyState === 0) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
    if (this.readyState !== 1) {
      this.discarded.push(data);
      return;
    }
    if (this.options.refuseSend?.(data)) {
      this.refused.push(data);
      throw new TypeError('fake: the WebSocket refuses this data');
    }
    this.sent.push(copyOf(data));
  }
  close(code?: number, reason?: string) {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      const message = `The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`;
      throw new DOMException(message, 'InvalidAccessError');
    }
    if (this.readyState === 2 || this.readyState === 3) return;
    this.closeCall = { code, reason };
    if (this.options.errorWithoutClose && this.readyState === 0) {
      this.dispatch('error', { message: 'Connection was closed before it was established.' });
      return;
    }
    this.failing = this.readyState === 0;
    this.readyState = 2;
  }

  // The test plays the server and the network through these.

  /** Server accepts the handshake: OPEN + 'open'. */
  accept(protocol = '') {
    if (this.readyState !== 0) throw new Error(`fake: accept() on a socket in readyState ${this.readyState}`);
    this.readyState = 1;
    this.protocol = protocol;
    this.dispatch('open', {});
  }
  /** A message from the server. */
  receive(data: unknown) {
    if (this.readyState !== 1) throw new Error(`fake: receive() on a socket in readyState ${this.readyState}`);
    this.dispatch('message', { data });
  }
  /** Server closes with a code: a clean close handshake. */
  serverClose(code: number, reason = '') {
    if (this.readyState === 3) throw new Error('fake: serverClose() on a CLOSED socket');
    this.finish(code, reason, true, false);
  }
  /** Network failure or refusal: 'error' then 'close' 1006. */
  drop() {
    if (this.readyState === 3) throw new Error('fake: drop() on a CLOSED socket');
    if (this.options.errorWithoutClose && this.readyState === 0) {
      this.dispatch('error', { message: 'Received network error or non-101 status code.' });
      return;
    }
    this.finish(1006, '', false, true);
  }
  /**
   * The server answers the upgrade with an HTTP status instead of 101, as `ws` reports it: 'error'
   * whose `error.message` is "Unexpected server response: <status>", then 'close' 1006.
   */
  rejectUpgrade(status: number) {
    if (this.readyState !== 0) throw new Error(`fake: rejectUpgrade() on a socket in readyState ${this.readyState}`);
    this.readyState = 3;
    const error = new Error(`Unexpected server response: ${status}`);
    this.dispatch('error', { message: error.message, error });
    this.dispatch('close', { code: 1006, reason: '', wasClean: false });
  }
  /** Completes a close the client requested (the server answered, or the connection failed). */
  completeClose() {
    if (this.readyState !== 2) throw new Error(`fake: completeClose() on a socket in readyState ${this.readyState}`);
    if (this.failing) this.finish(1006, '', false, true);
    else this.finish(this.closeCall?.code ?? 1005, this.closeCall?.reason ?? '', true, false);
  }
  private finish(code: number, reason: string, wasClean: boolean, error: boolean) {
    this.readyState = 3;
    if (error) this.dispatch('error', { message: 'connection failed' });
    this.dispatch('close', { code, reason, wasClean });
  }
}

const typedArraySlice = (Object.getPrototypeOf(Uint8Array.prototype) as { slice: (this: unknown) => unknown }).slice;

/** A real socket takes the bytes at `send`: what the app does to its buffer later is not on the wire. */
function copyOf(data: unknown): unknown {
  if (data instanceof ArrayBuffer) return data.slice(0);
  if (data instanceof DataView) return new DataView(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (ArrayBuffer.isView(data)) return typedArraySlice.call(data);
  return data;
}
