/** Runs instrumented clients in this Node process, with a given WebSocket constructor. */
import { createConnection } from '../../src/index.js';
import type { ClientImplementation, RemoteClient } from './fault-scenarios.js';
import { CLIENT_METHODS, createInstrumentedClient, type InstrumentedClient } from './instrumented-client.js';

type WebSocketConstructor = new (url: string, protocols?: string | string[]) => object;

export function localImplementation(WebSocket: WebSocketConstructor): ClientImplementation {
  const clients: InstrumentedClient[] = [];
  const uncaught: string[] = [];
  // Recorded so a scenario can assert it; vitest reports (and fails on) these as well.
  process.on('uncaughtException', (error) => uncaught.push(String(error?.stack ?? error)));
  return {
    async open(spec) {
      const client = createInstrumentedClient(createConnection, WebSocket, spec);
      clients.push(client);
      const call =
        (method: string) =>
        async (...args: unknown[]) =>
          (client[method as 'send'] as (...a: unknown[]) => unknown)(...args);
      const remote: RemoteClient = {
        ...(Object.fromEntries(CLIENT_METHODS.map((m) => [m, call(m)])) as Omit<RemoteClient, 'dispatchNetwork'>),
        dispatchNetwork: async () => {
          throw new Error('no window in Node');
        },
      };
      return remote;
    },
    async takeUncaught() {
      return uncaught.splice(0);
    },
    async stopAll() {
      for (const client of clients.splice(0)) client.stop();
    },
  };
}
