import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { KNOWN_KEYS, resolveOptions } from '../src/options.js';
import { DEFAULTS, type ConnectionOptions } from '../src/options.types.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';

const { WebSocket } = createFakeWebSocketServer();
const base: ConnectionOptions = { url: 'ws://localhost:8080/chat', WebSocket };

function errorOf(options: Partial<ConnectionOptions> | unknown): Error {
  try {
    resolveOptions({ ...base, ...(options as object) } as ConnectionOptions);
  } catch (error) {
    return error as Error;
  }
  throw new Error('resolveOptions did not throw');
}

describe('option validation', () => {
  it.each([
    ['connectTimeoutMs', -1, RangeError],
    ['connectTimeoutMs', Number.NaN, RangeError],
    ['connectTimeoutMs', Infinity, RangeError],
    ['connectTimeoutMs', '100', TypeError],
    ['closeTimeoutMs', -5, RangeError],
    ['stableUptimeMs', 1.5, RangeError],
    ['maxRetries', -1, RangeError],
    ['maxRetries', 2.5, RangeError],
    ['maxQueuedMessages', -1, RangeError],
  ] as const)('rejects %s = %s with a %s naming the option and the value', (name, value, type) => {
    const error = errorOf({ [name]: value });
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(`\`${name}\``);
    expect(error.message).toContain(typeof value === 'string' ? `"${value}"` : String(value));
  });

  it.each([
    [{ initialDelayMs: -1 }, 'backoff.initialDelayMs'],
    [{ maxDelayMs: Infinity }, 'backoff.maxDelayMs'],
    [{ factor: 0.5 }, 'backoff.factor'],
    [{ jitter: 1.5 }, 'backoff.jitter'],
    [{ initialDelayMs: 5000, maxDelayMs: 100 }, 'backoff.maxDelayMs'],
  ])('rejects backoff %j naming %s', (backoff, name) => {
    const error = errorOf({ backoff });
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toContain(name);
  });

  it.each([
    ['not a url', 'does not parse'],
    ['ftp://example.com/x', "scheme 'ftp:'"],
    ['ws://example.com/x#frag', 'fragment'],
  ])('rejects url %s', (url, fragment) => {
    const error = errorOf({ url });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('`url`');
    expect(error.message).toContain(fragment);
  });

  it('maps http(s) URLs to ws(s)', () => {
    expect(resolveOptions({ ...base, url: 'https://example.com/socket' }).adapter.url).toBe('wss://example.com/socket');
    expect(resolveOptions({ ...base, url: new URL('http://example.com/') }).adapter.url).toBe('ws://example.com/');
  });

  it('says how to fix a missing WebSocket implementation (Node 20 has no global one)', () => {
    const error = errorOf({ WebSocket: undefined });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/import WebSocket from 'ws'/);
  });

  it('rejects bad protocols, binaryType, heartbeat, clock and callbacks', () => {
    expect(errorOf({ protocols: ['ok', 'not ok'] }).message).toContain('`protocols`');
    expect(errorOf({ protocols: ['a', 'a'] }).message).toContain('twice');
    expect(errorOf({ binaryType: 'text' as never }).message).toContain('`binaryType`');
    expect(errorOf({ heartbeat: { intervalMs: 0 } }).message).toContain('`heartbeat.intervalMs`');
    expect(errorOf({ heartbeat: { ping: 42 as never } }).message).toContain('`heartbeat.ping`');
    expect(errorOf({ clock: {} as never }).message).toContain('`clock`');
    expect(errorOf({ shouldReconnect: 1 as never }).message).toContain('`shouldReconnect`');
    expect(errorOf({ autoConnect: 'yes' as never }).message).toContain('`autoConnect`');
    expect(() => resolveOptions(undefined as never)).toThrow(TypeError);
  });

  it('accepts maxRetries: Infinity and maxQueuedMessages: Infinity, and leaves the heartbeat off unless given', () => {
    const resolved = resolveOptions({ ...base, maxRetries: Infinity, maxQueuedMessages: Infinity });
    expect(resolved.settings.maxRetries).toBe(Infinity);
    expect(resolved.handle.maxQueuedMessages).toBe(Infinity);
    expect(resolved.settings.heartbeat).toBeNull();
    expect(resolveOptions({ ...base, heartbeat: {} }).settings.heartbeat).toEqual(DEFAULTS.heartbeat);
  });
});

