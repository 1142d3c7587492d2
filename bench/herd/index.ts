// Benchmark 5: reconnect herd. The server lives in this process; the clients of
// one library live in a child process. Once all are open the server kills every
// connection and for the outage a plain TCP listener on the same port accepts
// and resets each attempt (so attempts are counted); then a fresh ws server
// listens on the same port again.
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { startServer } from '../lib/child.js';
import { fmt, peakInWindow, percentile } from '../lib/stats.js';
import { table, type BenchContext, type BenchOutcome } from '../lib/types.js';
import { adapterByName } from '../clients/index.js';

const TARGET_PEAK = 60;
const TARGET_P99_MS = 6000;
const REFERENCE_PEAK: Record<string, number> = { partysocket: 350, sockette: 400, 'reconnecting-websocket': 290 };

export interface HerdResult {
  client: string;
  clients: number;
  outageMs: number;
  peak100ms: number;
  outageAttempts: number;
  attemptsUntilAllBack: number;
  totalAttempts: number;
  back: number;
  p50BackMs: number;
  p99BackMs: number;
  maxBackMs: number;
  duplicates: number;
  duplicateIds: number;
  /** attempts per 500 ms bucket from the kill */
  timeline: number[];
  /** event-loop delay in the client process from all-open to the end */
  clientLoopDelayMaxMs: number;
  clientLoopDelayP99Ms: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.now();

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function herdOne(
  client: string,
  opts: { count: number; settleMs: number; outageMs: number; maxRecoverMs: number; watchMs?: number },
): Promise<HerdResult> {
  const attempts: number[] = [];
  const openById = new Map<string, number>();
  const backAt = new Map<string, number>();
  let duplicates = 0;
  const dupIds = new Set<string>();
  let phase: 'initial' | 'outage' | 'restored' = 'initial';
  let killT = 0;
  let lastBackT = 0;

  const sockets = new Set<Duplex>();
  const wsServers: WebSocketServer[] = [];
  const makeWsServer = (): http.Server => {
    const srv = http.createServer((_req, res) => {
      res.writeHead(426);
      res.end();
    });
    const wss = new WebSocketServer({ noServer: true });
    wsServers.push(wss);
    srv.on('connection', (sock) => {
      attempts.push(now());
      sockets.add(sock);
      sock.once('close', () => sockets.delete(sock));
      sock.on('error', () => {});
    });
    srv.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '?';
        const n = (openById.get(id) ?? 0) + 1;
        openById.set(id, n);
        if (n > 1) {
          duplicates++;
          dupIds.add(id);
        }
        if (phase !== 'initial' && !backAt.has(id)) {
          backAt.set(id, now() - killT);
          lastBackT = now();
        }
        ws.on('error', () => {});
        ws.once('close', () => openById.set(id, (openById.get(id) ?? 1) - 1));
      });
    });
    return srv;
  };
  const openCount = () => {
    let c = 0;
    for (const v of openById.values()) if (v > 0) c++;
    return c;
  };

  let server = makeWsServer();
  await listen(server, 0);
  const port = (server.address() as net.AddressInfo).port;
  const clients = await startServer<{ open: number }>(
    'herd/client.ts',
    [`--client=${client}`, `--url=ws://127.0.0.1:${port}`, `--count=${opts.count}`],
    { timeoutMs: 60_000 },
  );
  let reset: net.Server | undefined;
  try {
    // all open as seen by the server, then let them settle
    for (let i = 0; i < 100 && openCount() < opts.count; i++) await sleep(100);
    if (openCount() < opts.count) throw new Error(`only ${openCount()}/${opts.count} open on the server`);
    await sleep(opts.settleMs);

    // outage: stop the ws server, put the resetting listener on the port, kill everything
    server.close();
    let outageAttempts = 0;
    reset = net.createServer((sock) => {
      attempts.push(now());
      outageAttempts++;
      sock.on('error', () => {});
      sock.resetAndDestroy();
    });
    await listen(reset, port);
    phase = 'outage';
    killT = now();
    for (const wss of wsServers) for (const ws of wss.clients) ws.terminate();
    for (const s of sockets) s.destroy();
    await sleep(opts.outageMs);

    // back: fresh ws server on the same port
    await new Promise<void>((r) => reset!.close(() => r()));
    reset = undefined;
    server = makeWsServer();
    await listen(server, port);
    phase = 'restored';
    const restoreT = now();
    while (backAt.size < opts.count && now() - restoreT < opts.maxRecoverMs) await sleep(50);
    const allBackT = backAt.size >= opts.count ? lastBackT : now();
    await sleep(opts.watchMs ?? 1000); // keep watching for late duplicates and stray attempts
    const loop = await clients
      .request<{ loopDelayMaxMs: number; loopDelayP99Ms: number }>('report', 5000)
      .catch(() => ({ loopDelayMaxMs: NaN, loopDelayP99Ms: NaN }));
    const after = attempts.filter((t) => t >= killT);
    const times = [...backAt.values()];
    // clients that never came back count as infinitely late for the percentiles
    const padded = [...times, ...Array<number>(opts.count - times.length).fill(Infinity)];
    const timeline: number[] = [];
    for (const t of after) {
      const b = Math.floor((t - killT) / 500);
      while (timeline.length <= b) timeline.push(0);
      timeline[b]!++;
    }
    return {
      client,
      clients: opts.count,
      outageMs: opts.outageMs,
      peak100ms: peakInWindow(after, 100),
      outageAttempts,
      attemptsUntilAllBack: after.filter((t) => t <= allBackT).length,
      totalAttempts: after.length,
      back: times.length,
      p50BackMs: percentile(padded, 50),
      p99BackMs: percentile(padded, 99),
      maxBackMs: times.length ? Math.max(...times) : NaN,
      duplicates,
      duplicateIds: dupIds.size,
      timeline,
      clientLoopDelayMaxMs: loop.loopDelayMaxMs,
      clientLoopDelayP99Ms: loop.loopDelayP99Ms,
    };
  } finally {
    await clients.stop();
    if (reset) reset.close();
    for (const wss of wsServers) for (const ws of wss.clients) ws.terminate();
    for (const s of sockets) s.destroy();
    server.close();
  }
}

