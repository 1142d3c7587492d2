/**
 * The public options of `createConnection`, each with its TSDoc and `@default`, and the default
 * values in one place (`DEFAULTS`; a test checks them against the `@default` tags).
 * Validation lives in `options.ts`.
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { BinaryTypeName, CloseInfo, HandshakeReply } from './connection.types.js';
import type { ConnectionEnvironment } from './environment.js';
import type { UrlSource } from './url.js';
import type { OutgoingData, WebSocketConstructor } from './websocket.types.js';

export type { UrlSource } from './url.js';

/** Timers and time, injectable so tests run on virtual time (xstate's `SimulatedClock` fits). */
export interface ConnectionClock {
  setTimeout(fn: (...args: unknown[]) => void, timeoutMs: number): unknown;
  clearTimeout(id: unknown): void;
  /** Milliseconds on a monotonic scale; used by the heartbeat. Defaults to `performance.now()`. */
  now?(): number;
}

/** Exponential backoff between attempts. */
export interface BackoffOptions {
  /**
   * Ceiling of the first retry's delay, in ms. The ceiling grows by `factor` per retry.
   * @default 2500
   */
  initialDelayMs?: number;
  /**
   * Cap of the delay ceiling, in ms.
   * @default 30000
   */
  maxDelayMs?: number;
  /**
   * Growth of the ceiling per retry (≥ 1). Modest on purpose: with full jitter it keeps a
   * 500-client reconnect herd under ~60 attempts per 100 ms while the 99th percentile is
   * back within ~6 s of a 2 s outage (see `bench/`).
   * @default 1.25
   */
  factor?: number;
  /**
   * Share of the ceiling that is randomised, in [0, 1]: the delay is drawn uniformly from
   * `[ceiling × (1 − jitter), ceiling]`. `1` is "full jitter": clients spread over the whole
   * window, also at the cap, so they never retry in lockstep.
   * @default 1
   */
  jitter?: number;
}

/** Data a pong can be recognised by without a function: text, or bytes. */
export type PongData = string | ArrayBufferLike | ArrayBufferView;

/** Application-level heartbeat: detects half-open (dead) connections. */
export interface HeartbeatOptions {
  /**
   * Silence, in ms, after which a ping is sent. Any inbound message counts as life.
   * @default 25000
   */
  intervalMs?: number;
  /**
   * How long, in ms, to wait for any inbound message after a ping before the connection is
   * declared dead, closed and retried. A dead connection is detected within `intervalMs + timeoutMs`.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * The ping: the data itself (a string, or binary data, copied when the connection is created),
   * or a function that makes it before every ping.
   * @default 'ping'
   */
  ping?: OutgoingData | (() => OutgoingData);
  /**
   * Recognises the pong, which is then not delivered to `message` listeners: a string (compared
   * with `===`), binary data (compared byte-wise with an inbound `ArrayBuffer`, typed array,
   * `DataView` or `Buffer`; an inbound `Blob` never matches), or a function given each inbound message.
   * @default 'pong'
   */
  isPong?: PongData | ((data: unknown) => boolean);
}

/**
 * An app-level handshake on every new socket: the hello goes out first, then nothing from the
 * app until `reply` says `'ready'`. The public status stays `connecting` meanwhile.
 */
export interface HandshakeOptions {
  /**
   * Makes the hello, sent first on every new socket (before anything queued), as it is (not through
   * the codec). May be async, e.g. to fetch a fresh token. Throwing or rejecting is reported as
   * `error` and fails the attempt, which is retried. Leave it out when the server speaks first.
   * @default undefined
   */
  hello?: () => OutgoingData | PromiseLike<OutgoingData>;
  /**
   * Reads each inbound message (raw, before the codec) until it decides: `'ready'` opens the
   * session, `'rejected'` closes the socket with 4403 `handshake rejected` and gives up (no retry,
   * like 1008), `{ verdict: 'rejected', reason }` does the same with the server's reason as the
   * close reason and the `gaveUp` event's `rejection` (a reason over 123 UTF-8 bytes is cut at a
   * character boundary and ends with `…`), `undefined` waits for the next message. Pings and
   * pongs never reach it.
   */
  reply: (data: unknown) => HandshakeReply;
  /**
   * Longest wait, in ms, from the socket opening to a verdict. Past it the socket is closed with
   * 3008 `handshake timeout` and the attempt retried like any other.
   * @default 10000
   */
  timeoutMs?: number;
}