describe('defaults', () => {
  it('applies DEFAULTS when options are omitted', () => {
    const { settings, adapter, handle } = resolveOptions(base);
    expect(settings).toMatchObject({
      connectTimeoutMs: DEFAULTS.connectTimeoutMs,
      closeTimeoutMs: DEFAULTS.closeTimeoutMs,
      stableUptimeMs: DEFAULTS.stableUptimeMs,
      maxRetries: DEFAULTS.maxRetries,
      backoff: DEFAULTS.backoff,
      binaryType: DEFAULTS.binaryType,
      protocols: [],
    });
    const { environment, ...rest } = handle;
    expect(rest).toEqual({ autoConnect: DEFAULTS.autoConnect, maxQueuedMessages: DEFAULTS.maxQueuedMessages, clock: undefined, inspect: undefined, codec: null });
    // The browser's environment by default: in Node it listens to nothing and reads the wall clock.
    expect(typeof environment!.listen).toBe('function');
    expect(Math.abs(environment!.now!() - Date.now())).toBeLessThan(1_000);
    expect(settings.pauseWhenHidden).toBe(DEFAULTS.pauseWhenHidden);
    expect(adapter).toMatchObject({ url: base.url, WebSocket: base.WebSocket, clock: undefined, shouldReconnect: undefined });
    expect(adapter.ping()).toBe(DEFAULTS.heartbeatData.ping);
    expect(adapter.isPong(DEFAULTS.heartbeatData.isPong)).toBe(true);
    expect(typeof adapter.now()).toBe('number');
  });

  it('documents every numeric default in the TSDoc @default tag of its option', () => {
    const source = readFileSync(new URL('../src/options.types.ts', import.meta.url), 'utf8');
    const documented = new Map<string, string>();
    for (const match of source.matchAll(/@default ([^\n]+)\n\s*\*\/\n\s*(\w+)\??:/g)) documented.set(match[2]!, match[1]!.trim());
    const expected: Record<string, unknown> = {
      connectTimeoutMs: DEFAULTS.connectTimeoutMs,
      closeTimeoutMs: DEFAULTS.closeTimeoutMs,
      stableUptimeMs: DEFAULTS.stableUptimeMs,
      maxRetries: DEFAULTS.maxRetries,
      maxQueuedMessages: DEFAULTS.maxQueuedMessages,
      initialDelayMs: DEFAULTS.backoff.initialDelayMs,
      maxDelayMs: DEFAULTS.backoff.maxDelayMs,
      factor: DEFAULTS.backoff.factor,
      jitter: DEFAULTS.backoff.jitter,
      intervalMs: DEFAULTS.heartbeat.intervalMs,
      timeoutMs: DEFAULTS.heartbeat.timeoutMs,
      autoConnect: DEFAULTS.autoConnect,
      binaryType: `'${DEFAULTS.binaryType}'`,
      ping: `'${DEFAULTS.heartbeatData.ping}'`,
      isPong: `'${DEFAULTS.heartbeatData.isPong}'`,
    };
    for (const [name, value] of Object.entries(expected)) expect(documented.get(name), name).toBe(String(value));
    expect(documented.get('seed')).toBe('a fresh seed from Math.random, one per connection');
  });

  it('without a seed, draws a fresh one from Math.random once per resolveOptions (so connections never retry in lockstep)', () => {
    const random = vi.spyOn(Math, 'random').mockReturnValueOnce(0.5).mockReturnValueOnce(0.25);
    try {
      expect(resolveOptions(base).settings.seed).toBe(2 ** 31);
      expect(resolveOptions(base).settings.seed).toBe(2 ** 30);
      expect(random).toHaveBeenCalledTimes(2);
      expect(resolveOptions({ ...base, seed: 0xffff_ffff }).settings.seed).toBe(0xffff_ffff);
      expect(random).toHaveBeenCalledTimes(2);
    } finally {
      random.mockRestore();
    }
  });
});

