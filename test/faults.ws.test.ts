/** The fault scenarios with the `ws` package as the client's WebSocket. */
import WebSocket from 'ws';
import { describeFaultScenarios } from './support/fault-scenarios.js';
import { localImplementation } from './support/local-client.js';

const impl = localImplementation(WebSocket);

describeFaultScenarios(
  {
    name: 'ws',
    seesUpgradeStatus: true,
    canTerminate: true,
    closeWhileConnectingStaysClosing: false,
    hasWindowEvents: false,
    inProcess: true,
    childProcess: { nodeArgs: ['--import', 'tsx'], implementation: 'ws' },
  },
  () => impl,
);
