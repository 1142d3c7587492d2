import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CloseInfo, ConnectionStatus, GaveUpReason } from '../src/connection.types.js';
import { EVENT_NAMES, type ConnectionEventMap, type DropReason } from '../src/create-connection.js';
import type { OutgoingData } from '../src/websocket.types.js';

// Checked by `npm run typecheck` (tsc covers test/); at run time only the list is compared.
describe('ConnectionEventMap: the payload of every handle event', () => {
  it('keeps each payload exactly as published (a drift in ConnectionEmitted fails tsc here)', () => {
    expectTypeOf<ConnectionEventMap['status']>().toEqualTypeOf<ConnectionStatus>();
    expectTypeOf<ConnectionEventMap['open']>().toEqualTypeOf<{ protocol: string; reconnected: boolean; downtimeMs: number }>();
    expectTypeOf<ConnectionEventMap['message']>().toEqualTypeOf<unknown>();
    expectTypeOf<ConnectionEventMap['close']>().toEqualTypeOf<CloseInfo>();
    expectTypeOf<ConnectionEventMap['error']>().toEqualTypeOf<{ message: string; error?: unknown }>();
    expectTypeOf<ConnectionEventMap['retry']>().toEqualTypeOf<{ attempt: number; delayMs: number }>();
    expectTypeOf<ConnectionEventMap['gaveUp']>().toEqualTypeOf<{ reason: GaveUpReason; close: CloseInfo | null; retries: number }>();
    expectTypeOf<ConnectionEventMap['dropped']>().toEqualTypeOf<{ data: OutgoingData; reason: DropReason; error?: unknown }>();
  });

  it('EVENT_NAMES lists every event of ConnectionEventMap once, and nothing else', () => {
    expectTypeOf<(typeof EVENT_NAMES)[number]>().toEqualTypeOf<keyof ConnectionEventMap>();
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
    expect([...EVENT_NAMES].sort()).toEqual(['close', 'dropped', 'error', 'gaveUp', 'message', 'open', 'retry', 'status']);
  });
});
