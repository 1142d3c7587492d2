/**
 * The README's examples (Quick start, Handshake and resync, The browser's world, Embedding the
 * machine, the WebSocket-compatible class), run as written: the fenced code is read from README.md
 * at test time, only the URL is replaced by a local `ws` echo server's on 127.0.0.1, and it runs in
 * a child `node --import tsx` process where `xstate-websocket` resolves to src/ through tsconfig
 * `paths`. Each must print what it promises and exit by itself.
 * The "Testing your app's reconnect handling" example is a vitest file: the README must show
 * examples/testing/reconnect.test.ts exactly, and `npm test` runs that file.
 */
import { spawn } from 'node:child_process';
import { readmeExample, withUrl } from './support/readme.js';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/wait-for.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Inside the checkout (git-ignored), so `ws` and the tsconfig `paths` resolve as for examples/.
const WORK_DIR = fileURLToPath(new URL('../test-output/readme-examples/', import.meta.url));
const EXIT_WITHIN_MS = 15_000; // tsx start-up on a busy 2-core machine included

interface Run {
  readonly stdout: string[];
  readonly stderr: string;
  readonly code: number | null;
  readonly exitedByItself: boolean;
}

/** Runs `code` as a module in a child process; kills it if it has not exited in time. */
async function run(name: string, code: string): Promise<Run> {
  const file = `${WORK_DIR}${name}.ts`;
  await writeFile(file, code);
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exitedByItself = true;
  const timer = setTimeout(() => {
    exitedByItself = false;
    child.kill('SIGKILL');
  }, EXIT_WITHIN_MS);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { stdout: stdout.split('\n').filter((line) => line !== ''), stderr, code: exitCode, exitedByItself };
}

function authOf(text: string): { token: unknown } | null {
  try {
    const message = JSON.parse(text) as { type?: unknown; token?: unknown };
    return message?.type === 'auth' ? { token: message.token } : null;
  } catch {
    return null;
  }
}

let server: WebSocketServer;
let url: string;
const closeCodes: number[] = [];
/** Every message the server received, as text, in order. */
const received: string[] = [];

beforeAll(async () => {
  await mkdir(WORK_DIR, { recursive: true });
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    // Echoes, but answers an auth message (the handshake example) with ready for the token 'secret', else denied.
    socket.on('message', (data, isBinary) => {
      received.push(String(data));
      const auth = authOf(String(data));
      if (auth) socket.send(JSON.stringify({ type: auth.token === 'secret' ? 'ready' : 'denied' }));
      else socket.send(data, { binary: isBinary });
    });
    socket.on('close', (code) => closeCodes.push(code));
  });
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/readme`;
});

afterAll(async () => {
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => server?.close(resolve));
  await rm(WORK_DIR, { recursive: true, force: true });
});

/**
 * Runs the example of README section `heading` (its URL `readmeUrl` replaced by the local server's),
 * after clearing what the server recorded; it must exit by itself, cleanly. Returns its output lines.
 */
async function runExample(name: string, heading: string, readmeUrl: string): Promise<string[]> {
  const code = withUrl(await readmeExample(heading), readmeUrl, url);
  closeCodes.length = 0;
  received.length = 0;
  const result = await run(name, code);
  expect(result.exitedByItself, `exited within ${EXIT_WITHIN_MS} ms; output: ${result.stdout.join(' | ')}`).toBe(true);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** The server may hear the close a moment after the client process has exited (a loaded machine). */
const closeAtServer = () => waitFor(() => closeCodes.length > 0, 2000, 'the close at the server');

describe('README examples, run as written against a local echo server', () => {
  it('Quick start: sends, prints the echo and the statuses, closes, and the process exits by itself', async () => {
    expect(await runExample('quick-start', 'Quick start', 'ws://localhost:8080/chat')).toEqual([
      'status connecting',
      'status open',
      'message hi',
      'status closing',
      'status manuallyClosed',
    ]);
    await closeAtServer();
    expect(closeCodes).toEqual([1000]);
  });

  it('Handshake and resync: the hello first, the queued join only after ready, the echo, and the process exits by itself', async () => {
    expect(await runExample('handshake', 'Handshake and resync', 'ws://localhost:8080/live')).toEqual([
      'status connecting',
      'open, reconnected: false',
      'status open',
      'message {"type":"join","room":"lobby"}',
      'status closing',
      'status manuallyClosed',
    ]);
    expect(received).toEqual(['{"type":"auth","token":"secret"}', '{"type":"join","room":"lobby"}']);
    await closeAtServer();
    expect(closeCodes).toEqual([1000]);
  });

  it("Testing your app's reconnect handling: the README shows examples/testing/reconnect.test.ts as it is, which npm test runs", async () => {
    const example = await readFile(new URL('../examples/testing/reconnect.test.ts', import.meta.url), 'utf8');
    expect(await readmeExample("Testing your app's reconnect handling")).toBe(example);
  });

  it('WebSocket-compatible class: open, the echo, close() in onmessage gives a 1000 close and readyState CLOSED, and the process exits by itself', async () => {
    const heading = 'WebSocket-compatible class (`xstate-websocket/websocket`)';
    expect(await runExample('websocket-class', heading, 'ws://localhost:8080/chat')).toEqual(['open, readyState 1', 'message hi', 'close 1000 readyState 3']);
    expect(received).toEqual(['hi']);
    await closeAtServer();
    expect(closeCodes).toEqual([1000]);
  });

  it("The browser's world: an injected environment says offline (socket closed, waiting, no retry) then online (one attempt, open), and the process exits by itself", async () => {
    const heading = "The browser's world: offline, hidden tabs, back/forward cache, sleep";
    expect(await runExample('environment', heading, 'ws://localhost:8080/live')).toEqual([
      'status connecting: connect requested',
      'status open: socket opened',
      'status closing: network offline',
      'status backoff: waiting for network',
      'status connecting: network online',
      'status open: socket opened',
      'status closing: close requested',
      'status manuallyClosed: socket closed',
    ]);
    await waitFor(() => closeCodes.length === 2, 2000, 'both closes at the server');
    expect(closeCodes).toEqual([1000, 1000]);
  });

  it('Embedding the machine: the invoked child connects, gets the echo, the actor stops, and the process exits by itself', async () => {
    expect(await runExample('embedding', 'Embedding the machine', 'wss://example.com/live')).toEqual(['connecting', 'open', 'message hello']);
    await closeAtServer();
    expect(closeCodes).toHaveLength(1);
  });
});
