/**
 * Validates the options of `createConnection` and fills in defaults (`resolveOptions`).
 * Misconfiguration throws here, at once, with a message naming the option, the value and the fix;
 * an unknown key gets a "did you mean". The options themselves are documented in `options.types.ts`.
 */
import type { SocketActorDeps } from './connection.deps.js';
import type { ConnectionSettings, HandshakeSettings } from './connection.types.js';
import { describe, mustBe, PREFIX } from './describe.js';
import { browserEnvironment, type ConnectionEnvironment } from './environment.js';
import { freshSeed, isSeed } from './jitter.js';
import { defaultNow, isPongOption, pingOption } from './options.runtime.js';
import {
  DEFAULTS,
  type BackoffOptions,
  type Codec,
  type ConnectionClock,
  type ConnectionOptions,
  type HandshakeOptions,
  type HeartbeatOptions,
} from './options.types.js';
import { normaliseUrl, type UrlSource } from './url.js';
import type { WebSocketConstructor } from './websocket.types.js';

const TOP_LEVEL_KEYS = [
  'url', 'protocols', 'WebSocket', 'binaryType', 'autoConnect', 'connectTimeoutMs', 'closeTimeoutMs', 'backoff',
  'maxRetries', 'stableUptimeMs', 'heartbeat', 'handshake', 'codec', 'shouldReconnect', 'maxQueuedMessages', 'clock', 'seed',
  'environment', 'pauseWhenHidden', 'inspect',
] as const satisfies readonly (keyof ConnectionOptions)[];
const BACKOFF_KEYS = ['initialDelayMs', 'maxDelayMs', 'factor', 'jitter'] as const satisfies readonly (keyof BackoffOptions)[];
const HEARTBEAT_KEYS = ['intervalMs', 'timeoutMs', 'ping', 'isPong'] as const satisfies readonly (keyof HeartbeatOptions)[];
const HANDSHAKE_KEYS = ['hello', 'reply', 'timeoutMs'] as const satisfies readonly (keyof HandshakeOptions)[];
const CODEC_KEYS = ['parse', 'serialize'] as const satisfies readonly (keyof Codec)[];
/** `tsc` fails here when an option is added to an interface but not to its key list. */
type Complete<T, List extends readonly string[]> = [Exclude<keyof T, List[number]>] extends [never] ? true : false;
type KeyListsAreComplete = [
  Complete<ConnectionOptions, typeof TOP_LEVEL_KEYS>,
  Complete<BackoffOptions, typeof BACKOFF_KEYS>,
  Complete<HeartbeatOptions, typeof HEARTBEAT_KEYS>,
  Complete<HandshakeOptions, typeof HANDSHAKE_KEYS>,
  Complete<Codec, typeof CODEC_KEYS>,
] extends [true, true, true, true, true] ? true : false;
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
  ...HANDSHAKE_KEYS.map((key) => `handshake.${key}`),
  ...CODEC_KEYS.map((key) => `codec.${key}`),
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
    /** `parse` and `serialize`, or `null` for raw data both ways. */
    readonly codec: Codec<unknown, unknown> | null;
    /** What the handle listens to, or `null` for nothing. */
    readonly environment: ConnectionEnvironment | null;
  };
}

