/**
 * Deliberately broken variants of the `createConnection` handle, each undoing one fix of issue 9
 * the way a plausible edit would, through the handle's internal policies (`HandlePolicies`). The
 * handle properties must catch every one (test/broken-handles.test.ts).
 */
import { SHIPPED_POLICIES } from '../../src/create-connection.js';
import type { HandleUnderTest } from './model/system.js';

/** Invariant 9: the deferred auto-connect runs unless stop() was called (ignores close(), reconnect()…). */
export const autoConnectIgnoresCalls: HandleUnderTest = {
  name: 'the deferred auto-connect ignores an earlier close()',
  policies: { ...SHIPPED_POLICIES, autoConnects: ({ stopped }) => !stopped },
};

/** Invariant 7: a message the WebSocket refuses counts as "not open", so it stays first in the queue. */
export const refusedMessageStalls: HandleUnderTest = {
  name: 'a refused message stalls the queue (the transport swallows the throw)',
  policies: {
    ...SHIPPED_POLICIES,
    transport: (transport) => ({
      send(data) {
        try {
          return transport.send(data);
        } catch {
          return false;
        }
      },
    }),
  },
};

/** Every broken handle, with the invariant it breaks. */
export const BROKEN_HANDLES = [
  { handle: autoConnectIgnoresCalls, breaks: 9 },
  { handle: refusedMessageStalls, breaks: 7 },
] as const;
