/**
 * The fault scenarios in headless Chromium: the built package and the browser's WebSocket in a
 * page on 127.0.0.1, against the same fault server, controlled from this process.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { browserImplementation } from '../support/browser-client.js';
import { startPageServer, type PageServer } from '../support/browser-page.js';
import { launchChromium } from '../support/chromium.js';
import { describeFaultScenarios } from '../support/fault-scenarios.js';

let browser: Browser;
let pages: PageServer;
let page: Page;

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchChromium(), startPageServer()]);
  page = await browser.newPage();
  await page.goto(pages.url);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
});

const impl = browserImplementation(() => page);

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
