/**
 * The browser's world in headless Chromium: the built package's default environment
 * (browserEnvironment) hears the browser go offline (playwright's `context.setOffline`) and a page
 * become hidden, and the fault server counts what reached it.
 *
 * What `context.setOffline(true)` does to loopback WebSockets in this Chromium (checked by the first
 * test): new WebSockets to 127.0.0.1 fail at once (error, close 1006) without reaching the server; an
 * open one is not closed (readyState stays OPEN, no close event) but its traffic stops. So going
 * offline is a real cut here, and no link needs cutting at the proxy as well.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPageServer, type PageServer } from '../support/browser-page.js';
import { launchChromium } from '../support/chromium.js';
import { startFaultServer, type FaultServer } from '../support/fault-server.js';
import { sleep, waitFor } from '../support/wait-for.js';

interface Observed {
  status: string;
  reason: string;
  statuses: string[];
  retries: number;
  opens: boolean[];
}

type PageWindow = {
  xsw: typeof import('../../src/index.js');
  conn?: import('../../src/index.js').Connection;
  observed: Observed;
};

let browser: Browser;
let pages: PageServer;
let server: FaultServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchChromium(), startPageServer()]);
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
});
beforeEach(async () => {
  server = await startFaultServer();
  context = await browser.newContext();
  page = await context.newPage();
  await page.goto(pages.url);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
});
afterEach(async () => {
  await page.evaluate(() => (window as unknown as PageWindow).conn?.stop()).catch(() => {});
  await context?.close();
  await server?.close();
});

/** A connection in the page with the default environment, recording what the app sees. */
async function connectInPage(options: { pauseWhenHidden?: boolean } = {}) {
  await page.evaluate(
    ([url, options]) => {
      const w = window as unknown as PageWindow;
      const conn = w.xsw.createConnection({
        url,
        backoff: { initialDelayMs: 50, maxDelayMs: 100, factor: 2, jitter: 0 },
        maxRetries: 5,
        ...options,
      });
      w.conn = conn;
      w.observed = { status: conn.status, reason: '', statuses: [], retries: 0, opens: [] };
      const read = () => Object.assign(w.observed, { status: conn.status, reason: conn.actor.getSnapshot().context.reason });
      conn.actor.subscribe(read);
      conn.on('status', (s) => w.observed.statuses.push(s));
      conn.on('retry', () => w.observed.retries++);
      conn.on('open', (o) => w.observed.opens.push(o.reconnected));
    },
    [server.url, options] as const,
  );
  await until((o) => o.status === 'open', 'open');
}

const observed = () => page.evaluate(() => ({ ...(window as unknown as PageWindow).observed }));

async function until(predicate: (o: Observed) => boolean, what: string): Promise<Observed> {
  let last: Observed | undefined;
  await waitFor(async () => predicate((last = await observed())), 5_000, what, 20);
  return last!;
}

describe('offline and online in Chromium (context.setOffline)', () => {
  it('setOffline(true) cuts loopback: a new WebSocket fails without reaching the server, an open one goes silent', async () => {
    await page.evaluate((url) => {
      const w = window as unknown as { raw: WebSocket; rawLog: string[] };
      w.rawLog = [];
      w.raw = new WebSocket(url);
      w.raw.onopen = () => w.rawLog.push('open');
      w.raw.onmessage = (e) => w.rawLog.push(`message ${e.data}`);
      w.raw.onclose = (e) => w.rawLog.push(`close ${e.code}`);
    }, server.url);
    await waitFor(() => page.evaluate(() => (window as unknown as { rawLog: string[] }).rawLog.includes('open')), 3_000, 'raw open');
    await context.setOffline(true);
    server.resetCounters();
    await page.evaluate((url) => {
      const w = window as unknown as { raw: WebSocket; fresh: string[] };
      w.raw.send('echo me');
      w.fresh = [];
      const fresh = new WebSocket(url);
      fresh.onopen = () => w.fresh.push('open');
      fresh.onerror = () => w.fresh.push('error');
      fresh.onclose = (e) => w.fresh.push(`close ${e.code}`);
    }, server.url);
    await waitFor(() => page.evaluate(() => (window as unknown as { fresh: string[] }).fresh.length === 2), 3_000, 'the new socket fails');
    await sleep(300);
    const seen = await page.evaluate(() => {
      const w = window as unknown as { raw: WebSocket; rawLog: string[]; fresh: string[] };
      return { rawLog: w.rawLog, rawState: w.raw.readyState, fresh: w.fresh, onLine: navigator.onLine };
    });
    expect(seen).toEqual({ rawLog: ['open'], rawState: 1, fresh: ['error', 'close 1006'], onLine: false });
    expect(server.attempts).toBe(0);
    await context.setOffline(false);
    await page.evaluate(() => (window as unknown as { raw: WebSocket }).raw.close());
  });

  it('offline: status backoff "waiting for network", no attempt at the server for many retry delays; online: exactly one attempt at once, no retry spent', async () => {
    await connectInPage();
    expect(server.upgrades).toBe(1);
    server.resetCounters();
    await context.setOffline(true);
    const waiting = await until((o) => o.status === 'backoff', 'backoff after offline');
    expect(waiting.reason).toMatch(/^waiting for network/);
    // 20 retry delays of 50–100 ms: a client that kept retrying would have spent its budget.
    await sleep(1_500);
    expect(server.attempts).toBe(0);
    const still = await observed();
    expect(still.status).toBe('backoff');
    expect(still.retries).toBe(0);
    await context.setOffline(false);
    const back = await until((o) => o.status === 'open', 'open after online');
    expect(server.attempts).toBe(1);
    expect(server.upgrades).toBe(1);
    expect(back.retries).toBe(0);
    expect(back.statuses).toEqual(['connecting', 'open', 'closing', 'backoff', 'connecting', 'open']);
    expect(back.opens).toEqual([false, true]);
  });
});

describe('a hidden page in Chromium (visibilityState overridden, visibilitychange dispatched)', () => {
  const setVisibility = (state: 'hidden' | 'visible') =>
    page.evaluate((state) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);

  it('with pauseWhenHidden, a drop while hidden makes no attempt until visible, then exactly one', async () => {
    await connectInPage({ pauseWhenHidden: true });
    await setVisibility('hidden');
    server.resetCounters();
    await server.killAll();
    const paused = await until((o) => o.reason.startsWith('paused while hidden'), 'paused while hidden');
    expect(paused.status).toBe('backoff');
    await sleep(1_000);
    expect(server.attempts).toBe(0);
    await setVisibility('visible');
    await until((o) => o.status === 'open', 'open after visible');
    expect(server.attempts).toBe(1);
  });

  it('without pauseWhenHidden (the default), a hidden page reconnects on its own', async () => {
    await connectInPage();
    await setVisibility('hidden');
    server.resetCounters();
    await server.killAll();
    const back = await until((o) => o.status === 'open' && o.opens.length === 2, 'open again while hidden');
    expect(back.retries).toBe(1);
    expect(server.upgrades).toBe(1);
  });
});
