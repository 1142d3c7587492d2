/**
 * Types of the connection statechart: its statuses, context, input, events and emitted events.
 * Everything here is plain data, so a snapshot serialises and the state graph can be explored.
 */

/** The seven public statuses, in lifecycle order. */
export const CONNECTION_STATUSES = [
  'idle',
  'connecting',
  'open',
  'closing',
  'backoff',
  'gaveUp',
  'manuallyClosed',
] as const;

/**
 * Where the connection is:
 * - `idle`: created, never asked to connect (`autoConnect: false`).
 * - `connecting`: a socket is being opened (URL resolved, opening handshake under way) or, with a
 *   `handshake`, it is open and the app-level handshake runs: the session is not open until `'ready'`.
 * - `open`: the socket is OPEN; sends go straight to it.
 * - `closing`: a close was requested; waiting for the socket to be CLOSED, at most `closeTimeoutMs`.
 * - `backoff`: the last attempt failed or dropped; waiting before the next one.
 * - `gaveUp`: retries exhausted or a terminal close code; nothing happens until `connect()` or `reconnect()`.
 * - `manuallyClosed`: `close()` was called; nothing happens until `connect()` or `reconnect()`.
 */
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * How long, in ms, a page must have been hidden for its return to check an open connection or cut
 * a retry wait short, when there is no heartbeat to take `intervalMs` from (the heartbeat's default).
 */
export const HIDDEN_CHECK_DEFAULT_MS = 25_000;

/** What a socket said when it closed (the fields of a WebSocket `CloseEvent`). */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** The heartbeat's timing, when enabled. */
export interface HeartbeatSettings {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** The app-level handshake's timing, when there is one (what the chart needs of `handshake`; `hello` and `reply` are the adapter's). */
export interface HandshakeSettings {
  /** Longest wait, in ms, from the socket opening to the server's verdict. */
  readonly timeoutMs: number;
}

/**
 * The machine's input: the resolved, validated settings (plain data only). The URL is not here:
 * the adapter asks its `url` source once per attempt (`resolveOptions(options).adapter.url`).
 */
export interface ConnectionSettings {
  readonly protocols: readonly string[];
  readonly binaryType: BinaryTypeName;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly stableUptimeMs: number;
  readonly maxRetries: number;
  readonly backoff: {
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
    readonly factor: number;
    readonly jitter: number;
  };
  readonly heartbeat: HeartbeatSettings | null;
  /**
   * The app-level handshake: `null` for none (the session is open as soon as the socket is). With
   * one, an open socket goes to `session.handshaking` (status `connecting`): the adapter sends the
   * hello and reports the server's verdict (SOCKET.HANDSHAKE) within `timeoutMs`, or the attempt fails.
   */
  readonly handshake: HandshakeSettings | null;
  /** Seeds the jitter generator (a uint32): the same seed and events give the same retry delays. */
  readonly seed: number;
  /**
   * Whether a retry that falls due while the page is hidden waits for the page to be visible
   * (`backoff.paused`). Settings made before the option (no field) never pause.
   */
  readonly pauseWhenHidden?: boolean;
}

/** `binaryType` values understood by browsers, undici and `ws`. */
export type BinaryTypeName = 'arraybuffer' | 'blob' | 'nodebuffer';

/**
 * Why the socket is being closed, which decides where `closing` leads:
 * `manual` → `manuallyClosed`; `reconnect` → a new attempt at once with a fresh budget;
 * `retry` → `backoff` (or `gaveUp` when no retry is left); `reject` (the server rejected the
 * handshake) → `gaveUp`, whatever the close code and `shouldReconnect` say; `cached` (the page
 * went into the back/forward cache) → `backoff.cached` until it is restored. (A close because
 * the network went offline is a `retry` close: offline, it waits in `backoff.offline`.)
 */
export type CloseIntent = 'manual' | 'reconnect' | 'retry' | 'reject' | 'cached';

/** Whether a socket closed with this intent is followed by another (not closed for good: `close()`, a rejected handshake). */
export function isReturningIntent(intent: CloseIntent): boolean {
  return intent !== 'manual' && intent !== 'reject';
}

/**
 * Why the machine stopped retrying: retries exhausted, a terminal close code, or the server's
 * `'rejected'` verdict in the handshake (never retried, like 1008).
 */
export type GaveUpReason = 'max-retries' | `close-code ${number}` | 'handshake-rejected';

/** The server's verdict on the handshake, as `handshake.reply` gave it. */
export type HandshakeVerdict = 'ready' | 'rejected';

/**
 * What `handshake.reply` returns for one inbound message: a verdict, a rejection with the server's
 * reason (sent with the 4403 close and told by the `gaveUp` event), or `undefined` (undecided).
 */
export type HandshakeReply = HandshakeVerdict | { readonly verdict: 'rejected'; readonly reason: string } | undefined;

/** The machine's context. */
export interface ConnectionContext {
  readonly settings: ConnectionSettings;
  /** Retries scheduled since the budget was last reset (user action or stable uptime). */
  readonly retries: number;
  /** The delay of the retry currently scheduled (valid in `backoff`). */
  readonly retryDelayMs: number;
  /** The jitter generator's state (a uint32, starting at `settings.seed`); `planRetry` advances it. */
  readonly jitterState: number;
  /** How long the heartbeat waits before probing for silence again. */
  readonly heartbeatWaitMs: number;
  readonly closeIntent: CloseIntent;
  /** The code and reason sent with the close the machine requested. */
  readonly closeRequest: { readonly code: number; readonly reason: string };
  /** The last close the adapter reported (a socket abandoned after `closeTimeoutMs` included). */
  readonly lastClose: CloseInfo | null;
  readonly gaveUpReason: GaveUpReason | null;
  /** The subprotocol of the current socket, from SOCKET.OPENED (the `open` event carries it after the handshake). */
  readonly protocol: string;
  /** Whether a session of this connection has been open before: the next `open` is then a reconnect. */
  readonly hasBeenOpen: boolean;
  /** What the environment last said of the network (NETWORK.ONLINE / NETWORK.OFFLINE); online until told otherwise. */
  readonly network: 'online' | 'offline';
  /** What the environment last said of the page (PAGE.VISIBLE / PAGE.HIDDEN); visible until told otherwise. */
  readonly page: 'visible' | 'hidden';
  /**
   * Why the last transition happened, as one line: a label from `REASONS` and its details,
   * e.g. `retry scheduled {attempt: 1, delayMs: 1250, closeCode: 1006}` or
   * `gave up {reason: "close-code 1008", retries: 0, closeCode: 1008}`. Shown by the inspector in
   * every snapshot; messages (`SOCKET.MESSAGE`) leave it alone.
   */
  readonly reason: string;
}

/** Events an app (or the handle) sends to the machine. */
export type ConnectionCommand =
  | { readonly type: 'CONNECT' }
  | { readonly type: 'RECONNECT' }
  | { readonly type: 'DISCONNECT'; readonly code?: number; readonly reason?: string };

/**
 * What the environment says (the handle sends these from its `environment`; an app that embeds
 * the machine sends them itself). Each may come at any time, in any state.
 */
export type EnvironmentChange =
  | { readonly type: 'NETWORK.ONLINE' }
  | { readonly type: 'NETWORK.OFFLINE' }
  | { readonly type: 'PAGE.HIDDEN' }
  /** `hiddenMs`: how long the page was hidden (0 if it was not). */
  | { readonly type: 'PAGE.VISIBLE'; readonly hiddenMs: number }
  /** `pagehide` with `persisted`: the page may go into the back/forward cache. */
  | { readonly type: 'PAGE.CACHED' }
  /** `pageshow` with `persisted`: the page came back from the back/forward cache. */
  | { readonly type: 'PAGE.RESTORED' }
  /** A timer fired `lateMs` later than its wall-clock due time (the device slept): an open connection is suspect. */
  | { readonly type: 'CLOCK.JUMPED'; readonly lateMs: number };

/** Events the socket adapter sends to the machine. */
export type SocketReport =
  | { readonly type: 'SOCKET.OPENED'; readonly protocol: string }
  | ({
      readonly type: 'SOCKET.CLOSED';
      /** The app's `shouldReconnect` answer for this close, when it gave one. */
      readonly shouldReconnect?: boolean;
    } & CloseInfo)
  | { readonly type: 'SOCKET.ERROR'; readonly message: string; readonly error?: unknown }
  | { readonly type: 'SOCKET.MESSAGE'; readonly data: unknown }
  | {
      readonly type: 'SOCKET.SILENCE';
      /** Time since the last inbound message (or since open). */
      readonly silentMs: number;
    }
  /** The first inbound message after a ping: the connection is alive. */
  | { readonly type: 'SOCKET.ALIVE' }
  /**
   * The handshake's verdict: `handshake.reply` returned `'ready'` or `'rejected'` for an inbound
   * message (`reason`: why, for the close sent on a rejection; at most 123 UTF-8 bytes).
   */
  | { readonly type: 'SOCKET.HANDSHAKE'; readonly verdict: HandshakeVerdict; readonly reason?: string }
  /** `handshake.hello` threw or rejected, or the socket refused the hello: the attempt fails (and is retried). */
  | { readonly type: 'SOCKET.HELLO_FAILED'; readonly message: string; readonly error?: unknown };

/** Every event the machine accepts. */
export type ConnectionEvent = ConnectionCommand | EnvironmentChange | SocketReport;

/** Events the machine sends to the socket adapter. */
export type SocketCommand =
  | { readonly type: 'CLOSE_SOCKET'; readonly code: number; readonly reason: string }
  /** The close did not complete within `closeTimeoutMs`: let the socket go and report it CLOSED. */
  | { readonly type: 'ABANDON_SOCKET' }
  | { readonly type: 'SEND_PING' }
  | { readonly type: 'REPORT_SILENCE' }
  /**
   * The socket opened and there is a handshake: send `handshake.hello()`'s data first, as it is,
   * then read inbound messages with `handshake.reply` until it gives a verdict (SOCKET.HANDSHAKE).
   */
  | { readonly type: 'SEND_HELLO' };

/** Events the machine emits (`actor.on(type, ...)`). */
export type ConnectionEmitted =
  | {
      readonly type: 'open';
      readonly protocol: string;
      /**
       * `true` when an earlier session of this connection was open, however it ended (a drop,
       * `reconnect()`, `close()` or `gaveUp` then `connect()`): whatever that socket set up on the
       * server is gone, so `if (reconnected) resubscribeAll()` is right every time. `false` exactly
       * once, on the first open since creation (after `connect()` with `autoConnect: false`).
       * A `connect()` does not make the next open a first one: the server forgot the earlier
       * socket's subscriptions just the same, and messages queued meanwhile survive `close()`.
       */
      readonly reconnected: boolean;
    }
  | ({ readonly type: 'close' } & CloseInfo)
  | { readonly type: 'error'; readonly message: string; readonly error?: unknown }
  | { readonly type: 'message'; readonly data: unknown }
  | { readonly type: 'retry'; readonly attempt: number; readonly delayMs: number }
  | {
      readonly type: 'gaveUp';
      readonly reason: GaveUpReason;
      readonly close: CloseInfo | null;
      readonly retries: number;
      /**
       * With reason `handshake-rejected` only: the reason the 4403 close carried, the server's as
       * `handshake.reply` gave it (cut to 123 UTF-8 bytes), or `'handshake rejected'`.
       */
      readonly rejection?: string;
    };
