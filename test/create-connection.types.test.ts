import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CloseInfo, ConnectionStatus, GaveUpReason } from '../src/connection.types.js';
import { EVENT_NAMES, type ConnectionEventMap, type DropReason } from '../src/create-connection.js';
import type { OutgoingData } from '../src/websocket.types.js';
import { createConnection, json, type Connection } from '../src/index.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';

// Checked by `npm run typecheck` (tsc covers test/); at run time only the list is compared.
describe('ConnectionEventMap: the payload of every handle event', () => {
  it('keeps each payload exactly as published (a drift in ConnectionEmitted fails tsc here)', () => {
    expectTypeOf<ConnectionEventMap['status']>().toEqualTypeOf<ConnectionStatus>();
    expectTypeOf<ConnectionEventMap['open']>().toEqualTypeOf<{ protocol: string; reconnected: boolean; downtimeMs: number }>();
    expectTypeOf<ConnectionEventMap['message']>().toEqualTypeOf<unknown>();
    expectTypeOf<ConnectionEventMap['close']>().toEqualTypeOf<CloseInfo>();
    expectTypeOf<ConnectionEventMap['error']>().toEqualTypeOf<{ message: string; error?: unknown; data?: unknown }>();
    expectTypeOf<ConnectionEventMap['retry']>().toEqualTypeOf<{ attempt: number; delayMs: number }>();
    expectTypeOf<ConnectionEventMap['gaveUp']>().toEqualTypeOf<{ reason: GaveUpReason; close: CloseInfo | null; retries: number; rejection?: string }>();
    expectTypeOf<ConnectionEventMap['dropped']>().toEqualTypeOf<{ data: OutgoingData; reason: DropReason; error?: unknown }>();
  });

  it('EVENT_NAMES lists every event of ConnectionEventMap once, and nothing else', () => {
    expectTypeOf<(typeof EVENT_NAMES)[number]>().toEqualTypeOf<keyof ConnectionEventMap>();
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
    expect([...EVENT_NAMES].sort()).toEqual(['close', 'dropped', 'error', 'gaveUp', 'message', 'open', 'retry', 'status']);
  });
});

describe('the codec types on() and send()', () => {
  type ServerMessage = { type: 'chat'; text: string };
  type ClientMessage = { type: 'join'; room: string };

  it('with json<In, Out>(), message listeners get In and send takes Out; without, unknown and raw data', () => {
    const { WebSocket } = createFakeWebSocketServer();
    const typed = createConnection({ url: 'ws://test.invalid/', WebSocket, autoConnect: false, codec: json<ServerMessage, ClientMessage>() });
    expectTypeOf(typed).toEqualTypeOf<Connection<ServerMessage, ClientMessage>>();
    expectTypeOf<Parameters<typeof typed.send>[0]>().toEqualTypeOf<ClientMessage>();
    typed.on('message', (message) => expectTypeOf(message).toEqualTypeOf<ServerMessage>());
    // @ts-expect-error: raw data is not a ClientMessage
    expect(() => typed.send('raw')).not.toThrow(); // at run time, json() serialises a string too
    const raw = createConnection({ url: 'ws://test.invalid/', WebSocket, autoConnect: false });
    expectTypeOf(raw).toEqualTypeOf<Connection<unknown, OutgoingData>>();
    raw.on('message', (data) => expectTypeOf(data).toEqualTypeOf<unknown>());
    typed.stop();
    raw.stop();
  });
});
