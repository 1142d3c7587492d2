// The one interface every client goes through in every benchmark.

/** A WebSocket constructor (the `ws` package, or the fake one). */
export type WebSocketCtor = new (url: string, protocols?: string | string[]) => any;

export type Payload = string | ArrayBuffer | ArrayBufferView;

export interface ConnectOptions {
  url: string;
  /** The WebSocket implementation the client must use. */
  WebSocket: WebSocketCtor;
  onOpen?: () => void;
  onMessage?: (data: unknown) => void;
  onClose?: () => void;
  /**
   * Heartbeat on (only meaningful for clients that have one; ours does).
   * `undefined` means the library's defaults.
   */
  heartbeat?: { intervalMs: number; timeoutMs: number };
}

export interface BenchConnection {
  send(data: Payload): void;
  /** Close for good (no reconnect). */
  close(): void;
}

export interface ClientAdapter {
  /** short id used on the command line and in tables */
  readonly name: string;
  /** npm package whose version is reported (null for our own code) */
  readonly packageName: string | null;
  /** whether the client reconnects on its own (the herd benchmark needs that) */
  readonly reconnects: boolean;
  /** Import the library. Rejects if it is not available (ours before it lands). */
  load(): Promise<void>;
  /** Open one connection with the library's defaults plus `opts`. */
  connect(opts: ConnectOptions): BenchConnection;
}
