/**
 * The statechart's own code, outside any handle: how planRetry draws its jitter (drawJitter),
 * and what it draws with when nothing is injected.
 */
import { createActor, fromCallback } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { drawJitter } from '../src/connection.machine.js';
import { connectionMachine, resolveOptions } from '../src/index.js';
import { connectWithFake } from './support/harness.js';

describe('jitter draws (drawJitter, planRetry)', () => {
  const replaced = (what: string) => ({ draw: 0.5, problem: `random misbehaved: ${what}; 0.5 used instead` });
  it.each([
    ['0', () => 0, { draw: 0, problem: null }],
    ['0.999', () => 0.999, { draw: 0.999, problem: null }],
    ['1', () => 1, replaced('returned 1, not a number in [0, 1)')],
    ['-0.5', () => -0.5, replaced('returned -0.5, not a number in [0, 1)')],
    ['NaN', () => NaN, replaced('returned NaN, not a number in [0, 1)')],
    ['the string "0.3"', () => '0.3' as never, replaced('returned 0.3, not a number in [0, 1)')],
    ['a throw of an Error', () => { throw new Error('entropy exhausted'); }, replaced('threw entropy exhausted')],
    ['a throw of a string', () => { throw 'no entropy'; }, replaced('threw no entropy')],
  ])('a random returning %s draws %j', (_, random, expected) => {
    expect(drawJitter(random)).toEqual(expected);
  });

  it.each([
    [0, 50, []],
    [0.999, 100, []],
    [1, 75, ['random misbehaved: returned 1, not a number in [0, 1); 0.5 used instead']],
  ])('through the handle, random %d gives the first retry %i ms and the error events %j', (draw, delayMs, errors) => {
    const h = connectWithFake({ backoff: { initialDelayMs: 100, factor: 1, jitter: 0.5 }, random: () => draw });
    h.server.latest().drop();
    expect(h.payloads('retry')).toEqual([{ attempt: 1, delayMs }]);
    expect(h.payloads('error').map((e) => e.message).filter((m) => m.startsWith('random'))).toEqual(errors);
  });

  it('with no random injected (the machine on its own), Math.random is drawn', () => {
    const spy = vi.spyOn(Math, 'random').mockReturnValue(0);
    try {
      const actor = createActor(connectionMachine.provide({ actors: { socket: fromCallback(() => {}) } }), {
        input: resolveOptions({ url: 'ws://test.invalid/', WebSocket: class {} as never, backoff: { initialDelayMs: 100, factor: 1, jitter: 1 } }).settings,
      }).start();
      actor.send({ type: 'CONNECT' });
      actor.send({ type: 'SOCKET.CLOSED', code: 1006, reason: '', wasClean: false });
      expect(spy).toHaveBeenCalled();
      expect(actor.getSnapshot().context.retryDelayMs).toBe(0);
      actor.stop();
    } finally {
      spy.mockRestore();
    }
  });
});
