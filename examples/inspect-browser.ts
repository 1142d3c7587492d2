/**
 * Watch a connection live in the Stately inspector from a browser app. Bundle it with your app;
 * the inspector opens in a new tab (allow pop-ups), so it needs the internet.
 * Type-checked by `npm run typecheck`, not run by the tests.
 */
import { createBrowserInspector } from '@statelyai/inspect';
import { createConnection } from 'xstate-websocket';

const inspector = createBrowserInspector(); // opens https://stately.ai/inspect

const conn = createConnection({ url: 'wss://example.com/live', inspect: inspector.inspect });
conn.on('status', (status) => {
  document.title = `live: ${status}`;
});
