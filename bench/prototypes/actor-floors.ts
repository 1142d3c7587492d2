// Throwaway measurement for issue 11's candidates 1 and 3: what one connection's xstate part
// costs, and what it would cost (a) without the invoked socket child and (b) sharing one actor
// system. Heap per instance from heapUsed after forced GC (N instances, minus the same process
// before), and µs per instance for creating them; one variant per process (argument 2 = its index).
// Run: for i in 0 1 2 3 4 5 6 7 8; do node --expose-gc --import tsx bench/prototypes/actor-floors.ts 2000 $i; done
import { createActor, createMachine, fromCallback, setup, spawnChild, type AnyActorRef } from 'xstate';
import type * as Ours from '../../src/index.js';
// The published build (run `npm run build` first): tsx would wrap src closures in `__name` and inflate them.
const { connectionMachine, resolveOptions } = (await import(new URL('../../dist/index.js', import.meta.url).href)) as typeof Ours;

const N = Number(process.argv[2] ?? 2000);
const only = Number(process.argv[3] ?? 0);
const gc = (globalThis as { gc?: () => void }).gc!;
if (!gc) throw new Error('run with --expose-gc');
const settle = async () => {
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
  }
  return process.memoryUsage().heapUsed;
};

class NullSocket {
  readyState = 0;
  addEventListener() {}
  removeEventListener() {}
  close() {}
  send() {}
}
const settings = resolveOptions({ url: 'ws://127.0.0.1:1', WebSocket: NullSocket as never, heartbeat: { intervalMs: 25_000, timeoutMs: 10_000 } }).settings;
const noSocket = connectionMachine.provide({ actors: { socket: fromCallback(() => () => {}) as never } });

// Candidate 1 as a chart: no invoked socket actor; `session` opens and releases the socket in
// entry/exit actions instead (no-ops here, as the callback child above does nothing either).
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const copy = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(copy) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) : v;
const entryExitConfig = copy(connectionMachine.config) as Json;
delete entryExitConfig.states.session.invoke;
entryExitConfig.states.session.entry = [...[entryExitConfig.states.session.entry ?? []].flat(), 'openSocket'];
entryExitConfig.states.session.exit = [...[entryExitConfig.states.session.exit ?? []].flat(), 'releaseSocket'];
const entryExit = createMachine(entryExitConfig as never, {
  ...connectionMachine.implementations,
  actions: { ...connectionMachine.implementations.actions, openSocket: () => {}, releaseSocket: () => {} },
} as never) as unknown as typeof noSocket;
const opened = { type: 'SOCKET.OPENED', protocol: '' } as const;

const trivial = setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: {} } });
const trivialWithChild = setup({ actors: { child: fromCallback(() => () => {}) } }).createMachine({
  initial: 'a',
  states: { a: { on: { GO: 'b' } }, b: { invoke: { src: 'child' } } },
});

const cases: Record<string, () => unknown> = {
  'trivial 2-state machine, started': () => createActor(trivial).start(),
  'trivial machine + invoked callback child': () => {
    const a = createActor(trivialWithChild).start();
    a.send({ type: 'GO' });
    return a;
  },
  'connectionMachine idle (no child)': () => createActor(noSocket, { input: settings }).start(),
  'connectionMachine connecting (invoked socket child, no socket)': () => {
    const a = createActor(noSocket, { input: settings }).start();
    a.send({ type: 'CONNECT' });
    return a;
  },
  'connectionMachine connecting, socket as session entry/exit actions (candidate 1)': () => {
    const a = createActor(entryExit, { input: settings }).start();
    a.send({ type: 'CONNECT' });
    return a;
  },
  'connectionMachine open (CONNECT, SOCKET.OPENED), invoked socket child': () => {
    const a = createActor(noSocket, { input: settings }).start();
    a.send({ type: 'CONNECT' });
    a.send(opened);
    return a;
  },
  'connectionMachine open (CONNECT, SOCKET.OPENED), socket as entry/exit actions (candidate 1)': () => {
    const a = createActor(entryExit, { input: settings }).start();
    a.send({ type: 'CONNECT' });
    a.send(opened);
    return a;
  },
};

const results: string[] = [];
for (const [name, make] of Object.entries(cases).filter((_, i) => i === only)) {
  for (let i = 0; i < 200; i++) (make() as AnyActorRef).stop();
  const before = await settle();
  const keep: unknown[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) keep.push(make());
  const us = ((performance.now() - t0) * 1000) / N;
  const after = await settle();
  results.push(`| ${name} | ${((after - before) / N / 1000).toFixed(2)} | ${us.toFixed(1)} |`);
  for (const a of keep) (a as AnyActorRef).stop();
}

// One shared system: a root actor spawns every connection as a child.
for (const connect of [false, true].filter((_, i) => i + 7 === only)) {
  const root = setup({
    actors: { connection: noSocket },
  }).createMachine({
    on: {
      ADD: { actions: spawnChild('connection', { id: ({ event }) => (event as unknown as { id: string }).id, input: () => settings }) },
    },
  });
  const r = createActor(root).start();
  const before = await settle();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    r.send({ type: 'ADD', id: `c${i}` } as never);
    if (connect) (r.getSnapshot().children as Record<string, AnyActorRef>)[`c${i}`]!.send({ type: 'CONNECT' });
  }
  const us = ((performance.now() - t0) * 1000) / N;
  const after = await settle();
  results.push(`| connectionMachine ${connect ? 'connecting' : 'idle'}, spawned as a child of one root actor (shared system) | ${((after - before) / N / 1000).toFixed(2)} | ${us.toFixed(1)} |`);
  r.stop();
}
for (const line of results) console.log(line);
