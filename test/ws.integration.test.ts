/**
 * The data path over a real socket (the `ws` client against the fault server, no fault): what the
 * fault scenarios (faults.*.test.ts) do not cover — binary frames as the chosen binaryType, order
 * across the queue and the direct path, and the close code the server sees.
 */
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createConnection } from '../src/index.js';
import { startFaultServer } from './support/fault-server.js';
import { waitFor } from './support/wait-for.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('echoes text and binary in order (binary as ArrayBuffer) and closes with the code the server sees', async () => {
  const server = await startFaultServer();
  cleanups.push(() => server.close());
  const conn = createConnection({ url: server.url, WebSocket: WebSocket as never });
  cleanups.push(() => conn.stop());
  const received: unknown[] = [];
  conn.on('message', (m) => received.push(m));
  conn.send('queued before open');
  await waitFor(() => conn.status === 'open', 3000, 'open');
  conn.send('hello');
  conn.send(new Uint8Array([1, 2, 3]));
  await waitFor(() => received.length === 3, 3000, 'three echoes');
  expect(received.slice(0, 2)).toEqual(['queued before open', 'hello']);
  expect(received[2]).toBeInstanceOf(ArrayBuffer);
  expect([...new Uint8Array(received[2] as ArrayBuffer)]).toEqual([1, 2, 3]);
  conn.close(4000, 'done');
  await waitFor(() => conn.status === 'manuallyClosed', 3000, 'manuallyClosed');
  await waitFor(() => server.connections[0]!.closeCode !== undefined, 3000, 'server-side close');
  expect(server.connections[0]!.closeCode).toBe(4000);
  expect(server.connections[0]!.closeReason).toBe('done');
});
