/**
 * Validates the options of `createConnection` and fills in defaults (`resolveOptions`).
 * Misconfiguration throws here, at once, with a message naming the option, the value and the fix;
 * an unknown key gets a "did you mean". The options themselves are documented in `options.types.ts`.
 */
import type { SocketActorDeps } from './connection.deps.js';
import type { ConnectionSettings } from './connection.types.js';
import { describe } from './describe.js';
import { freshSeed, isSeed } from './jitter.js';
import { defaultNow, isPongOption, pingOption } from './options.runtime.js';
import {
  DEFAULTS,
  type BackoffOptions,
  type ConnectionClock,
  type ConnectionOptions,
  type HeartbeatOptions,
} from './options.types.js';
import { normaliseUrl, type UrlSource } from './url.js';
import type { WebSocketConstructor } from './websocket.types.js';

const TOP_LEVEL_KEYS = [
  'url', 'protocols', 'WebSocket', 'binaryType', 'autoConnect', 'connectTimeoutMs', 'closeTimeoutMs', 'backoff',
  'maxRetries', 'stableUptimeMs', 'heartbeat', 'shouldReconnect', 'maxQueuedMessages', 'clock', 'seed', 'inspect',
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

/** Options after validation, one object per concern, every default filled in. */
export interface ResolvedOptions {
  /** Plain data: the machine's input. */
  readonly settings: ConnectionSettings;
  /** The adapter's dependencies (functions included): `createSocketActor(adapter)`, or bound per connection. */
  readonly adapter: SocketActorDeps;
  /** What only the handle uses. */
  readonly handle: {
    readonly autoConnect: boolean;
    readonly maxQueuedMessages: number;
    readonly clock: ConnectionClock | undefined;
    readonly inspect: ConnectionOptions['inspect'];
  };
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

  return {
    settings: {
      protocols,
      binaryType,
      connectTimeoutMs: duration('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs, 1),
      closeTimeoutMs: duration('closeTimeoutMs', options.closeTimeoutMs, DEFAULTS.closeTimeoutMs),
      stableUptimeMs: duration('stableUptimeMs', options.stableUptimeMs, DEFAULTS.stableUptimeMs),
      maxRetries,
      backoff: { initialDelayMs, maxDelayMs, factor, jitter },
      heartbeat,
      seed: seedOption(options.seed),
    },
    adapter: {
      url,
      WebSocket,
      now: clock && typeof clock.now === 'function' ? () => clock.now!() : defaultNow,
      clock,
      ping: pingOption(heartbeatInput?.ping),
      isPong: isPongOption(heartbeatInput?.isPong),
      shouldReconnect: optionalFunction('shouldReconnect', options.shouldReconnect),
    },
    handle: {
      autoConnect: booleanOption('autoConnect', options.autoConnect, DEFAULTS.autoConnect),
      maxQueuedMessages,
      clock,
      inspect: options.inspect,
    },
  };
}

/** Throws a `TypeError` for a key that is not an option, suggesting the nearest known key. */
function checkKeys(value: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    if (prefix === '' && key === 'random') {
      throw new TypeError(
        `${PREFIX} the \`random\` option was replaced by \`seed\` (an integer in [0, 2^32 − 1]); pass \`seed\` for reproducible delays, or nothing.`,
      );
    }
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

/** The `url` option: a function as it is, a string or URL checked and normalised here, once. */
function checkUrlSource(url: unknown): UrlSource {
  if (typeof url === 'function') return url as UrlSource;
  if (typeof url === 'string' || url instanceof URL) return normaliseUrl(url);
  throw new TypeError(`${PREFIX} \`url\` must be a string, a URL or a function returning one, got ${describe(url)}.`);
}

/** `seed`: an integer in [0, 2^32 − 1], or a fresh one from `Math.random` (read here once per connection). */
function seedOption(value: unknown): number {
  if (value === undefined) return freshSeed();
  if (!isSeed(value)) {
    const Err = typeof value === 'number' ? RangeError : TypeError;
    throw new Err(`${PREFIX} \`seed\` must be an integer in [0, 4294967295], got ${describe(value)}.`);
  }
  return value;
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