/** Validates options and fills in defaults. Throws `TypeError`/`RangeError` naming the option. */
export function resolveOptions<In, Out>(options: ConnectionOptions<In, Out>): ResolvedOptions {
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
  const initialDelayMs = duration(backoffInput, DEFAULTS.backoff, 'backoff.', 'initialDelayMs');
  const maxDelayMs = duration(backoffInput, DEFAULTS.backoff, 'backoff.', 'maxDelayMs');
  if (maxDelayMs < initialDelayMs) {
    throw new RangeError(
      `${PREFIX} \`backoff.maxDelayMs\` (${maxDelayMs}) is below \`backoff.initialDelayMs\` (${initialDelayMs}); make the cap at least the initial delay.`,
    );
  }
  const factor = numberOption('backoff.factor', backoffInput.factor, DEFAULTS.backoff.factor, 1, 1_000, 'a number ≥ 1 (1 keeps the delay constant)');
  const jitter = numberOption('backoff.jitter', backoffInput.jitter, DEFAULTS.backoff.jitter, 0, 1, 'a share of the delay between 0 and 1');

  const heartbeatInput = options.heartbeat === false ? undefined : optionalObject('heartbeat', options.heartbeat);
  if (heartbeatInput) checkKeys(heartbeatInput, HEARTBEAT_KEYS, 'heartbeat.');
  const heartbeat = heartbeatInput
    ? {
        intervalMs: duration(heartbeatInput, DEFAULTS.heartbeat, 'heartbeat.', 'intervalMs', 1),
        timeoutMs: duration(heartbeatInput, DEFAULTS.heartbeat, 'heartbeat.', 'timeoutMs', 1),
      }
    : null;

  const handshake = handshakeOption(options.handshake);

  const maxRetries = count('maxRetries', options.maxRetries ?? DEFAULTS.maxRetries, ' (or Infinity)');
  const maxQueuedMessages = count('maxQueuedMessages', options.maxQueuedMessages ?? DEFAULTS.maxQueuedMessages, ' (or Infinity)');
  const binaryType = options.binaryType ?? DEFAULTS.binaryType;
  if (binaryType !== 'arraybuffer' && binaryType !== 'blob' && binaryType !== 'nodebuffer') {
    mustBe('binaryType', "'arraybuffer', 'blob' or 'nodebuffer' (ws only)", binaryType);
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
      connectTimeoutMs: duration(options, DEFAULTS, '', 'connectTimeoutMs', 1),
      closeTimeoutMs: duration(options, DEFAULTS, '', 'closeTimeoutMs'),
      stableUptimeMs: duration(options, DEFAULTS, '', 'stableUptimeMs'),
      maxRetries,
      backoff: { initialDelayMs, maxDelayMs, factor, jitter },
      heartbeat,
      handshake: handshake?.settings ?? null,
      seed: seedOption(options.seed),
      pauseWhenHidden: booleanOption('pauseWhenHidden', options.pauseWhenHidden, DEFAULTS.pauseWhenHidden),
    },
    adapter: {
      url,
      WebSocket,
      now: clock && typeof clock.now === 'function' ? () => clock.now!() : defaultNow,
      clock,
      ping: pingOption(heartbeatInput?.ping),
      isPong: isPongOption(heartbeatInput?.isPong),
      shouldReconnect: optionalOf('shouldReconnect', options.shouldReconnect, 'function'),
      hello: handshake?.hello,
      reply: handshake?.reply,
    },
    handle: {
      autoConnect: booleanOption('autoConnect', options.autoConnect, DEFAULTS.autoConnect),
      maxQueuedMessages,
      clock,
      inspect: options.inspect,
      codec: codecOption(options.codec as Codec<unknown, unknown> | undefined),
      environment: environmentOption(options.environment),
    },
  };
}

/** The `environment` option: the browser's by default, `null` for none, else an object with `listen` (and maybe `now`). */
let defaultEnvironment: ConnectionEnvironment | undefined;
function environmentOption(value: ConnectionEnvironment | null | undefined): ConnectionEnvironment | null {
  // One default for every connection: it holds no state (each `listen` call keeps its own listeners).
  if (value === undefined) return (defaultEnvironment ??= browserEnvironment());
  if (value === null) return null;
  if (typeof value !== 'object' || typeof value.listen !== 'function') {
    mustBe('environment', 'null or an object with a `listen(signal)` function (e.g. browserEnvironment())', value);
  }
  if (value.now !== undefined && typeof value.now !== 'function') mustBe('environment.now', 'a function returning wall-clock ms (Date.now)', value.now);
  return value;
}

/** The `handshake` option: the chart's timing (plain data, for the settings) and the adapter's functions; `null` without one. */
export function handshakeOption(value: HandshakeOptions | undefined): {
  settings: HandshakeSettings;
  hello: HandshakeOptions['hello'];
  reply: HandshakeOptions['reply'];
} | null {
  const input = optionalObject('handshake', value);
  if (input === undefined) return null;
  checkKeys(input, HANDSHAKE_KEYS, 'handshake.');
  if (typeof input.reply !== 'function') {
    mustBe('handshake.reply', "a function that returns 'ready', 'rejected' or undefined for each inbound message", input.reply);
  }
  return {
    settings: { timeoutMs: duration(input, DEFAULTS.handshake, 'handshake.', 'timeoutMs', 1) },
    hello: optionalOf('handshake.hello', input.hello, 'function'),
    reply: input.reply,
  };
}

