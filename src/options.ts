/**
 * Public options of `createConnection`, their defaults, and the one function that
 * validates them (`resolveOptions`). Misconfiguration throws here, at once, with a
 * message naming the option, the value and the fix.
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { BinaryTypeName, CloseInfo, ConnectionSettings } from './connection.types.js';
import { describe } from './describe.js';
import { checkOutgoing, snapshotOutgoing } from './outgoing.js';
import { normaliseUrl, type UrlSource } from './url.js';
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

/** Options of `createConnection`. Only `url` is required. */
export interface ConnectionOptions {
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
   * Messages kept while not open, flushed in order on open. When full, `send` returns `false`
   * and a `dropped` event reports the message.
   * @default 1000
   */
  maxQueuedMessages?: number;
  /**
   * Timers and time for the actor (pass xstate's `SimulatedClock` in tests).
   * @default real timers and performance.now()
   */
  clock?: ConnectionClock;
  /**
   * Random numbers in [0, 1) for jitter. A draw that throws or falls outside [0, 1) is replaced
   * by 0.5 and reported by one `error` event.
   * @default Math.random
   */
  random?: () => number;
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
  /** `heartbeat.ping` and `heartbeat.isPong` (kept apart from `heartbeat`, which is plain machine settings). */
  heartbeatData: { ping: 'ping', isPong: 'pong' },
  maxQueuedMessages: 1_000,
} as const;

const TOP_LEVEL_KEYS = [
  'url', 'protocols', 'WebSocket', 'binaryType', 'autoConnect', 'connectTimeoutMs', 'closeTimeoutMs', 'backoff',
  'maxRetries', 'stableUptimeMs', 'heartbeat', 'shouldReconnect', 'maxQueuedMessages', 'clock', 'random', 'inspect',
] as const satisfies readonly (keyof ConnectionOptions)[];
const BACKOFF_KEYS = ['initialDelayMs', 'maxDelayMs', 'factor', 'jitter'] as const satisfies readonly (keyof BackoffOptions)[];
const HEARTBEAT_KEYS = ['intervalMs', 'timeoutMs', 'ping', 'isPong'] as const satisfies readonly (keyof HeartbeatOptions)[];
/** `tsc` fails here when an option is added to an interface but not to its key list. */
type Complete<T, List extends readonly string[]> = [Exclude<keyof T, List[number]>] extends [never] ? true : false;
type KeyListsAreComplete = [
  Complete<ConnectionOptions, typeof TOP_LEVEL_KEYS>,
  Complete<BackoffOptions, typeof BACKOFF_KEYS>,
  Complete<HeartbeatOptions, typeof HEARTBEAT_KEYS>,
] extends [true, true, true] ? true : false;
type AssertTrue<T extends true> = T;
type _KeyListsChecked = AssertTrue<KeyListsAreComplete>;

/**
 * Every option key, nested ones as `parent.key`. Any other key throws with a "did you mean" hint,
 * since JavaScript callers get no compiler help.
 */
export const KNOWN_KEYS: readonly string[] = [
  ...TOP_LEVEL_KEYS,
  ...BACKOFF_KEYS.map((key) => `backoff.${key}`),
  ...HEARTBEAT_KEYS.map((key) => `heartbeat.${key}`),
];

/** Options after validation: plain settings for the machine, functions for the adapter and handle. */
export interface ResolvedOptions {
  readonly settings: ConnectionSettings;
  readonly url: UrlSource;
  readonly WebSocket: WebSocketConstructor;
  readonly autoConnect: boolean;
  readonly maxQueuedMessages: number;
  readonly ping: () => OutgoingData;
  readonly isPong: (data: unknown) => boolean;
  readonly shouldReconnect: ((close: CloseInfo) => boolean) | undefined;
  readonly clock: ConnectionClock | undefined;
  readonly now: () => number;
  readonly random: (() => number) | undefined;
  readonly inspect: ConnectionOptions['inspect'];
}

const PREFIX = 'xstate-websocket:';

