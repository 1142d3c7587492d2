// A socket-free WebSocket stand-in, constructor-compatible with the browser API.
// `send` only counts; `deliver(data)` dispatches a message event synchronously.
// The socket opens on a microtask after construction (so callers can attach
// listeners first, as they would with a real socket) and `close()` closes on a
// microtask with the given code.

type Listener = ((ev: any) => void) | { handleEvent(ev: any): void };

interface FakeEvent {
  type: string;
  target: FakeWebSocket;
  data?: unknown;
  code?: number;
  reason?: string;
  wasClean?: boolean;
}

export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  /** Every instance created, newest last. */
  static instances: FakeWebSocket[] = [];

  readonly url: string;
  readonly protocol = '';
  readonly extensions = '';
  readonly bufferedAmount = 0;
  readyState = 0;
  binaryType: string = 'blob';
  onopen: ((ev: any) => void) | null = null;
  onmessage: ((ev: any) => void) | null = null;
  onclose: ((ev: any) => void) | null = null;
  onerror: ((ev: any) => void) | null = null;

  sent = 0;
  sentBytes = 0;
  private listeners: Record<string, Listener[]> = { open: [], message: [], close: [], error: [] };

  constructor(url: string | URL, _protocols?: string | string[]) {
    this.url = String(url);
    FakeWebSocket.instances.push(this);
    queueMicrotask(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.dispatch({ type: 'open', target: this });
    });
  }

  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error('FakeWebSocket: send while not open');
    this.sent++;
    this.sentBytes += typeof data === 'string' ? data.length : ((data as ArrayBufferView).byteLength ?? 0);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    queueMicrotask(() => {
      this.readyState = 3;
      this.dispatch({ type: 'close', target: this, code: code ?? 1005, reason: reason ?? '', wasClean: true });
    });
  }

  /** Synchronously deliver an incoming message. */
  deliver(data: unknown): void {
    this.dispatch({ type: 'message', target: this, data });
  }

  addEventListener(type: string, listener: Listener): void {
    const list = (this.listeners[type] ??= []);
    if (!list.includes(listener)) list.push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    const list = this.listeners[type];
    if (!list) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  }

  dispatchEvent(ev: FakeEvent): boolean {
    this.dispatch(ev);
    return true;
  }

  private dispatch(ev: FakeEvent): void {
    const handler =
      ev.type === 'message'
        ? this.onmessage
        : ev.type === 'open'
          ? this.onopen
          : ev.type === 'close'
            ? this.onclose
            : this.onerror;
    if (handler) handler.call(this, ev);
    const list = this.listeners[ev.type];
    if (!list || list.length === 0) return;
    if (list.length === 1) {
      const l = list[0]!;
      if (typeof l === 'function') l.call(this, ev);
      else l.handleEvent(ev);
      return;
    }
    for (const l of [...list]) {
      if (typeof l === 'function') l.call(this, ev);
      else l.handleEvent(ev);
    }
  }
}
