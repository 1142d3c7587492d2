/** When `useConnection` keeps its connection (`sameOptions`): data by value, functions and other objects by identity. */
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { json } from '../src/index.js';
import { sameOptions } from '../src/react.options.js';

describe('sameOptions', () => {
  const url = () => 'ws://a';
  it('keeps options equal by value: plain objects and arrays key by key, URLs by href, undefined keys ignored', () => {
    expect(sameOptions({ url: 'ws://a', heartbeat: { intervalMs: 1 }, protocols: ['x'] }, { url: 'ws://a', heartbeat: { intervalMs: 1 }, protocols: ['x'] })).toBe(true);
    expect(sameOptions({ url: new URL('ws://a/b') }, { url: new URL('ws://a/b') })).toBe(true);
    expect(sameOptions({ url, seed: undefined }, { url })).toBe(true);
    expect(sameOptions({ maxRetries: NaN }, { maxRetries: NaN })).toBe(true);
  });
  it('tells a change of data apart: a value, a nested value, a key, an array length, a URL', () => {
    expect(sameOptions({ url: 'ws://a' }, { url: 'ws://b' })).toBe(false);
    expect(sameOptions({ heartbeat: { intervalMs: 1 } }, { heartbeat: { intervalMs: 2 } })).toBe(false);
    expect(sameOptions({ url: 'ws://a' }, { url: 'ws://a', maxRetries: 1 })).toBe(false);
    expect(sameOptions({ protocols: ['x'] }, { protocols: ['x', 'y'] })).toBe(false);
    expect(sameOptions({ url: new URL('ws://a/b') }, { url: new URL('ws://a/c') })).toBe(false);
    expect(sameOptions({ url: new URL('ws://a/b') }, { url: 'ws://a/b' })).toBe(false);
    expect(sameOptions({ protocols: ['x'] }, { protocols: { 0: 'x' } })).toBe(false);
  });
  it('compares functions and non-plain objects by identity (a new json() codec or clock is a change)', () => {
    expect(sameOptions({ url }, { url: () => 'ws://a' })).toBe(false);
    const codec = json();
    expect(sameOptions({ codec }, { codec })).toBe(true);
    expect(sameOptions({ codec: json() }, { codec: json() })).toBe(false);
    const clock = new SimulatedClock();
    expect(sameOptions({ clock }, { clock })).toBe(true);
    expect(sameOptions({ clock }, { clock: new SimulatedClock() })).toBe(false);
  });
});
