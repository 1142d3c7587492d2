/**
 * The fault scenarios with Node's built-in WebSocket (undici). Node 20 needs
 * `--experimental-websocket`: the `node-websocket` project in vitest.config.ts passes it.
 */
import { describeFaultScenarios } from './support/fault-scenarios.js';
import { localImplementation } from './support/local-client.js';

const BuiltIn = (globalThis as { WebSocket?: new (url: string, protocols?: string | string[]) => object }).WebSocket;
if (typeof BuiltIn !== 'function') {
  throw new Error("Node's built-in WebSocket is missing: run with --experimental-websocket (vitest project 'node-websocket').");
}
const impl = localImplementation(BuiltIn);

describeFaultScenarios(
  {
    name: "Node's built-in WebSocket",
    seesUpgradeStatus: false,
    canTerminate: false,
    closeWhileConnectingStaysClosing: true,
    hasWindowEvents: false,
    inProcess: true,
    childProcess: {
      nodeArgs: ['--experimental-websocket', '--disable-warning=ExperimentalWarning', '--import', 'tsx'],
      implementation: 'global',
    },
  },
  () => impl,
);