/** Turns inbound data into the app's messages and the app's messages into data to send. */
export interface Codec<In = unknown, Out = never> {
  /** Parses one inbound message (raw WebSocket data). Throwing means the message is invalid. */
  parse(data: unknown): In;
  /** Serialises one outgoing message. */
  serialize(message: Out): OutgoingData;
}

/**
 * Options of `createConnection`. Only `url` is required. `In` and `Out` are the messages the
 * `codec` parses and serialises (raw data without one).
 */
export interface ConnectionOptions<In = unknown, Out = OutgoingData> {
  /**
   * Where to connect: `ws:`, `wss:`, `http:` or `https:` (the last two are mapped to `ws:`/`wss:`).
   * A function is called before every attempt, so a token in the URL can be refreshed.
   */
  url: UrlSource;
  /**
   * Subprotocols offered in the handshake.
   * @default []
   */
  protocols?: string | string[];
  /**
   * The WebSocket constructor. In Node 20 pass `ws` (`import WebSocket from 'ws'`).
   * @default globalThis.WebSocket
   */
  WebSocket?: WebSocketConstructor;
  /**
   * How binary frames are delivered.
   * @default 'arraybuffer'
   */
  binaryType?: BinaryTypeName;
  /**
   * Connect as soon as the connection is created (on the next microtask, so listeners attached
   * right after `createConnection` see every event). A `connect()`, `close()`, `reconnect()` or
   * `stop()` before then is final: the deferred attempt does not run. With `false` it waits in
   * `idle` for `connect()`.
   * @default true
   */
  autoConnect?: boolean;
  /**
   * Longest time, in ms, an attempt may spend in `connecting` (URL resolution and handshake)
   * before it is abandoned and retried.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Longest wait, in ms, for a socket to reach CLOSED after close was requested. Past it the
   * socket is abandoned (listeners detached, `terminate()` where available, a 1006 close reported
   * to `shouldReconnect`) so a hung close handshake never blocks the next attempt or `close()`.
   * After `stop()`, a socket whose close hangs is terminated this long after, where the
   * implementation has `terminate()`.
   * @default 3000
   */
  closeTimeoutMs?: number;
  /** Backoff between attempts. */
  backoff?: BackoffOptions;
  /**
   * Retries allowed before `gaveUp` (the first attempt is not a retry). A non-negative integer,
   * or `Infinity` to retry forever (which gives up the bounded-retries guarantee).
   * @default 15
   */
  maxRetries?: number;
  /**
   * Time, in ms, a socket must stay open before the retry budget is reset. A server that
   * accepts and then drops every connection therefore still ends in `gaveUp`.
   * @default 5000
   */
  stableUptimeMs?: number;
  /**
   * Heartbeat against half-open connections. Off unless given (`{}` enables the defaults).
   * @default undefined
   */
  heartbeat?: HeartbeatOptions | false;
  /**
   * Overrides the close-code policy: return `true` to retry, `false` to give up. Asked on every
   * close that can lead to a retry, the client's own included (connect timeout, a socket abandoned
   * after `closeTimeoutMs`, a `url` or constructor that fails). If it throws, an `error` event
   * reports it and the policy decides.
   * @default closeCodePolicy(code).retry
   */
  shouldReconnect?: (close: CloseInfo) => boolean;
  /**
   * An app-level handshake on every new socket: `hello` goes out first, then nothing from the app
   * until `reply` says `'ready'` (the status stays `connecting` meanwhile); then status `open`, the
   * `open` event, the queue's flush, and the messages that came before the verdict, in order.
   * `'rejected'` closes with 4403 and gives up (`gaveUp` reason `handshake-rejected`); no verdict
   * within `timeoutMs` closes with 3008 and retries. The retry budget resets only after the
   * session has been ready for `stableUptimeMs`.
   * @default undefined
   */
  handshake?: HandshakeOptions;
  /**
   * Parses every inbound message and serialises every `send`, e.g. `codec: json<ServerMessage,
   * ClientMessage>()`, which types `on('message')` and `send()`. A message `parse` throws on is not
   * delivered: an `error` event carries the raw `data` and the cause (`error`), and the connection
   * stays up. `serialize` throwing makes `send` throw a `TypeError` (nothing is queued). Pings,
   * pongs, the hello and `handshake.reply` see raw data. Without a codec, `message` listeners get
   * the data as received and `send` takes strings and binary data.
   * @default undefined
   */
  codec?: Codec<In, Out>;
  /**
   * Messages kept while not open, flushed in order on open. When full, `send` returns `false`
   * and a `dropped` event reports the message. `Infinity` keeps every message (memory is then
   * the app's to bound).
   * @default 1000
   */
  maxQueuedMessages?: number;
  /**
   * Timers and time for the actor (pass xstate's `SimulatedClock` in tests).
   * @default real timers and performance.now()
   */
  clock?: ConnectionClock;
  /**
   * Seeds the jitter of the retry delays: an integer in [0, 2^32 − 1]. The same seed and the
   * same events give the same delays, so pass one only for reproducible tests or replays: many
   * clients given the same seed retry in lockstep, which is what jitter is there to prevent.
   * (Replaces the `random` function of earlier versions.)
   * @default a fresh seed from Math.random, one per connection
   */
  seed?: number;
  /**
   * Where the connection hears about the world outside its socket: the network going offline and
   * online, the page hidden and visible, the page entering and leaving the back/forward cache, and
   * (with `now`) a device that slept. Offline: an open socket is closed, no attempt is made and no
   * retry spent until online, then one attempt at once. Cached (`pagehide` with `persisted`): the
   * socket is closed so the page can be cached; restored: a new attempt at once. Pass your own in
   * React Native or Electron (NetInfo, AppState, powerMonitor), or `null` to listen to nothing.
   * @default browserEnvironment(): window/document events in browsers, nothing in Node
   */
  environment?: ConnectionEnvironment | null;
  /**
   * Whether a retry that falls due while the page is hidden waits until it is visible (status
   * `backoff`, reason `paused while hidden`). Off by default: a hidden tab keeps reconnecting (its
   * timers are throttled by the browser anyway), so a missed `visibilitychange` can never leave it
   * disconnected. Turn it on to spare the server background tabs' reconnects.
   * @default false
   */
  pauseWhenHidden?: boolean;
  /**
   * Inspection observer passed to `createActor` (e.g. `createBrowserInspector().inspect`).
   * @default undefined
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

/** Default values, in one place (a test checks them against the TSDoc `@default` tags). */
export const DEFAULTS = {
  protocols: [] as string[],
  binaryType: 'arraybuffer' as BinaryTypeName,
  autoConnect: true,
  connectTimeoutMs: 10_000,
  closeTimeoutMs: 3_000,
  backoff: { initialDelayMs: 2_500, maxDelayMs: 30_000, factor: 1.25, jitter: 1 },
  maxRetries: 15,
  stableUptimeMs: 5_000,
  heartbeat: { intervalMs: 25_000, timeoutMs: 10_000 },
  handshake: { timeoutMs: 10_000 },
  /** `heartbeat.ping` and `heartbeat.isPong` (kept apart from `heartbeat`, which is plain machine settings). */
  heartbeatData: { ping: 'ping', isPong: 'pong' },
  maxQueuedMessages: 1_000,
  pauseWhenHidden: false,
} as const;