/** Validates options and fills in defaults. Throws `TypeError`/`RangeError` naming the option. */
export function resolveOptions(options: ConnectionOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${PREFIX} createConnection(options) needs an options object with a \`url\`, got ${describe(options)}.`);
  }
  checkKeys(options, TOP_LEVEL_KEYS, '');
  const url = checkUrlSource(options.url);
  const WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof WebSocket !== 'function') {
    throw new TypeError(
      `${PREFIX} no WebSocket implementation: \`WebSocket\` is ${describe(options.WebSocket)} and there is no global WebSocket. ` +
        "In Node 20 pass the `ws` package: `import WebSocket from 'ws'; createConnection({ url, WebSocket })`.",
    );
  }
  const backoffInput = optionalObject('backoff', options.backoff) ?? {};
  checkKeys(backoffInput, BACKOFF_KEYS, 'backoff.');
  const initialDelayMs = duration('backoff.initialDelayMs', backoffInput.initialDelayMs, DEFAULTS.backoff.initialDelayMs);
  const maxDelayMs = duration('backoff.maxDelayMs', backoffInput.maxDelayMs, DEFAULTS.backoff.maxDelayMs);
  if (maxDelayMs < initialDelayMs) {
    throw new RangeError(
      `${PREFIX} \`backoff.maxDelayMs\` (${maxDelayMs}) is below \`backoff.initialDelayMs\` (${initialDelayMs}); make the cap at least the initial delay.`,
    );
  }
  const factor = finiteNumber('backoff.factor', backoffInput.factor, DEFAULTS.backoff.factor, 1, 1_000, 'a number ≥ 1 (1 keeps the delay constant)');
  const jitter = finiteNumber('backoff.jitter', backoffInput.jitter, DEFAULTS.backoff.jitter, 0, 1, 'a share of the delay between 0 and 1');

  const heartbeatInput = options.heartbeat === false ? undefined : optionalObject('heartbeat', options.heartbeat);
  if (heartbeatInput) checkKeys(heartbeatInput, HEARTBEAT_KEYS, 'heartbeat.');
  const heartbeat = heartbeatInput
    ? {
        intervalMs: duration('heartbeat.intervalMs', heartbeatInput.intervalMs, DEFAULTS.heartbeat.intervalMs, 1),
        timeoutMs: duration('heartbeat.timeoutMs', heartbeatInput.timeoutMs, DEFAULTS.heartbeat.timeoutMs, 1),
      }
    : null;

  const maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
  if (typeof maxRetries !== 'number' || !(maxRetries === Infinity || (Number.isInteger(maxRetries) && maxRetries >= 0))) {
    throw new RangeError(`${PREFIX} \`maxRetries\` must be a non-negative integer (or Infinity), got ${describe(maxRetries)}.`);
  }
  const maxQueuedMessages = options.maxQueuedMessages ?? DEFAULTS.maxQueuedMessages;
  if (typeof maxQueuedMessages !== 'number' || !Number.isInteger(maxQueuedMessages) || maxQueuedMessages < 0) {
    throw new RangeError(`${PREFIX} \`maxQueuedMessages\` must be a non-negative integer, got ${describe(maxQueuedMessages)}.`);
  }

  const binaryType = options.binaryType ?? DEFAULTS.binaryType;
  if (binaryType !== 'arraybuffer' && binaryType !== 'blob' && binaryType !== 'nodebuffer') {
    throw new TypeError(`${PREFIX} \`binaryType\` must be 'arraybuffer', 'blob' or 'nodebuffer' (ws only), got ${describe(binaryType)}.`);
  }
  const protocols = checkProtocols(options.protocols);
  const clock = options.clock;
  if (clock !== undefined && (typeof clock?.setTimeout !== 'function' || typeof clock?.clearTimeout !== 'function')) {
    throw new TypeError(`${PREFIX} \`clock\` must have setTimeout and clearTimeout functions (e.g. xstate's SimulatedClock), got ${describe(clock)}.`);
  }
  const now = clock && typeof clock.now === 'function' ? () => clock.now!() : defaultNow;

  return {
    settings: {
      url: typeof url === 'function' ? null : normaliseUrl(url),
      protocols,
      binaryType,
      connectTimeoutMs: duration('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs, 1),
      closeTimeoutMs: duration('closeTimeoutMs', options.closeTimeoutMs, DEFAULTS.closeTimeoutMs),
      stableUptimeMs: duration('stableUptimeMs', options.stableUptimeMs, DEFAULTS.stableUptimeMs),
      maxRetries,
      backoff: { initialDelayMs, maxDelayMs, factor, jitter },
      heartbeat,
    },
    url,
    WebSocket,
    autoConnect: booleanOption('autoConnect', options.autoConnect, DEFAULTS.autoConnect),
    maxQueuedMessages,
    ping: pingOption(heartbeatInput?.ping),
    isPong: isPongOption(heartbeatInput?.isPong),
    shouldReconnect: optionalFunction('shouldReconnect', options.shouldReconnect),
    clock,
    now,
    random: optionalFunction('random', options.random),
    inspect: options.inspect,
  };
}

/** Throws a `TypeError` for a key that is not an option, suggesting the nearest known key. */
function checkKeys(value: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const suggestion = nearestKey(key, prefix);
    const hint = suggestion
      ? `did you mean \`${suggestion}\`?`
      : `the ${prefix ? `\`${prefix.slice(0, -1)}\` ` : ''}options are ${known.join(', ')}.`;
    throw new TypeError(`${PREFIX} unknown option \`${prefix}${key}\`; ${hint}`);
  }
}

