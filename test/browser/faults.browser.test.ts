/**
 * The fault scenarios in headless Chromium: the built package and the browser's WebSocket in a
 * page on 127.0.0.1, against the same fault server, controlled from this process.
 */
import { browserImplementation } from '../support/browser-client.js';
import { usePreparedPage } from '../support/browser-page.js';
import { describeFaultScenarios } from '../support/fault-scenarios.js';

const page = usePreparedPage();

const impl = browserImplementation(page);

describeFaultScenarios(
  {
    name: 'Chromium',
    seesUpgradeStatus: false,
    canTerminate: false,
    closeWhileConnectingStaysClosing: false,
    hasWindowEvents: true,
    inProcess: false,
    childProcess: null,
  },
  () => impl,
);
