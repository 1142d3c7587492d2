/**
 * The events `ReconnectingWebSocket` dispatches, shaped like the WHATWG ones: `Event` for `open`,
 * `MessageEvent` for `message`, `CloseEvent` for `close` (a small subclass of `Event` where the
 * platform has none, as in Node 20), an `Event` carrying `message` and `error` for `error`, and
 * `DroppedEvent` for a message that was not sent.
 */
import type { DropReason } from './create-connection.js';
import type { OutgoingData } from './websocket.types.js';

/** What a `CloseEvent` carries. */
export interface CloseEventInit extends EventInit {
  code?: number;
  reason?: string;
  wasClean?: boolean;
}

/** A `CloseEvent` for platforms without one (Node 20): the WHATWG fields, read-only. */
class CloseEventShim extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(type: string, init: CloseEventInit = {}) {
    super(type, init);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
}

/** The platform's `CloseEvent` (browsers, Node ≥ 23), else the shim. */
export const CloseEventImpl: new (type: string, init?: CloseEventInit) => CloseEvent =
  (globalThis as { CloseEvent?: typeof CloseEvent }).CloseEvent ?? (CloseEventShim as unknown as typeof CloseEvent);

/** `error`: what went wrong, as the connection's `error` event says it. */
export class WebSocketErrorEvent extends Event {
  constructor(
    readonly message: string,
    readonly error?: unknown,
  ) {
    super('error');
  }
}

/**
 * `dropped`: a message given to `send` was not sent (`send` returned `false`, or it waited in the
 * queue when the socket refused it). A plain WebSocket discards such data silently; this one says so.
 */
export class DroppedEvent extends Event {
  constructor(
    readonly data: OutgoingData,
    readonly reason: DropReason,
    readonly error?: unknown,
  ) {
    super('dropped');
  }
}

/** The events of `ReconnectingWebSocket`, by type, for `addEventListener`. */
export interface ReconnectingWebSocketEventMap {
  open: Event;
  message: MessageEvent;
  close: CloseEvent;
  error: WebSocketErrorEvent;
  dropped: DroppedEvent;
}
