// `count` connections of one library, each with ?id=<i> in its URL, all in this
// process. Reports ready once all are open, then stays up (reconnecting as the
// library decides) until the parent stops it.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WS from 'ws';
import { argMap, childGuard, emit } from '../lib/child.js';
import { adapterByName } from '../clients/index.js';
import type { BenchConnection } from '../clients/types.js';

childGuard(180_000);
const args = argMap();
const client = adapterByName(args.client!);
const url = args.url!;
const count = Number(args.count);
const batch = 100;

await client.load();
const conns: BenchConnection[] = [];
const seen = new Set<number>();
for (let i = 0; i < count; i += batch) {
  const n = Math.min(batch, count - i);
  const target = i + n;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`only ${seen.size}/${target} open after 20 s`)), 20_000);
    for (let j = i; j < i + n; j++) {
      conns.push(
        client.connect({
          url: `${url}/?id=${j}`,
          WebSocket: WS as any,
          onOpen: () => {
            seen.add(j);
            if (seen.size === target) {
              clearTimeout(t);
              resolve();
            }
          },
        }),
      );
    }
  });
}
emit('ready', { open: seen.size });

// Event-loop delay from here on: with hundreds of clients in one process on a busy
// machine, timers due during a stall fire together and look like a burst. The
// parent asks for this with "report" on stdin before stopping us.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (!chunk.includes('report')) return;
  loop.disable();
  emit('result', { loopDelayMaxMs: loop.max / 1e6, loopDelayP99Ms: loop.percentile(99) / 1e6 });
});