/**
 * The known key nearest to an unknown one: same name ignoring case, else the fewest edits
 * (at most a third of the name, and 3), preferring the same level (`backoff.`, `heartbeat.` or top).
 */
function nearestKey(key: string, prefix: string): string | undefined {
  const name = key.toLowerCase();
  const limit = Math.min(3, Math.ceil(name.length / 3));
  let best: { key: string; score: number } | undefined;
  for (const candidate of KNOWN_KEYS) {
    const dot = candidate.lastIndexOf('.');
    const distance = editDistance(name, candidate.slice(dot + 1).toLowerCase());
    if (distance > limit) continue;
    const score = distance + (candidate.slice(0, dot + 1) === prefix ? 0 : 0.5);
    if (!best || score < best.score) best = { key: candidate, score };
  }
  return best?.key;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** `heartbeat.ping`: a function, or the data itself (binary data copied now, so later mutation cannot change it). */
function pingOption(value: unknown): () => OutgoingData {
  if (value === undefined) return defaultPing;
  if (typeof value === 'function') return value as () => OutgoingData;
  checkOutgoing(value, '`heartbeat.ping`', ', or a function returning one');
  const copy = snapshotOutgoing(value);
  return () => copy;
}

/** `heartbeat.isPong`: a function, a string compared with ===, or bytes compared byte-wise with binary messages. */
function isPongOption(value: unknown): (data: unknown) => boolean {
  if (value === undefined) return defaultIsPong;
  if (typeof value === 'function') return value as (data: unknown) => boolean;
  if (typeof value === 'string') return (data) => data === value;
  const bytes = bytesOf(value);
  if (bytes) {
    const pong = bytes.slice();
    return (data) => {
      const inbound = typeof data === 'string' ? null : bytesOf(data);
      return inbound !== null && inbound.length === pong.length && inbound.every((byte, i) => byte === pong[i]);
    };
  }
  const blob = typeof Blob !== 'undefined' && value instanceof Blob;
  throw new TypeError(
    `${PREFIX} \`heartbeat.isPong\` must be a string, bytes (ArrayBuffer, typed array, DataView) or a function, got ${describe(value)}` +
      (blob ? '; a Blob cannot be compared synchronously, pass its bytes or a function.' : '.'),
  );
}

/** The bytes of an ArrayBuffer, SharedArrayBuffer or view (Buffer included), without copying; null for anything else. */
function bytesOf(value: unknown): Uint8Array | null {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(value as ArrayBufferLike);
  return null;
}

function checkUrlSource(url: unknown): UrlSource {
  if (typeof url === 'function') return url as UrlSource;
  if (typeof url === 'string' || url instanceof URL) {
    normaliseUrl(url);
    return url;
  }
  throw new TypeError(`${PREFIX} \`url\` must be a string, a URL or a function returning one, got ${describe(url)}.`);
}

function checkProtocols(value: unknown): string[] {
  if (value === undefined) return [...DEFAULTS.protocols];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p))) {
    throw new TypeError(`${PREFIX} \`protocols\` must be a subprotocol token or an array of them, got ${describe(value)}.`);
  }
  if (new Set(list).size !== list.length) {
    throw new TypeError(`${PREFIX} \`protocols\` lists a subprotocol twice: ${describe(value)}; list each once.`);
  }
  return [...list];
}

function duration(name: string, value: unknown, fallback: number, min = 0): number {
  return finiteNumber(name, value, fallback, min, 2_147_483_647, `a whole number of milliseconds ≥ ${min} (timers cap at 2147483647)`, true);
}

function finiteNumber(name: string, value: unknown, fallback: number, min: number, max: number, what: string, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const Err = typeof value === 'number' ? RangeError : TypeError;
    throw new Err(`${PREFIX} \`${name}\` must be ${what}, got ${describe(value)}.`);
  }
  return value;
}

function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${PREFIX} \`${name}\` must be true or false, got ${describe(value)}.`);
  return value;
}

function optionalObject<T extends object>(name: string, value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${PREFIX} \`${name}\` must be an object, got ${describe(value)}.`);
  }
  return value;
}

function optionalFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${PREFIX} \`${name}\` must be a function, got ${describe(value)}.`);
  return value;
}

const defaultPing = (): OutgoingData => DEFAULTS.heartbeatData.ping;
const defaultIsPong = (data: unknown): boolean => data === DEFAULTS.heartbeatData.isPong;
const defaultNow = (): number => performance.now();