export async function runHerd(ctx: BenchContext): Promise<BenchOutcome> {
  const count = ctx.quick ? 100 : 500;
  const outageMs = 2000;
  const settleMs = ctx.quick ? 1000 : 6000;
  const maxRecoverMs = ctx.quick ? 6000 : 30_000;
  let libs = ctx.clients.filter((c) => adapterByName(c).reconnects);
  if (ctx.quick) libs = libs.includes('ours') ? ['ours'] : libs.slice(-1);
  const results: HerdResult[] = [];
  const failures: string[] = [];
  for (const lib of libs) {
    try {
      const r = await herdOne(lib, { count, settleMs, outageMs, maxRecoverMs, watchMs: ctx.quick ? 500 : 1000 });
      results.push(r);
      ctx.log(
        `  ${lib}: peak ${r.peak100ms}/100 ms, outage attempts ${r.outageAttempts}, back ${r.back}/${r.clients} p50 ${fmt(r.p50BackMs, 0)} ms p99 ${fmt(r.p99BackMs, 0)} ms, duplicates ${r.duplicates}`,
      );
    } catch (e) {
      failures.push(`${lib}: ${(e as Error).message.split('\n')[0]}`);
      ctx.log(`  ${lib}: FAILED ${(e as Error).message}`);
    }
  }
  const ms = (x: number) => (Number.isFinite(x) ? `${fmt(x / 1000, 2)} s` : 'never');
  const ours = results.find((r) => r.client === 'ours');
  const others = results
    .filter((r) => r.client !== 'ours')
    .map((r) => `${r.client} peak ${r.peak100ms}`)
    .join(', ');
  const summary = ours
    ? `herd: ${count} clients, ours peak ${ours.peak100ms}/100 ms, ${ours.outageAttempts} outage attempts, back p50 ${ms(ours.p50BackMs)} p99 ${ms(ours.p99BackMs)}, ${ours.duplicates} duplicates${others ? `; ${others}` : ''} — vs target peak ≤ ${TARGET_PEAK}: ${fmt(ours.peak100ms / TARGET_PEAK, 2)}×, p99 ≤ 6 s: ${fmt(ours.p99BackMs / TARGET_P99_MS, 2)}×, duplicates ${ours.duplicates}/0`
    : `herd: ${count} clients, ours not available; ${others} — vs target peak ≤ ${TARGET_PEAK}/100 ms: n/a`;
  const markdown = [
    `${count} clients of one library in one child process, each with \`?id=<n>\`; all open, then ${fmt(settleMs / 1000, 0)} s settle; ` +
      `the server then terminates every connection and for ${outageMs / 1000} s a plain TCP listener on the same port accepts and resets every attempt; ` +
      `then a fresh ws server listens on that port. Everything is counted on the server from the kill on; "back" is the time from the kill to a client id's first open connection; ` +
      `clients not back within ${maxRecoverMs / 1000} s of the restart count as never. Every library with its defaults (ours included). ` +
      `raw ws does not reconnect and is not run.`,
    '',
    table(
      [
        'client',
        'peak attempts / 100 ms',
        'attempts during outage',
        'attempts until all back',
        'back',
        'p50 back',
        'p99 back',
        'duplicates',
        'client loop delay p99 / max',
        'reference peak (issue)',
      ],
      results.map((r) => [
        r.client,
        `**${r.peak100ms}**`,
        r.outageAttempts,
        r.attemptsUntilAllBack,
        `${r.back}/${r.clients}`,
        ms(r.p50BackMs),
        `**${ms(r.p99BackMs)}**`,
        r.duplicates ? `**${r.duplicates}** (${r.duplicateIds} ids)` : '0',
        `${fmt(r.clientLoopDelayP99Ms, 0)} / ${fmt(r.clientLoopDelayMaxMs, 0)} ms`,
        r.client === 'ours' ? `target ≤ ${TARGET_PEAK}, p99 ≤ 6 s, 0 dup.` : (REFERENCE_PEAK[r.client] ?? ''),
      ]),
    ),
    '',
    'The client-side event-loop delay shows how busy the one process holding all clients was: timers that fall due during a long stall fire together, ' +
      'which can raise the peak independently of the library (treat a peak with a loop-delay max near 100 ms or more as partly an artefact of this setup).',
    '',
    'Attempts per 500 ms from the kill (outage is the first ' + outageMs / 500 + ' buckets):',
    '',
    ...results.map((r) => `- ${r.client}: ${r.timeline.join(' ')}`),
    ...(failures.length ? ['', `Failed: ${failures.join('; ')}`] : []),
  ].join('\n');
  return { id: 'herd', title: '5. Reconnect herd', summary, markdown, data: results };
}
