// Open `count` connections with one client library, force GC, report memory.
// Run with --expose-gc. count=0 gives the baseline (library and ws loaded, no sockets).
import WS from 'ws';
import { argMap, childGuard, finish } from '../lib/child.js';
import { adapterByName } from '../clients/index.js';
import type { BenchConnection } from '../clients/types.js';

childGuard(120_000);
const args = argMap();
const client = adapterByName(args.client!);
const url = args.url!;
const count = Number(args.count);
const batch = Number(args.batch ?? 200);
const heartbeat = args.heartbeat === '1' ? { intervalMs: 25_000, timeoutMs: 10_000 } : undefined;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const settle = () => new Promise<void>((r) => setTimeout(r, 100));
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  await settle();
  for (let i = 0; i < 4; i++) {
    gc!();
    await settle();
  }
  gc!();
  return process.memoryUsage();
}

await client.load();
// --inlineBaseline=1 (quick mode): also measure before connecting, in this process.
const before = args.inlineBaseline === '1' ? await settledMemory() : undefined;
const conns: BenchConnection[] = [];
let open = 0;
const t0 = Date.now();
for (let i = 0; i < count; i += batch) {
  const n = Math.min(batch, count - i);
  const target = open + n;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`only ${open}/${target} open after 20 s`)), 20_000);
    for (let j = 0; j < n; j++) {
      conns.push(
        client.connect({
          url: `${url}/?id=${i + j}`,
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
const openMs = Date.now() - t0;
const m = await settledMemory();
finish({
  client: client.name,
  count,
  open,
  openMs,
  heapUsed: m.heapUsed,
  rss: m.rss,
  external: m.external,
  arrayBuffers: m.arrayBuffers,
  before: before && { heapUsed: before.heapUsed, rss: before.rss },
});
