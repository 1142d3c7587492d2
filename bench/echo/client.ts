// One client, one message size, one process: keep `window` messages in flight
// against the echo server; after a warm-up, time `count` round trips and the
// process CPU they cost.
import WS from 'ws';
import { argMap, childGuard, finish } from '../lib/child.js';
import { adapterByName } from '../clients/index.js';

childGuard(120_000);
const args = argMap();
const client = adapterByName(args.client!);
const url = args.url!;
const size = Number(args.size);
const count = Number(args.count);
const warm = Number(args.warmup ?? Math.ceil(count / 5));
const windowSize = Number(args.window ?? 32);
const maxMs = Number(args.maxMs ?? 60_000);

// 64 B goes as text (typical JSON), larger sizes as binary.
const payload: string | Uint8Array = size <= 1024 ? 'm'.repeat(size) : new Uint8Array(size).fill(7);
const sizeOf = (d: unknown): number =>
  typeof d === 'string'
    ? d.length
    : d instanceof ArrayBuffer
      ? d.byteLength
      : ArrayBuffer.isView(d)
        ? d.byteLength
        : d && typeof (d as Blob).size === 'number'
          ? (d as Blob).size
          : -1;

await client.load();

let onEcho: () => void = () => {};
let badSize = 0;
let conn!: ReturnType<typeof client.connect>;
const opened = new Promise<void>((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('no open within 10 s')), 10_000);
  conn = client.connect({
    url,
    WebSocket: WS as any,
    onOpen: () => {
      clearTimeout(t);
      resolve();
    },
    onMessage: (d) => {
      if (sizeOf(d) !== size) badSize++;
      onEcho();
    },
  });
});
await opened;

function phase(n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = 0;
    const t = setTimeout(() => reject(new Error(`stalled: ${received}/${n} echoes after ${maxMs} ms`)), maxMs);
    onEcho = () => {
      received++;
      if (sent < n) {
        sent++;
        conn.send(payload);
      } else if (received === n) {
        clearTimeout(t);
        resolve();
      }
    };
    const first = Math.min(windowSize, n);
    for (; sent < first; ) {
      sent++;
      conn.send(payload);
    }
  });
}

await phase(warm);
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
await phase(count);
const wallNs = Number(process.hrtime.bigint() - t0);
const cpu = process.cpuUsage(c0);
conn.close();
finish({
  client: client.name,
  size,
  count,
  window: windowSize,
  msgsPerSec: count / (wallNs / 1e9),
  cpuUsPerMsg: (cpu.user + cpu.system) / count,
  wallMs: wallNs / 1e6,
  badSize,
});
