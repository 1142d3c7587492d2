import { describe, expect, it, vi } from 'vitest';
import { normaliseUrl, resolveUrlSource, type UrlSource } from '../src/url.js';

/** Resolves `source` and records every callback it gets, in order. */
function answersOf(source: UrlSource) {
  const answers: unknown[] = [];
  resolveUrlSource(
    source,
    (url) => answers.push(['url', url]),
    (how, error) => answers.push([how, error]),
  );
  return answers;
}

/** A thenable whose `then` runs `body` with the two callbacks, synchronously. */
const thenable = (body: (resolve: (url: string) => void, reject: (error: unknown) => void) => void) => ({ then: body }) as unknown as Promise<string>;

describe('normaliseUrl', () => {
  it('maps http(s) to ws(s) and keeps ws(s) as they are', () => {
    expect(normaliseUrl('http://example.com/a')).toBe('ws://example.com/a');
    expect(normaliseUrl(new URL('https://example.com/'))).toBe('wss://example.com/');
    expect(normaliseUrl('wss://example.com/?t=1')).toBe('wss://example.com/?t=1');
  });

  it.each(['not a url', 'ftp://example.com/', 'ws://example.com/#top'])('throws a TypeError naming the package, `url` and the value for %s', (url) => {
    expect(() => normaliseUrl(url)).toThrow(TypeError);
    expect(() => normaliseUrl(url)).toThrow(`xstate-websocket: \`url\` ${JSON.stringify(url)} `);
  });
});

describe('resolveUrlSource: one answer per attempt', () => {
  it('answers a string or URL at once, as it is', () => {
    const url = new URL('ws://example.com/');
    expect(answersOf('ws://a/')).toEqual([['url', 'ws://a/']]);
    expect(answersOf(url)).toEqual([['url', url]]);
  });

  it("answers a function's return value at once, calling it once", () => {
    const source = vi.fn(() => 'ws://fresh/');
    expect(answersOf(source)).toEqual([['url', 'ws://fresh/']]);
    expect(source).toHaveBeenCalledTimes(1);
  });

  it('answers with what a promise resolves to, or how it rejected', async () => {
    const error = new Error('no token');
    const resolved: unknown[] = [];
    const rejected: unknown[] = [];
    resolveUrlSource(async () => 'ws://later/', (url) => resolved.push(url), (how, e) => resolved.push([how, e]));
    resolveUrlSource(() => Promise.reject(error), (url) => rejected.push(url), (how, e) => rejected.push([how, e]));
    expect([resolved, rejected]).toEqual([[], []]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(resolved).toEqual(['ws://later/']);
    expect(rejected).toEqual([['rejected', error]]);
  });

  it('reports a function that throws', () => {
    const error = new Error('boom');
    expect(
      answersOf(() => {
        throw error;
      }),
    ).toEqual([['threw', error]]);
  });

  it('hears only the first answer of a thenable that calls back twice or both ways', () => {
    expect(answersOf(() => thenable((ok) => (ok('ws://first/'), ok('ws://second/'))))).toEqual([['url', 'ws://first/']]);
    expect(answersOf(() => thenable((ok, no) => (ok('ws://first/'), no(new Error('late')))))).toEqual([['url', 'ws://first/']]);
    const error = new Error('first');
    expect(answersOf(() => thenable((ok, no) => (no(error), ok('ws://late/'))))).toEqual([['rejected', error]]);
  });

  it('ignores a then that throws after answering, and reports one that throws before', () => {
    expect(
      answersOf(() =>
        thenable((ok) => {
          ok('ws://first/');
          throw new Error('after');
        }),
      ),
    ).toEqual([['url', 'ws://first/']]);
    const error = new Error('before');
    expect(
      answersOf(() =>
        thenable(() => {
          throw error;
        }),
      ),
    ).toEqual([['threw', error]]);
  });
});
