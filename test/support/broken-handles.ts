/**
 * Deliberately broken variants of the `createConnection` handle, each undoing one fix of issues 9
 * and 12 the way a plausible edit would, through the handle's internal policies (`HandlePolicies`).
 * The handle properties must catch every one (test/broken-handles.test.ts).
 */
import type { SocketActorDeps } from '../../src/connection.deps.js';
import { SHIPPED_POLICIES } from '../../src/create-connection.js';
import type { WebSocketConstructor, WebSocketLike } from '../../src/websocket.types.js';
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

/**
 * Invariant 16 (socket.io-client #305): the send path is handed over when the socket opens, as
 * without a handshake, so the queue flushes before the server said ready. The adapter's deps get a
 * WebSocket that, on 'open', gives the handle a transport straight to the socket.
 */
export const flushesBeforeReady: HandleUnderTest = {
  name: 'flushes the queue when the socket opens, before the server said ready',
  policies: {
    ...SHIPPED_POLICIES,
    deps(deps: SocketActorDeps): SocketActorDeps {
      const Base = deps.WebSocket as unknown as new (...args: unknown[]) => WebSocketLike;
      class EagerWebSocket extends Base {
        constructor(...args: unknown[]) {
          super(...args);
          this.addEventListener('open', () => {
            deps.onTransport?.({ send: (data) => (this.readyState === 1 ? (this.send(data as never), true) : false) });
          });
        }
      }
      // The rest (hooks on HostDeps's prototype included) through the prototype chain.
      return Object.assign(Object.create(deps) as SocketActorDeps, { WebSocket: EagerWebSocket as unknown as WebSocketConstructor });
    },
  },
};

/** Invariant 15 (codec part): a `parse` that throws falls back to the raw data, delivered and unreported. */
export const deliversUnparsed: HandleUnderTest = {
  name: 'delivers the raw data of a message codec.parse threw on',
  policies: {
    ...SHIPPED_POLICIES,
    codec: (codec) =>
      codec && {
        ...codec,
        parse(data: unknown) {
          try {
            return codec.parse(data);
          } catch {
            return data;
          }
        },
      },
  },
};

/** Invariant 20: stop() forgets the environment, so a stopped connection stays reachable from `window` and hears it. */
export const keepsListening: HandleUnderTest = {
  name: 'stop() leaves the environment listener in place',
  policies: {
    ...SHIPPED_POLICIES,
    environment: (environment) =>
      environment && {
        ...environment,
        listen(signal) {
          environment.listen(signal);
          return () => {};
        },
      },
  },
};

/** Every broken handle, with the invariant it breaks (and the runs that can show it). */
export const BROKEN_HANDLES = [
  { handle: autoConnectIgnoresCalls, breaks: 9, fixed: {} },
  { handle: refusedMessageStalls, breaks: 7, fixed: {} },
  { handle: flushesBeforeReady, breaks: 16, fixed: { handshake: { timeoutMs: 1_500 } } },
  { handle: deliversUnparsed, breaks: 15, fixed: { codec: true } },
  { handle: keepsListening, breaks: 20, fixed: {} },
] as const;
