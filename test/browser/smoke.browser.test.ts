/** The built ESM bundle in headless Chromium, against a real `ws` server on 127.0.0.1. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { startPageServer, type PageServer } from '../support/browser-page.js';
import { startEchoServer, type EchoServer } from '../support/ws-server.js';
import { waitFor } from '../support/wait-for.js';

let browser: Browser;
let pages: PageServer;
let page: Page;
let echo: EchoServer;

beforeAll(async () => {
  [browser, pages, echo] = await Promise.all([launchChromium(), startPageServer(), startEchoServer()]);
  page = await browser.newPage();
  await page.goto(pages.url);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([pages?.close(), echo?.close()]);
});

describe('in Chromium, with the browser WebSocket', () => {
  it('opens, echoes, reconnects after a server kill and closes', async () => {
    await page.evaluate((url) => {
      const { createConnection } = (window as never as { xsw: typeof import('../../src/index.js') }).xsw;
      const log: unknown[] = [];
      const conn = createConnection({ url, backoff: { initialDelayMs: 20, maxDelayMs: 50 } });
      conn.on('status', (s) => log.push(s));
      conn.on('message', (m) => log.push(`message:${String(m)}`));
      conn.send('before open');
      Object.assign(window, { conn, log });
    }, echo.url);
    const log = () => page.evaluate(() => (window as never as { log: string[] }).log);
    await waitFor(() => echo.connections.length === 1);
    await expect.poll(log).toContain('message:before open');
    echo.connections[0]!.terminate();
    await waitFor(() => echo.connections.length === 2, 5000, 'reconnect');
    await expect.poll(log).toEqual(['connecting', 'open', 'message:before open', 'backoff', 'connecting', 'open']);
    expect(echo.wss.clients.size).toBe(1);
    await page.evaluate(() => (window as never as { conn: { close(): void } }).conn.close());
    await expect.poll(async () => (await log()).at(-1)).toBe('manuallyClosed');
  });
});
