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

await client.load();
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
const settle = () => new Promise<void>((r) => setTimeout(r, 100));
await settle();
for (let i = 0; i < 4; i++) {
  gc();
  await settle();
}
gc();
const m = process.memoryUsage();
finish({
  client: client.name,
  count,
  open,
  openMs,
  heapUsed: m.heapUsed,
  rss: m.rss,
  external: m.external,
  arrayBuffers: m.arrayBuffers,
});
