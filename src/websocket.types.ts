/**
 * The slice of the WHATWG WebSocket interface the adapter relies on. The browser's
 * WebSocket, Node's built-in (undici) WebSocket and the `ws` package all satisfy it.
 */

/** Data a WebSocket can send. */
export type OutgoingData = string | ArrayBufferLike | ArrayBufferView | Blob;

/** The listener shapes the adapter attaches. */
export interface WebSocketEventMapLike {
  open: unknown;
  message: { readonly data: unknown };
  error: { readonly message?: string; readonly error?: unknown };
  close: { readonly code: number; readonly reason: string; readonly wasClean: boolean };
}

/**
 * A listener as each implementation types it (DOM, undici and `ws` disagree on event classes),
 * so `any` is the honest parameter type here; the adapter narrows with `WebSocketEventMapLike`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyListener = (event: any) => void;

/** A WebSocket instance, as far as the adapter is concerned. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol?: string;
  binaryType: string;
  send(data: never): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: AnyListener): void;
  removeEventListener(type: string, listener: AnyListener): void;
  /** `ws` only: drop the TCP connection at once. */
  terminate?: () => void;
}

/** A WebSocket constructor: `new WebSocket(url, protocols)`. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** WHATWG readyState values. */
export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSED = 3;
