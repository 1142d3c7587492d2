/** The size of what a WebSocket sends, in bytes on the wire. */
import type { OutgoingData } from './websocket.types.js';

/** The bytes `data` puts on the wire: UTF-8 for text, `size` for a Blob, `byteLength` for binary data. */
export function byteLengthOf(data: OutgoingData): number {
  if (typeof data === 'string') return new TextEncoder().encode(data).length;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return (data as ArrayBufferLike | ArrayBufferView).byteLength;
}
