/**
 * The demo page of `npm run demo` in headless Chromium: the built package, the chat server with
 * its fault endpoints, and the page's diagram and event log following a killed connection.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatServer } from '../chat-server.js';
import { startDemoServer } from '../demo-server.js';
import { launchChromium } from '../../../test/support/chromium.js';

const OUTPUT_DIR = new URL('../../../test-output/', import.meta.url);

let browser: Browser;
let server: ChatServer;
let page: Page;
const pageErrors: string[] = [];

/**
 * Records which diagram node carries the `current` class, and which arrow the `taken` class, after
 * every DOM change, so the test sees each highlight the page showed, however briefly.
 */
function watchHighlight() {
  const trail: string[] = [];
  const arrows: string[] = [];
  (window as unknown as { highlightTrail: string[] }).highlightTrail = trail;
  (window as unknown as { arrowTrail: string[] }).arrowTrail = arrows;
  new MutationObserver(() => {
    const current = document.querySelector('#diagram .node.current')?.getAttribute('data-status');
    if (current && trail.at(-1) !== current) trail.push(current);
    const taken = document.querySelector('#diagram .edge.taken');
    const arrow = taken && `${taken.getAttribute('data-from')}->${taken.getAttribute('data-to')}`;
    if (arrow && arrows.at(-1) !== arrow) arrows.push(arrow);
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
}

const trail = () => page.evaluate(() => (window as unknown as { highlightTrail: string[] }).highlightTrail);
const arrowTrail = () => page.evaluate(() => (window as unknown as { arrowTrail: string[] }).arrowTrail);
const highlighted = () => page.locator('#diagram .node.current').getAttribute('data-status');
/** The event log, oldest first, as `kind text` lines. */
const eventLog = () =>
  page.$$eval('#log li', (items) => items.map((li) => `${(li as HTMLElement).dataset.kind} ${(li as HTMLElement).dataset.text}`).reverse());

beforeAll(async () => {
  await mkdir(OUTPUT_DIR, { recursive: true });
  [browser, server] = await Promise.all([launchChromium(), startDemoServer({ port: 0 })]);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.addInitScript(watchHighlight);
  await page.goto(`${server.url}/?user=alice`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the demo page', () => {
  it('draws the statechart from connectionMachine and follows a killed connection back to open', async () => {
    await expect.poll(highlighted, { timeout: 10_000 }).toBe('open');
    // all seven statuses, and arrows read from the machine's transitions
    expect(await page.locator('#diagram .node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-status')))).toEqual([
      'idle', 'connecting', 'open', 'closing', 'backoff', 'gaveUp', 'manuallyClosed',
    ]);
    const edges = await page.locator('#diagram .edge').evaluateAll((es) => es.map((e) => `${e.getAttribute('data-from')}->${e.getAttribute('data-to')}`));
    expect(edges).toEqual(
      expect.arrayContaining([
        'connecting->open', 'open->backoff', 'backoff->connecting', 'open->closing', 'closing->manuallyClosed',
        'closing->backoff', 'closing->gaveUp', 'gaveUp->connecting',
      ]),
    );
    expect(edges).not.toContain('open->open');
    expect(server.stats().connections).toBe(1);

    await page.click('#fault-kill');
    await expect.poll(highlighted, { timeout: 5000 }).toBe('backoff');
    await expect.poll(() => page.locator('#countdown-text').textContent()).toMatch(/^retry 1 in \d\.\d s$/);
    await page.screenshot({ path: new URL('demo-backoff.png', OUTPUT_DIR).pathname });
    await expect.poll(highlighted, { timeout: 10_000 }).toBe('open');

    expect((await trail()).slice(-5)).toEqual(['connecting', 'open', 'backoff', 'connecting', 'open']);
    const log = await eventLog();
    // (a browser may or may not report an `error` before an abnormal close: not asserted on)
    const after = log.slice(log.indexOf('fault kill')).filter((line) => !line.startsWith('error '));
    expect(after).toEqual([
      'fault kill',
      'close 1006',
      expect.stringMatching(/^retry attempt 1 in \d+ ms$/),
      'status open → backoff',
      'status backoff → connecting',
      'handshake hello sent, waiting for ready',
      'open socket open',
      'resync resubscribed to lobby',
      'status connecting → open',
    ]);
    expect(log.slice(0, log.indexOf('fault kill'))).toEqual(
      expect.arrayContaining(['status idle → connecting', 'handshake hello sent, waiting for ready', 'open socket open', 'status connecting → open']),
    );
    expect(log.slice(0, log.indexOf('fault kill'))).not.toContain('resync resubscribed to lobby'); // the first open is no reconnect
    expect(await page.locator('#countdown').isHidden()).toBe(true);

    // chat still works on the new socket
    await page.fill('#text', 'back after the kill');
    await page.press('#text', 'Enter');
    await expect.poll(() => page.locator('#messages').textContent()).toContain('alice: back after the kill');
    await page.screenshot({ path: new URL('demo.png', OUTPUT_DIR).pathname });
    expect(pageErrors).toEqual([]);
  });

  it('lights up open → closing → backoff when the heartbeat declares a half-open connection dead', async () => {
    await expect.poll(highlighted, { timeout: 10_000 }).toBe('open');
    await page.click('#fault-half-open');
    await expect.poll(highlighted, { timeout: 10_000 }).toBe('backoff');
    expect((await trail()).slice(-3)).toEqual(['open', 'closing', 'backoff']);
    expect((await arrowTrail()).slice(-2)).toEqual(['open->closing', 'closing->backoff']);
    await page.click('#fault-heal');
    await expect.poll(highlighted, { timeout: 10_000 }).toBe('open');
    expect((await arrowTrail()).slice(-2)).toEqual(['backoff->connecting', 'connecting->open']);
    expect(pageErrors).toEqual([]);
  });

  it('gives up on a 1008 rejection and comes back with Heal and Reconnect', async () => {
    await page.click('#fault-reject');
    await expect.poll(highlighted, { timeout: 5000 }).toBe('gaveUp');
    expect(await eventLog()).toContain('gaveUp close-code 1008');
    await page.click('#fault-heal');
    await expect.poll(() => server.stats().faults.active.length).toBe(0);
    await page.click('#btn-reconnect');
    await expect.poll(highlighted, { timeout: 5000 }).toBe('open');
    expect((await trail()).slice(-3)).toEqual(['gaveUp', 'connecting', 'open']);
    await page.click('#btn-close');
    await expect.poll(highlighted, { timeout: 5000 }).toBe('manuallyClosed');
    expect(pageErrors).toEqual([]);
  });

  it('shows the handshake, and gives up when the server denies the hello: 4403 with the server\'s reason', async () => {
    await page.fill('#token', 'wrong-token');
    await page.click('#btn-reconnect');
    await expect.poll(highlighted, { timeout: 5000 }).toBe('gaveUp');
    const log = await eventLog();
    const after = log.slice(log.lastIndexOf('action conn.reconnect()'));
    expect(after).toEqual(
      expect.arrayContaining(['handshake hello sent, waiting for ready', 'status connecting → closing', 'gaveUp handshake-rejected']),
    );
    const why = await page.$$eval('#log li', (items) => items.map((li) => li.textContent ?? ''));
    expect(why.find((line) => line.includes('connecting → closing'))).toContain('sends close 4403 unauthorized');
    expect(why.find((line) => line.includes('gaveUp handshake-rejected'))).toContain('server said: unauthorized');
    expect(server.stats().connections).toBe(0);

    await page.fill('#token', 'demo-token');
    await page.click('#btn-reconnect');
    await expect.poll(highlighted, { timeout: 5000 }).toBe('open');
    expect(pageErrors).toEqual([]);
  });
  it('Go offline: the socket closes, the log says waiting for network, and online comes back to open with no retry spent', async () => {
    await expect.poll(highlighted, { timeout: 10_000 }).toBe('open');
    const before = (await eventLog()).length;
    const attemptsBefore = server.stats().attempts;
    await page.click('#fault-offline');
    await expect.poll(highlighted, { timeout: 5000 }).toBe('backoff');
    const why = await page.$$eval('#log li', (items) => items.map((li) => li.textContent ?? ''));
    expect(why.find((line) => line.includes('closing → backoff'))).toContain('waiting for network');
    expect(why.find((line) => line.includes('open → closing'))).toContain('sends close 1000 network offline');
    // During the 5 s outage the page makes no attempt: offline spends nothing.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(server.stats().attempts).toBe(attemptsBefore);
    expect(await highlighted()).toBe('backoff');
    await expect.poll(highlighted, { timeout: 10_000 }).toBe('open');
    expect(server.stats().attempts).toBe(attemptsBefore + 1);
    const log = await eventLog();
    const after = log.slice(log.length - (log.length - before)).filter((line) => !line.startsWith('error '));
    expect(after.filter((line) => line.startsWith('retry '))).toEqual([]);
    expect(after).toEqual([
      'fault offline',
      "action window 'offline' dispatched",
      'status open → closing',
      expect.stringMatching(/^close 1000 network offline$|^close 1006$/),
      'status closing → backoff',
      "action window 'online' dispatched",
      'status backoff → connecting',
      'handshake hello sent, waiting for ready',
      'open socket open',
      'resync resubscribed to lobby',
      'status connecting → open',
    ]);
    expect((await trail()).slice(-5)).toEqual(['open', 'closing', 'backoff', 'connecting', 'open']);
    expect(pageErrors).toEqual([]);
  });
});