describe('seed', () => {
  it.each([
    [-1, RangeError],
    [2 ** 32, RangeError],
    [1.5, RangeError],
    [Number.NaN, RangeError],
    ['7', TypeError],
    [null, TypeError],
  ] as const)('rejects seed %s with a %s naming `seed` and the value', (seed, type) => {
    const error = errorOf({ seed });
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain('`seed`');
    expect(error.message).toContain(typeof seed === 'string' ? `"${seed}"` : String(seed));
  });

  it('rejects the removed `random` option with a TypeError saying it was replaced by `seed`', () => {
    const error = errorOf({ random: () => 0.5 });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('`random` option was replaced by `seed`');
  });
});

describe('heartbeat ping and isPong take data or a function', () => {
  const resolveHeartbeat = (heartbeat: NonNullable<ConnectionOptions['heartbeat']>) => resolveOptions({ ...base, heartbeat }).adapter;

  it("sends the data itself as the ping: heartbeat: { ping: 'hb' }", () => {
    expect(resolveHeartbeat({ ping: 'hb' }).ping()).toBe('hb');
    expect(resolveHeartbeat({}).ping()).toBe('ping');
    expect(resolveHeartbeat({ ping: () => 'fn' }).ping()).toBe('fn');
  });

  it('snapshots binary ping data, so mutating the buffer after createConnection changes nothing', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const { ping } = resolveHeartbeat({ ping: bytes });
    bytes[0] = 9;
    expect([...new Uint8Array(toArrayBuffer(ping()))]).toEqual([1, 2, 3]);
    const buffer = new Uint8Array([4, 5]).buffer;
    const fromBuffer = resolveHeartbeat({ ping: buffer }).ping;
    new Uint8Array(buffer)[0] = 0;
    expect([...new Uint8Array(toArrayBuffer(fromBuffer()))]).toEqual([4, 5]);
  });

  it("recognises the pong by === when isPong is a string: heartbeat: { isPong: 'hb-ack' }", () => {
    const { isPong } = resolveHeartbeat({ isPong: 'hb-ack' });
    expect(isPong('hb-ack')).toBe(true);
    expect(isPong('pong')).toBe(false);
    expect(isPong(new TextEncoder().encode('hb-ack'))).toBe(false);
    expect(resolveHeartbeat({}).isPong(DEFAULTS.heartbeatData.isPong)).toBe(true);
    expect(resolveHeartbeat({}).isPong('ping')).toBe(false);
  });

  it('recognises a binary pong byte-wise whether it arrives as ArrayBuffer, typed array, DataView or Buffer', () => {
    const { isPong } = resolveHeartbeat({ isPong: new Uint8Array([0xca, 0xfe]) });
    expect(isPong(new Uint8Array([0xca, 0xfe]).buffer)).toBe(true);
    expect(isPong(Buffer.from([0xca, 0xfe]))).toBe(true);
    expect(isPong(new DataView(new Uint8Array([0, 0xca, 0xfe, 0]).buffer, 1, 2))).toBe(true);
    expect(isPong(new Uint16Array(new Uint8Array([0xca, 0xfe]).buffer))).toBe(true);
    expect(isPong(new Uint8Array([0xca]))).toBe(false);
    expect(isPong(new Uint8Array([0xca, 0xff]))).toBe(false);
    expect(isPong(new Uint8Array([0xca, 0xfe, 0]))).toBe(false);
    expect(isPong('\xca\xfe')).toBe(false);
    expect(isPong(new Blob([new Uint8Array([0xca, 0xfe])]))).toBe(false);
  });

  it('property: a data isPong matches exactly the inbound messages equal to it (=== for text, bytes for binary)', () => {
    const forms = [
      (b: Uint8Array) => b.slice().buffer,
      (b: Uint8Array) => b.slice(),
      (b: Uint8Array) => Buffer.from(b),
      (b: Uint8Array) => new DataView(b.slice().buffer),
    ];
    const bytes = fc.uint8Array({ maxLength: 4, max: 3 });
    const text = fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'b', 'é') });
    fc.assert(
      fc.property(bytes, bytes, fc.nat(forms.length - 1), text, text, (pong, other, form, pongText, otherText) => {
        const binary = resolveHeartbeat({ isPong: pong.slice() }).isPong;
        const sameBytes = pong.length === other.length && pong.every((b, i) => b === other[i]);
        expect(binary(forms[form]!(pong))).toBe(true);
        expect(binary(forms[form]!(other))).toBe(sameBytes);
        expect(binary(String.fromCharCode(...pong))).toBe(false);
        const textual = resolveHeartbeat({ isPong: pongText }).isPong;
        expect(textual(otherText)).toBe(otherText === pongText);
        expect(textual(new TextEncoder().encode(pongText))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['ping', 42],
    ['ping', { type: 'ping' }],
    ['isPong', 42],
    ['isPong', null],
    ['isPong', new Blob(['pong'])],
  ])('rejects heartbeat.%s = %o with a TypeError naming the option', (name, value) => {
    const error = errorOf({ heartbeat: { [name]: value } });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain(`\`heartbeat.${name}\``);
  });

  it('rejects a ping on a SharedArrayBuffer, which WebSockets refuse to send', () => {
    const error = errorOf({ heartbeat: { ping: new Uint8Array(new SharedArrayBuffer(2)) } });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('`heartbeat.ping`');
    expect(error.message).toContain('SharedArrayBuffer');
  });
});

