// Benchmark 3: memory per open connection.
import { runChild, startServer } from '../lib/child.js';
import { fmt, median, relSpread, rotate, pct } from '../lib/stats.js';
import { table, type BenchContext, type BenchOutcome } from '../lib/types.js';

/** Issue 11: heap per open connection at 2,000 connections, heartbeat on. */
const TARGET_HEAP_KB = 9.0;
/** Issue 11: time to open the connections, as a multiple of raw `ws` in the same run. */
const TARGET_OPEN_RATIO = 1.3;
const REFERENCE_KB: Record<string, number> = {
  'raw-ws': 4.1,
  sockette: 5.2,
  'reconnecting-websocket': 6.2,
  partysocket: 6.5,
};

interface MemResult {
  client: string;
  count: number;
  open: number;
  openMs: number;
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  before?: { heapUsed: number; rss: number };
}

export async function runMemory(ctx: BenchContext): Promise<BenchOutcome> {
  const count = ctx.quick ? 300 : 2_000;
  // Full: a separate 0-connection process is the baseline. Quick: the same process
  // measured before it connects (saves a process start per client).
  const inline = ctx.quick;
  const rounds = ctx.quick ? 1 : 3;
  const server = await startServer<{ port: number }>('servers/echo-server.ts', [], { timeoutMs: 15_000 });
  const url = `ws://127.0.0.1:${server.info.port}`;
  const per: Record<string, { heapKB: number[]; rssKB: number[]; openMs: number[] }> = {};
  /** Per round, each client's open time over raw ws's in the same round. */
  const openRatios: Record<string, number[]> = {};
  const failures: string[] = [];
  const one = (client: string, n: number) =>
    runChild<MemResult>(
      'memory/client.ts',
      [
        `--client=${client}`,
        `--url=${url}`,
        `--count=${n}`,
        `--heartbeat=${client === 'ours' ? 1 : 0}`,
        `--inlineBaseline=${inline ? 1 : 0}`,
      ],
      { timeoutMs: 90_000, nodeArgs: ['--expose-gc'] },
    );
  try {
    for (let r = 0; r < rounds; r++) {
      for (const client of rotate(ctx.clients, r)) {
        try {
          const loaded = await one(client, count);
          const base = inline ? loaded.before! : await one(client, 0);
          const p = (per[client] ??= { heapKB: [], rssKB: [], openMs: [] });
          p.heapKB.push((loaded.heapUsed - base.heapUsed) / count / 1000);
          p.rssKB.push((loaded.rss - base.rss) / count / 1000);
          p.openMs.push(loaded.openMs);
        } catch (e) {
          failures.push(`${client}: ${(e as Error).message.split('\n')[0]}`);
          ctx.log(`  ${client}: FAILED ${(e as Error).message}`);
        }
      }
      const rawMs = per['raw-ws']?.openMs[r];
      if (rawMs !== undefined) {
        for (const c of ctx.clients) {
          const ms = per[c]?.openMs[r];
          if (ms !== undefined && per[c]!.openMs.length === r + 1) (openRatios[c] ??= []).push(ms / rawMs);
        }
      }
      ctx.log(`  round ${r + 1}/${rounds} done`);
    }
  } finally {
    await server.stop();
  }

  const rows = ctx.clients
    .filter((c) => per[c])
    .map((c) => ({
      client: c,
      heapKB: median(per[c]!.heapKB),
      rssKB: median(per[c]!.rssKB),
      heapSpread: relSpread(per[c]!.heapKB),
      openMs: median(per[c]!.openMs),
      rounds: per[c]!.heapKB.length,
    }));
  const ours = rows.find((x) => x.client === 'ours');
  const others = rows
    .filter((x) => x.client !== 'ours')
    .map((x) => `${x.client} ${fmt(x.heapKB, 1)}`)
    .join(', ');
  const raw = rows.find((x) => x.client === 'raw-ws');
  const ratioOf = (c: string) => (openRatios[c]?.length ? median(openRatios[c]!) : NaN);
  const openPart = ours && raw
    ? `; open ${count}: ours ${fmt(ours.openMs / 1000, 2)} s, raw ws ${fmt(raw.openMs / 1000, 2)} s, ours/raw ws ${fmt(ratioOf('ours'), 2)}× (median of per-round ratios; target ≤ ${TARGET_OPEN_RATIO}×)`
    : '';
  const summary = ours
    ? `memory: ${count} connections, heap KB/conn: ours ${fmt(ours.heapKB, 2)} (heartbeat on; RSS ${fmt(ours.rssKB, 1)} KB), ${others} — vs target ≤ ${TARGET_HEAP_KB} KB: ${fmt(ours.heapKB / TARGET_HEAP_KB, 2)}× of budget${openPart}`
    : `memory: ${count} connections, heap KB/conn: ${others}; ours not available — vs target ≤ ${TARGET_HEAP_KB} KB: n/a`;
  const markdown = [
    `${count.toLocaleString('en-US')} open connections to a \`ws\` server in another process, in a fresh \`node --expose-gc\` process per client, ` +
      `after forced GC; minus ${inline ? 'the same process measured before connecting (quick mode)' : 'a separate process with 0 connections (library and ws loaded)'}. ${rounds} round(s), median. ` +
      `1 KB = 1000 bytes. Ours runs with heartbeat on (interval 25 s, timeout 10 s: timers armed, none fire during the measurement). Open time: from the first connect until all are open (batches of 200), in the same processes; its ratio to raw ws is taken per round (same load), then the median.`,
    '',
    table(
      ['client', 'heap KB / conn', 'RSS KB / conn', 'heap spread', 'reference heap KB (issue)', 'open all, s (median)', 'open vs raw ws (median of per-round ratios)', 'rounds'],
      rows.map((x) => [
        x.client,
        `**${fmt(x.heapKB, 2)}**`,
        fmt(x.rssKB, 1),
        pct(x.heapSpread),
        REFERENCE_KB[x.client] !== undefined ? fmt(REFERENCE_KB[x.client]!, 1) : x.client === 'ours' ? `target ≤ ${TARGET_HEAP_KB}` : '',
        fmt(x.openMs / 1000, 2),
        raw ? `${fmt(ratioOf(x.client), 2)}×${x.client === 'ours' ? ` (target ≤ ${TARGET_OPEN_RATIO}×)` : ''}` : '',
        x.rounds,
      ]),
    ),
    '',
    'RSS per connection includes kernel-side socket buffers touched by the process and allocator slack; it is far noisier than heap.',
    ...(failures.length ? ['', `Failed: ${failures.join('; ')}`] : []),
  ].join('\n');
  return { id: 'memory', title: '3. Memory per connection', summary, markdown, data: { count, rounds, per, rows } };
}
