/** What send() accepts (checkOutgoing) and the copy a queued message is kept as (snapshotOutgoing). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkOutgoing, snapshotOutgoing } from '../src/outgoing.js';
import type { OutgoingData } from '../src/websocket.types.js';

const serialiseFirst = (got: string) =>
  `xstate-websocket: send() takes a string, ArrayBuffer, typed array, DataView or Blob, got ${got}. ` +
  'Serialise objects first, e.g. send(JSON.stringify(value)).';

/** Every kind of data a WebSocket sends, each on its own (non-shared) memory. */
const sendable = (): Array<[string, OutgoingData]> => [
  ['a string', 'text'],
  ['an empty string', ''],
  ['an ArrayBuffer', new ArrayBuffer(2)],
  ['a Uint8Array', new Uint8Array([1])],
  ['a Float64Array', new Float64Array(1)],
  ['a Node Buffer', Buffer.from([1])],
  ['a DataView', new DataView(new ArrayBuffer(2))],
  ['a Blob', new Blob(['x'])],
];

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('checkOutgoing', () => {
  it('names whose data it is, and what else it may be, for heartbeat.ping (no send() in the fix)', () => {
    expect(() => checkOutgoing({ type: 'ping' }, '`heartbeat.ping`', ', or a function returning one')).toThrow(
      new TypeError(
        'xstate-websocket: `heartbeat.ping` takes a string, ArrayBuffer, typed array, DataView or Blob, or a function returning one, ' +
          'got [object Object]. Serialise objects first, e.g. JSON.stringify(value).',
      ),
    );
    expect(() => checkOutgoing(new Uint8Array(new SharedArrayBuffer(1)), '`heartbeat.ping`')).toThrow(
      new TypeError(
        'xstate-websocket: `heartbeat.ping` got a Uint8Array on a SharedArrayBuffer, which WebSockets refuse; ' +
          'copy it into an ArrayBuffer first, e.g. view.slice() for a typed array.',
      ),
    );
  });

  it.each(sendable())('accepts %s', (_, data) => {
    expect(() => checkOutgoing(data)).not.toThrow();
  });

  it.each<[unknown, string]>([
    [{ type: 'chat' }, '[object Object]'],
    [[1, 2], '[1, 2]'],
    [42, '42'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [Symbol.iterator, '[object Symbol]'],
  ])('rejects %s with a TypeError that names it and says to serialise it', (data, got) => {
    expect(() => checkOutgoing(data)).toThrow(new TypeError(serialiseFirst(got)));
  });

  it.runIf(typeof SharedArrayBuffer !== 'undefined')('rejects shared memory, naming the view type and how to copy it', () => {
    const shared = new SharedArrayBuffer(4);
    expect(() => checkOutgoing(shared)).toThrow(
      new TypeError(
        'xstate-websocket: send() got a SharedArrayBuffer, which WebSockets refuse; ' +
          'copy it into an ArrayBuffer first, e.g. send(new Uint8Array(shared).slice().buffer).',
      ),
    );
    for (const [view, name] of [
      [new Uint8Array(shared), 'Uint8Array'],
      [new DataView(shared), 'DataView'],
      [new Int16Array(shared), 'Int16Array'],
    ] as const) {
      expect(() => checkOutgoing(view)).toThrow(
        new TypeError(
          `xstate-websocket: send() got a ${name} on a SharedArrayBuffer, which WebSockets refuse; ` +
            'copy it into an ArrayBuffer first, e.g. send(view.slice()) for a typed array.',
        ),
      );
    }
  });

  it('where SharedArrayBuffer does not exist (a page without cross-origin isolation), accepts every kind of data and still rejects objects', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    vi.resetModules();
    const fresh = await import('../src/outgoing.js');
    for (const [, data] of sendable()) expect(() => fresh.checkOutgoing(data)).not.toThrow();
    expect(() => fresh.checkOutgoing({})).toThrow(new TypeError(serialiseFirst('[object Object]')));
  });

  it('where Blob does not exist, accepts binary data and still rejects objects', () => {
    const data = sendable().filter(([name]) => name !== 'a Blob');
    vi.stubGlobal('Blob', undefined);
    for (const [, value] of data) expect(() => checkOutgoing(value)).not.toThrow();
    expect(() => checkOutgoing({})).toThrow(new TypeError(serialiseFirst('[object Object]')));
  });
});

describe('snapshotOutgoing', () => {
  it('keeps strings and Blobs as they are (immutable)', () => {
    const blob = new Blob(['x']);
    expect(snapshotOutgoing('text')).toBe('text');
    expect(snapshotOutgoing(blob)).toBe(blob);
  });

  it('copies an ArrayBuffer into a new one with the same bytes', () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const copy = snapshotOutgoing(buffer) as ArrayBuffer;
    new Uint8Array(buffer).fill(0);
    expect(copy).toBeInstanceOf(ArrayBuffer);
    expect(copy).not.toBe(buffer);
    expect([...new Uint8Array(copy)]).toEqual([1, 2, 3]);
  });

  it('copies just the window of a DataView into a DataView of its own', () => {
    const buffer = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]).buffer;
    const copy = snapshotOutgoing(new DataView(buffer, 2, 3)) as DataView;
    new Uint8Array(buffer).fill(9);
    expect(copy).toBeInstanceOf(DataView);
    expect([copy.byteOffset, copy.byteLength, copy.buffer.byteLength]).toEqual([0, 3, 3]);
    expect([...new Uint8Array(copy.buffer)]).toEqual([2, 3, 4]);
  });

  it.each<[string, () => ArrayBufferView, string]>([
    ['a Uint8Array window', () => new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 4), 'Uint8Array'],
    ['an Int16Array', () => new Int16Array([-1, 2, 300]), 'Int16Array'],
    ['a Float64Array', () => new Float64Array([0.5, -2]), 'Float64Array'],
    ['a Node Buffer', () => Buffer.from([7, 8, 9]), 'Buffer'],
  ])('copies %s into the same type, with just its bytes', (_, make, type) => {
    const original = make();
    const before = [...new Uint8Array(original.buffer, original.byteOffset, original.byteLength)];
    const copy = snapshotOutgoing(original as OutgoingData) as ArrayBufferView;
    new Uint8Array(original.buffer, original.byteOffset, original.byteLength).fill(0xff);
    expect(copy.constructor.name).toBe(type);
    expect(copy.buffer).not.toBe(original.buffer);
    expect([...new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength)]).toEqual(before);
  });
});
