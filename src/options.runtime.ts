/**
 * What the heartbeat and clock options become at run time: the ping maker, the pong matcher and
 * the monotonic clock, built (and checked) once by `resolveOptions`.
 */
import { mustBe } from './describe.js';
import { DEFAULTS } from './options.types.js';
import { checkOutgoing, snapshotOutgoing } from './outgoing.js';
import type { OutgoingData } from './websocket.types.js';

/** `heartbeat.ping`: a function, or the data itself (binary data copied now, so later mutation cannot change it). */
export function pingOption(value: unknown): () => OutgoingData {
  if (value === undefined) return defaultPing;
  if (typeof value === 'function') return value as () => OutgoingData;
  checkOutgoing(value, '`heartbeat.ping`', ', or a function returning one');
  const copy = snapshotOutgoing(value);
  return () => copy;
}

/** `heartbeat.isPong`: a function, a string compared with ===, or bytes compared byte-wise with binary messages. */
export function isPongOption(value: unknown): (data: unknown) => boolean {
  if (value === undefined) return defaultIsPong;
  if (typeof value === 'function') return value as (data: unknown) => boolean;
  if (typeof value === 'string') return (data) => data === value;
  const bytes = bytesOf(value);
  if (bytes) {
    const pong = bytes.slice();
    return (data) => {
      const inbound = typeof data === 'string' ? null : bytesOf(data);
      return inbound !== null && inbound.length === pong.length && inbound.every((byte, i) => byte === pong[i]);
    };
  }
  const blob = typeof Blob !== 'undefined' && value instanceof Blob;
  return mustBe(
    'heartbeat.isPong',
    'a string, bytes (ArrayBuffer, typed array, DataView) or a function',
    value,
    TypeError,
    blob ? '; a Blob cannot be compared synchronously, pass its bytes or a function.' : '.',
  );
}

/** The bytes of an ArrayBuffer, SharedArrayBuffer or view (Buffer included), without copying; null for anything else. */
function bytesOf(value: unknown): Uint8Array | null {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(value as ArrayBufferLike);
  return null;
}

/** The default heartbeat ping and pong matcher (also the adapter's, when used without `createConnection`). */
export const defaultPing = (): OutgoingData => DEFAULTS.heartbeatData.ping;
export const defaultIsPong = (data: unknown): boolean => data === DEFAULTS.heartbeatData.isPong;
export const defaultNow = (): number => performance.now();
