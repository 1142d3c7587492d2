/**
 * Codecs: what turns inbound WebSocket data into the app's messages and the app's messages into
 * data to send. `json()` is the one that ships; any `{ parse, serialize }` pair works.
 */
import type { Codec } from './options.types.js';

export type { Codec } from './options.types.js';

/**
 * JSON both ways: `parse` reads a text message (or UTF-8 bytes: an ArrayBuffer, typed array,
 * DataView or Buffer) with `JSON.parse`, `serialize` writes text with `JSON.stringify`. The type
 * parameters are what the app declares, not checked: validate in `parse` by wrapping it when the
 * server cannot be trusted. `parse` throws on invalid JSON and on a `Blob` (read synchronously,
 * it cannot be; set `binaryType: 'arraybuffer'`); `serialize` throws on what JSON cannot write
 * (a cycle, a BigInt) and on `undefined`.
 *
 * @example
 * const codec = json<ServerMessage, ClientMessage>();
 * codec.serialize({ type: 'join', room: 'lobby' }); // '{"type":"join","room":"lobby"}'
 */
export function json<In = unknown, Out = unknown>(): Codec<In, Out> {
  return {
    parse: (data) => JSON.parse(textOf(data)) as In,
    serialize(message) {
      const text = JSON.stringify(message) as string | undefined;
      if (text === undefined) throw new TypeError(`json(): cannot serialise ${typeof message} as JSON`);
      return text;
    },
  };
}

/** Inbound data as text: a string as it is, binary data decoded as UTF-8 (invalid bytes throw). */
function textOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new TextDecoder('utf-8', { fatal: true }).decode(data);
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new TextDecoder('utf-8', { fatal: true }).decode(data as ArrayBuffer);
  throw new TypeError(`json(): cannot parse ${Object.prototype.toString.call(data)}; expected text or bytes (binaryType 'arraybuffer')`);
}
