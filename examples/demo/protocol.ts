/**
 * Wire protocol of the demo chat server.
 *
 * Every JSON message, both ways, has the shape `{ type, payload, time, traceId }`.
 * The server always sets `time` (ms since the epoch) and `traceId` on what it sends;
 * what a client puts in `time` is ignored.
 *
 * Client → server: `chat` (payload `{ text }`), `ping`; also the bare text frame `ping`,
 * answered with the bare text frame `pong`, so a client's default heartbeat works. With
 * `?handshake` in the URL, the first message is `hello` (payload `{ token }`).
 * Server → client: `chat`, `system`, `pong`, `error`; `ready` or `denied` (payload `{ reason }`)
 * answer a hello.
 */
import { randomUUID } from 'node:crypto';

/** Codes carried by `{ type: 'error', payload: { code, message } }` replies. */
export type ErrorCode =
  | 'invalid-json'
  | 'invalid-message'
  | 'unknown-type'
  | 'invalid-payload'
  | 'message-too-large'
  | 'binary-unsupported'
  | 'rate-limited';

export interface ChatMessage {
  type: 'chat';
  payload: { room: string; from: string; text: string };
  time: number;
  traceId: string;
}

export interface SystemMessage {
  type: 'system';
  payload: { event: 'joined' | 'left'; room: string; user: string; online: number; text: string };
  time: number;
  traceId: string;
}

export interface PongMessage {
  type: 'pong';
  time: number;
  traceId: string;
}

export interface ErrorMessage {
  type: 'error';
  payload: { code: ErrorCode; message: string };
  time: number;
  traceId: string;
}

/** The hello's token was accepted: the session is open and the client has joined its room. */
export interface ReadyMessage {
  type: 'ready';
  time: number;
  traceId: string;
}

/** The hello was refused (bad token, token revoked, no hello first): the client should close. */
export interface DeniedMessage {
  type: 'denied';
  payload: { reason: string };
  time: number;
  traceId: string;
}

export type ServerMessage = ChatMessage | SystemMessage | PongMessage | ErrorMessage | ReadyMessage | DeniedMessage;

/** A client message that passed validation. */
export type ClientMessage =
  | { type: 'chat'; text: string; traceId: string | undefined }
  | { type: 'ping'; traceId: string | undefined }
  | { type: 'hello'; token: string; traceId: string | undefined };

export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode; message: string; traceId: string | undefined };

const TRACE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A client-supplied trace id is echoed only when it is a short, plain token. */
export function isValidTraceId(value: unknown): value is string {
  return typeof value === 'string' && TRACE_ID.test(value);
}

/** The client's trace id when valid, otherwise a fresh UUID. */
export function traceIdFor(clientTraceId: string | undefined): string {
  return clientTraceId ?? randomUUID();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validate one text frame (already known to be within the size limit).
 * @param maxTextLength - longest chat text accepted, in code points, after trimming.
 */
export function parseClientMessage(raw: string, maxTextLength: number): ParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'invalid-json', message: 'message is not valid JSON', traceId: undefined };
  }
  if (!isRecord(parsed)) {
    return { ok: false, code: 'invalid-message', message: 'message must be a JSON object', traceId: undefined };
  }
  const traceId = isValidTraceId(parsed.traceId) ? parsed.traceId : undefined;
  const fail = (code: ErrorCode, message: string): ParseResult => ({ ok: false, code, message, traceId });

  if (typeof parsed.type !== 'string') return fail('invalid-message', 'message needs a string "type"');
  switch (parsed.type) {
    case 'ping':
      return { ok: true, message: { type: 'ping', traceId } };
    case 'hello': {
      const payload = parsed.payload;
      if (!isRecord(payload) || typeof payload.token !== 'string') return fail('invalid-payload', 'hello payload must be { token: string }');
      return { ok: true, message: { type: 'hello', token: payload.token, traceId } };
    }
    case 'chat': {
      const payload = parsed.payload;
      if (!isRecord(payload) || typeof payload.text !== 'string') {
        return fail('invalid-payload', 'chat payload must be { text: string }');
      }
      const text = payload.text.trim();
      const length = [...text].length;
      if (length === 0) return fail('invalid-payload', 'chat text is empty');
      if (length > maxTextLength) {
        return fail('invalid-payload', `chat text is longer than ${maxTextLength} characters`);
      }
      return { ok: true, message: { type: 'chat', text, traceId } };
    }
    default:
      return fail('unknown-type', `unknown message type "${parsed.type.slice(0, 32)}"`);
  }
}

export function errorMessage(code: ErrorCode, message: string, traceId: string | undefined): ErrorMessage {
  return { type: 'error', payload: { code, message }, time: Date.now(), traceId: traceIdFor(traceId) };
}
