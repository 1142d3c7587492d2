import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { json } from '../src/codec.js';
import { codecOption, handshakeOption } from '../src/options.js';
import { DEFAULTS } from '../src/options.types.js';

describe('json() codec', () => {
  it('property: parse(serialize(value)) gives the value back, for any JSON value', () => {
    const codec = json<unknown, unknown>();
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      expect(codec.parse(codec.serialize(value))).toEqual(JSON.parse(JSON.stringify(value)));
    }));
  });

  it('parses text and UTF-8 bytes in every binary form a WebSocket delivers', () => {
    const codec = json<{ type: string }, never>();
    const bytes = new TextEncoder().encode('{"type":"ready"}');
    for (const data of ['{"type":"ready"}', bytes, bytes.buffer, new DataView(bytes.buffer), Buffer.from(bytes)]) {
      expect(codec.parse(data)).toEqual({ type: 'ready' });
    }
  });

  it('throws on invalid JSON, invalid UTF-8, a Blob, and a value JSON cannot write', () => {
    const codec = json();
    expect(() => codec.parse('{not json')).toThrow(SyntaxError);
    expect(() => codec.parse(new Uint8Array([0xff, 0xfe]))).toThrow(TypeError);
    expect(() => codec.parse(new Blob(['{}']))).toThrow(/cannot parse \[object Blob\]/);
    expect(() => codec.serialize(undefined)).toThrow(/cannot serialise undefined/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => codec.serialize(cycle)).toThrow(TypeError);
  });

  it('is accepted by the codec option as it is', () => {
    const codec = json();
    expect(codecOption(codec)).toBe(codec);
    expect(codecOption(undefined)).toBeNull();
  });
});

describe('handshake option', () => {
  it('resolves to plain settings for the chart and the functions for the adapter, timeoutMs defaulting to DEFAULTS', () => {
    const reply = () => 'ready' as const;
    const hello = () => 'hi';
    expect(handshakeOption({ reply, hello })).toEqual({ settings: { timeoutMs: DEFAULTS.handshake.timeoutMs }, hello, reply });
    expect(handshakeOption({ reply, timeoutMs: 250 })).toEqual({ settings: { timeoutMs: 250 }, hello: undefined, reply });
    expect(handshakeOption(undefined)).toBeNull();
  });
});
