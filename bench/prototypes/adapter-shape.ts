// Throwaway measurement for issue 11's candidate 2 (fewer closures in the adapter): heap per
// connection in `connecting` with (0) a no-op socket actor, (1) today's adapter
// (createSocketActor: ~25 closures, a silence meter, a transport object), and (2) an adapter of
// the same state shaped as one class instance that is itself the socket's event listener
// (`handleEvent`), with methods on the prototype: only the receive callback and the disposer
// are closures. (2) keeps the fields, not the behaviour: it is a shape, not a replacement.
// One variant per process: for i in 0 1 2; do node --expose-gc --import tsx bench/prototypes/adapter-shape.ts 2000 $i; done
import { createActor, fromCallback, type AnyActorRef } from 'xstate';
import type * as Ours from '../../src/index.js';
// The published build (run `npm run build` first): tsx would wrap src closures in `__name` and inflate them.
const { connectionMachine, createSocketActor, resolveOptions } = (await import(new URL('../../dist/index.js', import.meta.url).href)) as typeof Ours;
import type { ConnectionSettings, SocketCommand, SocketReport } from '../../src/connection.types.js';

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
  binaryType = 'blob';
  protocol = '';
  constructor(readonly url: string) {}
  addEventListener(_type?: string, _listener?: unknown) {}
  removeEventListener() {}
  close() {}
  send() {}
}
const resolved = resolveOptions({ url: 'ws://127.0.0.1:1', WebSocket: NullSocket as never, heartbeat: { intervalMs: 25_000, timeoutMs: 10_000 } });

class ClassAdapter {
  socket: NullSocket | null = null;
  disposed = false;
  closeRequested = false;
  upgradeStatus: number | null = null;
  lastHeardAt = performance.now();
  awaitingPong = false;
  nowBroken = false;
  constructor(
    readonly input: ConnectionSettings,
    readonly sendBack: (event: SocketReport) => void,
  ) {}
  open(url: string) {
    const ws = new NullSocket(url);
    this.socket = ws;
    for (const type of ['open', 'message', 'error', 'close']) ws.addEventListener(type, this as never);
  }
  handleEvent(event: { type: string }) {
    if (this.disposed) return;
    if (event.type === 'open') this.sendBack({ type: 'SOCKET.OPENED', protocol: '' });
  }
  command(_command: SocketCommand) {}
  dispose() {
    this.disposed = true;
  }
}

const variants: Array<[string, unknown]> = [
  ['no-op socket actor', fromCallback(() => () => {})],
  ["today's adapter (createSocketActor)", createSocketActor(resolved.adapter)],
  [
    'class-shaped adapter (prototype)',
    fromCallback<SocketCommand, ConnectionSettings, SocketReport>(({ input, sendBack, receive }) => {
      const adapter = new ClassAdapter(input, sendBack);
      receive((command) => adapter.command(command));
      adapter.open(String(resolved.adapter.url));
      return () => adapter.dispose();
    }),
  ],
];
const [name, socket] = variants[only]!;
const machine = connectionMachine.provide({ actors: { socket: socket as never } });
const make = () => {
  const a = createActor(machine, { input: resolved.settings }).start();
  a.send({ type: 'CONNECT' });
  return a;
};
for (let i = 0; i < 200; i++) make().stop();
const before = await settle();
const keep: AnyActorRef[] = [];
for (let i = 0; i < N; i++) keep.push(make());
const after = await settle();
console.log(`| ${name} | ${((after - before) / N / 1000).toFixed(2)} |`);
if (process.env.SNAP) (await import('node:v8')).writeHeapSnapshot(`${process.env.SNAP}-${only}.heapsnapshot`);
for (const a of keep) a.stop();
