// Benchmark 1: message path without a socket.
import { runChild } from '../lib/child.js';
import { fmt, relIqr, pct, sfmt } from '../lib/stats.js';
import { table, type BenchContext, type BenchOutcome } from '../lib/types.js';

const TARGET_NS = 150;

interface Dir {
  directCpuNs: number;
  clientCpuNs: number;
  addedCpuNs: number;
  addedWallNs: number;
  addedCpuNsRounds: number[];
}
interface WorkerResult {
  client: string;
  iterations: number;
  rounds: number;
  send: Dir;
  recv: Dir;
  check: { sendsReached: number; expectedSends: number; delivered: number; expectedDelivered: number };
}

export async function runMessagePath(ctx: BenchContext): Promise<BenchOutcome> {
  const iterations = ctx.quick ? 50_000 : 200_000;
  const rounds = ctx.quick ? 5 : 15;
  const warmup = ctx.quick ? 2 : 4;
  const results: WorkerResult[] = [];
  const failures: string[] = [];
  for (const client of ctx.clients) {
    try {
      const r = await runChild<WorkerResult>(
        'message-path/worker.ts',
        [`--client=${client}`, `--iterations=${iterations}`, `--rounds=${rounds}`, `--warmup=${warmup}`],
        { timeoutMs: 120_000 },
      );
      results.push(r);
      ctx.log(`  ${client}: send ${sfmt(r.send.addedCpuNs)} ns, receive ${sfmt(r.recv.addedCpuNs)} ns`);
    } catch (e) {
      failures.push(`${client}: ${(e as Error).message.split('\n')[0]}`);
      ctx.log(`  ${client}: FAILED ${(e as Error).message}`);
    }
  }

  const ours = results.find((r) => r.client === 'ours');
  const peers = results
    .filter((r) => r.client !== 'ours' && r.client !== 'raw-ws')
    .map((r) => `${r.client} ${sfmt(r.send.addedCpuNs, 0)}/${sfmt(r.recv.addedCpuNs, 0)}`)
    .join(', ');
  const summary = ours
    ? `message-path: ours adds ${sfmt(ours.send.addedCpuNs)} ns/send, ${sfmt(ours.recv.addedCpuNs)} ns/receive (CPU, median of ${rounds}; peers send/recv ns: ${peers}) — vs target 150 ns: send ${fmt(ours.send.addedCpuNs / TARGET_NS, 2)}×, receive ${fmt(ours.recv.addedCpuNs / TARGET_NS, 2)}× of budget`
    : `message-path: ours not available (peers send/recv ns added: ${peers}) — vs target 150 ns: n/a`;

  const rows = results.map((r) => {
    const checks =
      r.check.sendsReached === r.check.expectedSends && r.check.delivered === r.check.expectedDelivered
        ? 'ok'
        : `MISMATCH (${r.check.sendsReached}/${r.check.expectedSends} sent, ${r.check.delivered}/${r.check.expectedDelivered} received)`;
    return [
      r.client,
      fmt(r.send.directCpuNs),
      fmt(r.send.clientCpuNs),
      `**${sfmt(r.send.addedCpuNs)}**`,
      pct(relIqr(r.send.addedCpuNsRounds.map((x) => x + r.send.directCpuNs))),
      fmt(r.recv.directCpuNs),
      fmt(r.recv.clientCpuNs),
      `**${sfmt(r.recv.addedCpuNs)}**`,
      pct(relIqr(r.recv.addedCpuNsRounds.map((x) => x + r.recv.directCpuNs))),
      checks,
    ];
  });
  const markdown = [
    `A fake WebSocket delivers synchronously (no I/O). Per client process: ${iterations.toLocaleString('en-US')} messages per measurement, ` +
      `${warmup} warm-up rounds then ${rounds} rounds, the four measurements interleaved in rotating order; ` +
      `"added" is the median over rounds of (through client − fake directly), in CPU ns per message (process.cpuUsage). ` +
      `64-byte string payload; each client with its defaults. raw-ws is the adapter over the fake, i.e. the harness's own floor.`,
    '',
    table(
      [
        'client',
        'send direct ns',
        'send via client ns',
        'send added ns',
        'send IQR',
        'recv direct ns',
        'recv via client ns',
        'recv added ns',
        'recv IQR',
        'delivery check',
      ],
      rows,
    ),
    '',
    `Target: under ${TARGET_NS} ns added per message in each direction (ours). IQR is the interquartile range of per-round client figures relative to their median.`,
    ...(failures.length ? ['', `Failed: ${failures.join('; ')}`] : []),
  ].join('\n');
  return { id: 'message-path', title: '1. Message path, socket-free', summary, markdown, data: results };
}
