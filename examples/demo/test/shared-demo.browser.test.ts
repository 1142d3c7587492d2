/**
 * The shared-connection demo page (`/shared.html` of `npm run demo`) in headless Chromium: two
 * pages of one browser context share one socket to the chat server; the first leads, the second
 * follows; a chat sent from the follower shows in both; closing the leader page hands over live.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChatServer } from '../chat-server.js';
import { startDemoServer } from '../demo-server.js';
import { launchChromium } from '../../../test/support/chromium.js';

let browser: Browser;
let server: ChatServer;
let context: BrowserContext;
const pageErrors: string[] = [];

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startDemoServer({ port: 0 })]);
  context = await browser.newContext();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openTab(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/shared.html`);
  return page;
}
const role = (page: Page) => page.locator('#role-badge').textContent();
const status = (page: Page) => page.locator('#status-badge').textContent();
const chat = (page: Page) => page.locator('#messages li').allTextContents();

it('two tabs: one leads, one follows, one connection at the server; closing the leader hands over live', async () => {
  const first = await openTab();
  await expect.poll(() => status(first), { timeout: 10_000 }).toBe('open');
  expect(await role(first)).toBe('leader');
  const second = await openTab();
  await expect.poll(() => role(second), { timeout: 10_000 }).toBe('follower');
  expect(await status(second)).toBe('open');
  expect(server.stats().connections).toBe(1);

  await second.fill('#text', 'hello from the follower');
  await second.click('#composer button');
  for (const page of [first, second]) {
    await expect.poll(async () => (await chat(page)).some((line) => line.endsWith(': hello from the follower')), { timeout: 5000 }).toBe(true);
  }

  await first.close();
  await expect.poll(() => role(second), { timeout: 10_000 }).toBe('leader');
  await expect.poll(() => status(second), { timeout: 10_000 }).toBe('open');
  await expect.poll(() => server.stats().connections, { timeout: 5000 }).toBe(1);
  const log = await second.$$eval('#log li', (items) => items.map((li) => `${(li as HTMLElement).dataset.kind} ${(li as HTMLElement).dataset.text}`).reverse());
  expect(log).toEqual(expect.arrayContaining(['role follower', 'role this tab leads: it holds the lock and runs the socket', 'open reconnected']));
  expect(pageErrors).toEqual([]);
});
