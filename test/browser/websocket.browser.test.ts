/**
 * `xstate-websocket/websocket` as built (dist/websocket.js) in headless Chromium, on the browser's
 * own WebSocket, Event, MessageEvent and CloseEvent, against the fault server on 127.0.0.1.
 */
import { expect, it } from 'vitest';
import { usePreparedPage } from '../support/browser-page.js';
import { startFaultServer } from '../support/fault-server.js';
import { waitFor } from '../support/wait-for.js';

const page = usePreparedPage();

type PageWindow = { log: string[]; rws: { close(): void; readyState: number } };
const log = () => page().evaluate(() => (window as unknown as PageWindow).log);

it('runs WebSocket code in Chromium: native MessageEvent and CloseEvent, a reconnect after a kill, readyState CONNECTING in onclose, CLOSED after close()', async () => {
  const server = await startFaultServer();
  try {
    await page().evaluate(async (url) => {
      // A string import, so the bundler of this test file leaves it to the page (dist/ as shipped).
      const { ReconnectingWebSocket } = (await (0, eval)("import('/dist/websocket.js')")) as typeof import('../../src/websocket.js');
      const w = window as unknown as PageWindow;
      w.log = [];
      const ws = new ReconnectingWebSocket(url, [], { minReconnectionDelay: 50, maxReconnectionDelay: 100 });
      w.rws = ws;
      ws.onopen = () => w.log.push(`open ${ws.readyState}`);
      ws.onmessage = (event) => w.log.push(`message ${event.data} ${event instanceof MessageEvent}`);
      ws.onclose = (event) => w.log.push(`close ${event.code} ${event instanceof CloseEvent} ${ws.readyState}`);
      ws.send('hi');
    }, server.url);
    await waitFor(async () => (await log()).length === 2, 5000, 'open and the echo');
    await server.killAll();
    await waitFor(async () => (await log()).length === 4, 5000, 'the close and the reconnect');
    await page().evaluate(() => (window as unknown as PageWindow).rws.close());
    await waitFor(async () => (await log()).length === 5, 5000, 'the final close');
    expect(await log()).toEqual(['open 1', 'message hi true', 'close 1006 true 0', 'open 1', 'close 1000 true 3']);
    expect(server.upgrades).toBe(2);
    expect(server.peakOpen).toBe(1);
  } finally {
    await server.close();
  }
});
