/**
 * The options of `ReconnectingWebSocket`: ours (`ConnectionOptions` without `url`, `protocols` and
 * `codec`, which a WebSocket takes otherwise or not at all) plus reconnecting-websocket's names,
 * mapped onto ours by one table. Validation stays in `resolveOptions`; an error it throws about a
 * mapped option names the option the caller wrote.
 */
import { mustBe, PREFIX } from './describe.js';
import type { ConnectionOptions } from './options.types.js';

/** reconnecting-websocket's option names, each the same option as one of ours. */
export interface ReconnectingWebSocketAliases {
  /**
   * reconnecting-websocket's name for `backoff.initialDelayMs`: ceiling of the first retry's delay, in ms.
   * @default 2500
   */
  minReconnectionDelay?: number;
  /**
   * reconnecting-websocket's name for `backoff.maxDelayMs`: cap of the delay ceiling, in ms.
   * @default 30000
   */
  maxReconnectionDelay?: number;
  /**
   * reconnecting-websocket's name for `backoff.factor`: growth of the ceiling per retry.
   * @default 1.25
   */
  reconnectionDelayGrowFactor?: number;
  /**
   * reconnecting-websocket's name for `connectTimeoutMs`: longest time, in ms, an attempt may take.
   * @default 10000
   */
  connectionTimeout?: number;
  /**
   * reconnecting-websocket's name for `stableUptimeMs`: open this long, in ms, before the retry budget resets.
   * @default 5000
   */
  minUptime?: number;
  /**
   * reconnecting-websocket's name for `maxQueuedMessages`: messages kept while not open (`Infinity`: no bound).
   * @default 1000
   */
  maxEnqueuedMessages?: number;
  /**
   * reconnecting-websocket's `startClosed`, the opposite of `autoConnect`: `true` waits for `reconnect()`.
   * @default false
   */
  startClosed?: boolean;
}

/** Options of `new ReconnectingWebSocket(url, protocols?, options?)`: ours, or reconnecting-websocket's names. */
export interface ReconnectingWebSocketOptions extends Omit<ConnectionOptions, 'url' | 'protocols' | 'codec'>, ReconnectingWebSocketAliases {}

/** Each alias and the option of ours it stands for (a dot for a nested one). */
export const OPTION_ALIASES = {
  minReconnectionDelay: 'backoff.initialDelayMs',
  maxReconnectionDelay: 'backoff.maxDelayMs',
  reconnectionDelayGrowFactor: 'backoff.factor',
  connectionTimeout: 'connectTimeoutMs',
  minUptime: 'stableUptimeMs',
  maxEnqueuedMessages: 'maxQueuedMessages',
  startClosed: 'autoConnect',
} as const satisfies { [K in keyof Required<ReconnectingWebSocketAliases>]: string };

type Alias = keyof typeof OPTION_ALIASES;

/** The options as `createConnection` takes them, and the aliases used (to name them in errors). */
export interface MappedOptions {
  readonly options: ConnectionOptions;
  readonly used: readonly Alias[];
}

/**
 * Maps the constructor's arguments onto `createConnection`'s options. Throws a `TypeError` for an
 * option given twice (an alias and ours, `protocols` as argument and option) or for `url` among the options.
 */
export function mapOptions(url: ConnectionOptions['url'], protocols: string | string[] | undefined, input: ReconnectingWebSocketOptions | undefined): MappedOptions {
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    mustBe('options', 'an object', input);
  }
  const source = { ...(input ?? {}) } as Record<string, unknown>;
  if ('url' in source) throw new TypeError(`${PREFIX} \`url\` is the constructor's first argument, not an option; remove it from the options.`);
  if (protocols !== undefined && 'protocols' in source) {
    throw new TypeError(`${PREFIX} \`protocols\` given both as the second argument and as an option; pass it once.`);
  }
  const options: Record<string, unknown> = { ...source, url, ...(protocols === undefined ? {} : { protocols }) };
  const used: Alias[] = [];
  for (const alias of Object.keys(OPTION_ALIASES) as Alias[]) {
    if (!(alias in source)) continue;
    const value = source[alias];
    delete options[alias];
    if (value === undefined) continue;
    const ours = OPTION_ALIASES[alias];
    const [parent, child] = ours.split('.') as [string, string | undefined];
    const target = child === undefined ? options : { ...(options[parent] as object | undefined) };
    const key = child ?? parent;
    if ((target as Record<string, unknown>)[key] !== undefined) {
      throw new TypeError(`${PREFIX} \`${alias}\` and \`${ours}\` are the same option; pass one of them.`);
    }
    (target as Record<string, unknown>)[key] = convert(alias, value);
    if (child !== undefined) options[parent] = target;
    used.push(alias);
  }
  return { options: options as unknown as ConnectionOptions, used };
}

function convert(alias: Alias, value: unknown): unknown {
  if (alias === 'startClosed') return typeof value === 'boolean' ? !value : mustBe('startClosed', 'true or false', value);
  return value;
}

/**
 * An option error from `createConnection` about a mapped option, naming the alias the caller
 * wrote instead (the same error object, its message rewritten).
 */
export function renameInError(error: unknown, used: readonly Alias[]): unknown {
  if (!(error instanceof TypeError || error instanceof RangeError)) return error;
  for (const alias of used) error.message = error.message.split(`\`${OPTION_ALIASES[alias]}\``).join(`\`${alias}\``);
  return error;
}
