// One client in one process: open 1 connection, force GC, write a heap snapshot; open `more`
// connections, force GC, write a second one. Also records script id → file from the inspector,
// so the parser can say which file a closure comes from. Run with --expose-gc.
import inspector from 'node:inspector';
import path from 'node:path';
import v8 from 'node:v8';
import WS from 'ws';
import { argMap, childGuard, finish, repoRoot } from '../lib/child.js';
import { adapterByName } from '../clients/index.js';
import type { BenchConnection } from '../clients/types.js';

childGuard(180_000);
const args = argMap();
const client = adapterByName(args.client!);
const url = args.url!;
const more = Number(args.more ?? 1000);
const outDir = args.outDir!;
const heartbeat = args.heartbeat === '1' ? { intervalMs: 25_000, timeoutMs: 10_000 } : undefined;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const scripts: Record<string, string> = {};
const session = new inspector.Session();
session.connect();
session.on('Debugger.scriptParsed', ({ params }) => {
  const file = params.url.replace(/^file:\/\//, '');
  const short = file.includes('/node_modules/')
    ? file.slice(file.lastIndexOf('/node_modules/') + '/node_modules/'.length)
    : file.startsWith(repoRoot)
      ? path.relative(repoRoot, file)
      : file || '(eval)';
  scripts[params.scriptId] = short;
});
session.post('Debugger.enable');

await client.load();
const conns: BenchConnection[] = [];
let open = 0;
async function openMore(n: number): Promise<void> {
  const target = open + n;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`only ${open}/${target} open after 30 s`)), 30_000);
    for (let j = 0; j < n; j++) {
      conns.push(
        client.connect({
          url: `${url}/?id=${conns.length}`,
          WebSocket: WS as any,
          heartbeat,
          onOpen: () => {
            if (++open === target) {
              clearTimeout(t);
              resolve();
            }
          },
        }),
      );
    }
  });
}
const settle = () => new Promise<void>((r) => setTimeout(r, 50));
async function snapshot(name: string): Promise<{ file: string; heapUsed: number }> {
  for (let i = 0; i < 4; i++) {
    await settle();
    gc!();
  }
  const heapUsed = process.memoryUsage().heapUsed;
  const file = v8.writeHeapSnapshot(path.join(outDir, name));
  return { file, heapUsed };
}

const tag = `${client.name}${heartbeat ? '-hb' : ''}`;
await openMore(1);
const one = await snapshot(`${tag}-1.heapsnapshot`);
await openMore(more);
const many = await snapshot(`${tag}-${1 + more}.heapsnapshot`);
session.post('Debugger.disable');
finish({ client: tag, more, before: one, after: many, scripts, conns: conns.length });