/** The `codec` option: `parse` and `serialize` functions, or `null` without one (raw data both ways). */
export function codecOption(value: Codec<unknown, unknown> | undefined): Codec<unknown, unknown> | null {
  const input = optionalObject('codec', value);
  if (input === undefined) return null;
  checkKeys(input, CODEC_KEYS, 'codec.');
  for (const key of CODEC_KEYS) {
    if (typeof input[key] !== 'function') mustBe(`codec.${key}`, 'a function (e.g. `codec: json()`)', input[key]);
  }
  return input;
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
  let best: string | undefined;
  let bestScore = Math.min(3, Math.ceil(name.length / 3)) + 1;
  for (const candidate of KNOWN_KEYS) {
    const dot = candidate.lastIndexOf('.') + 1;
    const score = editDistance(name, candidate.slice(dot).toLowerCase()) + (candidate.slice(0, dot) === prefix ? 0 : 0.5);
    if (score < bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = [...Array(b.length + 1).keys()];
  for (let i = 0; i < a.length; i++) {
    const current = [i + 1];
    for (let j = 0; j < b.length; j++) {
      current[j + 1] = Math.min(previous[j + 1]! + 1, current[j]! + 1, previous[j]! + (a[i] === b[j] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The `url` option: a function as it is, a string or URL checked and normalised here, once. */
function checkUrlSource(url: unknown): UrlSource {
  if (typeof url === 'function') return url as UrlSource;
  if (typeof url === 'string' || url instanceof URL) return normaliseUrl(url);
  return mustBe('url', 'a string, a URL or a function returning one', url);
}

/** `seed`: an integer in [0, 2^32 − 1], or a fresh one from `Math.random` (read here once per connection). */
function seedOption(value: unknown): number {
  if (value === undefined) return freshSeed();
  if (!isSeed(value)) mustBe('seed', 'an integer in [0, 4294967295]', value, typeof value === 'number' ? RangeError : TypeError);
  return value;
}

function checkProtocols(value: unknown): string[] {
  if (value === undefined) return [...DEFAULTS.protocols];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p))) {
    mustBe('protocols', 'a subprotocol token or an array of them', value);
  }
  if (new Set(list).size !== list.length) {
    throw new TypeError(`${PREFIX} \`protocols\` lists a subprotocol twice: ${describe(value)}; list each once.`);
  }
  return [...list];
}

/** A count: a non-negative integer (`orInfinity`: or Infinity). Anything else is a `RangeError`. */
function count(name: string, value: unknown, orInfinity = ''): number {
  if (!(Number.isInteger(value) && (value as number) >= 0) && !(orInfinity && value === Infinity)) {
    mustBe(name, `a non-negative integer${orInfinity}`, value, RangeError);
  }
  return value as number;
}

/** `input[key]` as a timer duration (`defaults[key]` when undefined); `prefix` names its parent in the message. */
function duration<K extends string>(input: { [key in K]?: number }, defaults: { [key in K]: number }, prefix: string, key: K, min = 0): number {
  const what = `a whole number of milliseconds ≥ ${min} (timers cap at 2147483647)`;
  return numberOption(prefix + key, input[key], defaults[key], min, 2_147_483_647, what, true);
}

function numberOption(name: string, value: unknown, fallback: number, min: number, max: number, what: string, integer = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || (value as number) < min || (value as number) > max || (integer && !Number.isInteger(value))) {
    mustBe(name, what, value, typeof value === 'number' ? RangeError : TypeError);
  }
  return value as number;
}

function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return typeof value === 'boolean' ? value : mustBe(name, 'true or false', value);
}

function optionalObject<T extends object>(name: string, value: T | undefined): T | undefined {
  return value === null || Array.isArray(value) ? mustBe(name, 'an object', value) : optionalOf(name, value, 'object');
}

/** `value` if undefined or of type `type`; else a `TypeError` naming the option. */
function optionalOf<T>(name: string, value: T | undefined, type: 'object' | 'function'): T | undefined {
  return value === undefined || typeof value === type ? value : mustBe(name, `a${type === 'object' ? 'n' : ''} ${type}`, value);
}