describe('unknown option keys', () => {
  it.each([
    [{ autoconnect: false }, 'autoconnect', 'autoConnect'],
    [{ maxRetry: 3 }, 'maxRetry', 'maxRetries'],
    [{ connectTimeout: 10 }, 'connectTimeout', 'connectTimeoutMs'],
    [{ websocket: WebSocket }, 'websocket', 'WebSocket'],
    [{ backoff: { initialDelay: 100 } }, 'backoff.initialDelay', 'backoff.initialDelayMs'],
    [{ backoff: { maxdelayms: 100 } }, 'backoff.maxdelayms', 'backoff.maxDelayMs'],
    [{ heartbeat: { interval: 1000 } }, 'heartbeat.interval', 'heartbeat.intervalMs'],
    [{ heartbeat: { ispong: 'pong' } }, 'heartbeat.ispong', 'heartbeat.isPong'],
    [{ initialDelayMs: 100 }, 'initialDelayMs', 'backoff.initialDelayMs'],
    [{ heartbeat: { maxRetries: 1 } }, 'heartbeat.maxRetries', 'maxRetries'],
  ])('rejects %o naming `%s` and suggesting `%s`', (options, key, suggestion) => {
    const error = errorOf(options);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain(`\`${key}\``);
    expect(error.message).toContain(`did you mean \`${suggestion}\`?`);
  });

  it('lists the known keys when nothing is close', () => {
    const error = errorOf({ frobnicate: true });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('`frobnicate`');
    expect(error.message).not.toContain('did you mean');
    expect(error.message).toContain('maxQueuedMessages');
  });

  it('accepts every documented key, explicitly undefined ones included', () => {
    expect(() =>
      resolveOptions({
        ...base,
        protocols: undefined,
        binaryType: undefined,
        autoConnect: undefined,
        connectTimeoutMs: undefined,
        closeTimeoutMs: undefined,
        backoff: { initialDelayMs: undefined, maxDelayMs: undefined, factor: undefined, jitter: undefined },
        maxRetries: undefined,
        stableUptimeMs: undefined,
        heartbeat: { intervalMs: undefined, timeoutMs: undefined, ping: undefined, isPong: undefined },
        shouldReconnect: undefined,
        maxQueuedMessages: undefined,
        clock: undefined,
        seed: undefined,
        inspect: undefined,
      }),
    ).not.toThrow();
  });

  it('property: any key that is not an option throws a TypeError naming it, at every level', () => {
    const known = new Set(KNOWN_KEYS);
    fc.assert(
      fc.property(
        fc.constantFrom('', 'backoff.', 'heartbeat.'),
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['__proto__', 'constructor'].includes(k)),
        (prefix, key) => {
          fc.pre(!known.has(`${prefix}${key}`));
          const options = prefix === '' ? { [key]: 1 } : { [prefix.slice(0, -1)]: { [key]: 1 } };
          const error = errorOf(options);
          expect(error).toBeInstanceOf(TypeError);
          expect(error.message).toContain(`\`${prefix}${key}\``);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function toArrayBuffer(data: unknown): ArrayBufferLike {
  if (data instanceof ArrayBuffer) return data;
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  throw new Error(`not binary: ${String(data)}`);
}
