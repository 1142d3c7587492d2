/**
 * What `send()` accepts, checked the way a real WebSocket checks it, and the copy a queued message
 * is kept as, so it goes out (or is reported dropped) with the bytes it had at `send()`.
 */
import { describe, PREFIX } from './describe.js';
import type { OutgoingData } from './websocket.types.js';

const sharedArrayBuffer = (globalThis as { SharedArrayBuffer?: new (length: number) => ArrayBufferLike }).SharedArrayBuffer;

function isShared(buffer: ArrayBufferLike): boolean {
  return sharedArrayBuffer !== undefined && buffer instanceof sharedArrayBuffer;
}

/**
 * Throws a `TypeError` for data no WebSocket sends. Browsers and Node's built-in WebSocket throw
 * for a SharedArrayBuffer or a view on one (a WebIDL BufferSource without [AllowShared]), so
 * those are refused here, at `send()` (or when `heartbeat.ping` is given), with the fix, rather
 * than by the socket later. `name` says whose data it is; `alternatives` what else it may be.
 */
export function checkOutgoing(data: unknown, name = 'send()', alternatives = ''): asserts data is OutgoingData {
  const fix = (expression: string) => (name === 'send()' ? `send(${expression})` : expression);
  if (typeof data === 'string' || data instanceof ArrayBuffer || (typeof Blob !== 'undefined' && data instanceof Blob)) return;
  if (ArrayBuffer.isView(data)) {
    if (!isShared(data.buffer)) return;
    throw new TypeError(
      `${PREFIX} ${name} got a ${Object.prototype.toString.call(data).slice(8, -1)} on a SharedArrayBuffer, which WebSockets refuse; ` +
        `copy it into an ArrayBuffer first, e.g. ${fix('view.slice()')} for a typed array.`,
    );
  }
  if (isShared(data as ArrayBufferLike)) {
    throw new TypeError(
      `${PREFIX} ${name} got a SharedArrayBuffer, which WebSockets refuse; ` +
        `copy it into an ArrayBuffer first, e.g. ${fix('new Uint8Array(shared).slice().buffer')}.`,
    );
  }
  throw new TypeError(
    `${PREFIX} ${name} takes a string, ArrayBuffer, typed array, DataView or Blob${alternatives}, got ${describe(data)}. ` +
      `Serialise objects first, e.g. ${fix('JSON.stringify(value)')}.`,
  );
}

const typedArraySlice = (Object.getPrototypeOf(Uint8Array.prototype) as { slice: (this: ArrayBufferView) => ArrayBufferView }).slice;

/**
 * A copy of binary data with its own bytes and the same type (a `Buffer` stays a `Buffer`, a
 * `DataView` a `DataView` of just its window). Strings and Blobs are immutable and kept as they are.
 */
export function snapshotOutgoing(data: OutgoingData): OutgoingData {
  if (data instanceof ArrayBuffer) return data.slice(0);
  if (data instanceof DataView) return new DataView(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (ArrayBuffer.isView(data)) return typedArraySlice.call(data) as OutgoingData;
  return data;
}
