import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolveOptions, type ConnectionOptions } from '../src/options.js';
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
    expect(resolveOptions({ ...base, url: 'https://example.com/socket' }).settings.url).toBe('wss://example.com/socket');
    expect(resolveOptions({ ...base, url: new URL('http://example.com/') }).settings.url).toBe('ws://example.com/');
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
    expect(errorOf({ heartbeat: { ping: 'ping' as never } }).message).toContain('`heartbeat.ping`');
    expect(errorOf({ clock: {} as never }).message).toContain('`clock`');
    expect(errorOf({ shouldReconnect: 1 as never }).message).toContain('`shouldReconnect`');
    expect(errorOf({ autoConnect: 'yes' as never }).message).toContain('`autoConnect`');
    expect(() => resolveOptions(undefined as never)).toThrow(TypeError);
  });

  it('accepts maxRetries: Infinity and leaves the heartbeat off unless given', () => {
    const resolved = resolveOptions({ ...base, maxRetries: Infinity });
    expect(resolved.settings.maxRetries).toBe(Infinity);
    expect(resolved.settings.heartbeat).toBeNull();
    expect(resolveOptions({ ...base, heartbeat: {} }).settings.heartbeat).toEqual(DEFAULTS.heartbeat);
  });
});

describe('defaults', () => {
  it('applies DEFAULTS when options are omitted', () => {
    const { settings, autoConnect, maxQueuedMessages } = resolveOptions(base);
    expect(settings).toMatchObject({
      connectTimeoutMs: DEFAULTS.connectTimeoutMs,
      closeTimeoutMs: DEFAULTS.closeTimeoutMs,
      stableUptimeMs: DEFAULTS.stableUptimeMs,
      maxRetries: DEFAULTS.maxRetries,
      backoff: DEFAULTS.backoff,
      binaryType: DEFAULTS.binaryType,
      protocols: [],
    });
    expect(autoConnect).toBe(true);
    expect(maxQueuedMessages).toBe(DEFAULTS.maxQueuedMessages);
  });

  it('documents every numeric default in the TSDoc @default tag of its option', () => {
    const source = readFileSync(new URL('../src/options.ts', import.meta.url), 'utf8');
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
    };
    for (const [name, value] of Object.entries(expected)) expect(documented.get(name), name).toBe(String(value));
  });
});
