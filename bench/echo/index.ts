// Benchmark 2: echo throughput over a real socket.
import { runChild, startServer } from '../lib/child.js';
import { fmt, median, pct, relSpread, rotate } from '../lib/stats.js';
import { table, type BenchContext, type BenchOutcome } from '../lib/types.js';

const TARGET_CPU_RATIO = 1.05;
const NOISE_NOTE = 'differences under ~15% are noise on these machines';

interface RunResult {
  client: string;
  size: number;
  count: number;
  window: number;
  msgsPerSec: number;
  cpuUsPerMsg: number;
  wallMs: number;
  badSize: number;
  round: number;
}

interface Row {
  client: string;
  size: number;
  msgsPerSec: number;
  cpuUsPerMsg: number;
  cpuRatio: number;
  rateRatio: number;
  cpuSpread: number;
  runs: number;
  badSize: number;
}

export async function runEcho(ctx: BenchContext): Promise<BenchOutcome> {
  const rounds = ctx.quick ? 1 : 5;
  const windowSize = 32;
  const sizes = [
    { size: 64, count: ctx.quick ? 5_000 : 30_000 },
    { size: 16 * 1024, count: ctx.quick ? 1_000 : 6_000 },
  ];
  const server = await startServer<{ port: number }>('servers/echo-server.ts', [], { timeoutMs: 15_000 });
  const url = `ws://127.0.0.1:${server.info.port}`;
  const runs: RunResult[] = [];
  const failures: string[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      for (const { size, count } of sizes) {
        for (const client of rotate(ctx.clients, r)) {
          try {
            const res = await runChild<RunResult>(
              'echo/client.ts',
              [`--client=${client}`, `--url=${url}`, `--size=${size}`, `--count=${count}`, `--window=${windowSize}`],
              { timeoutMs: 90_000 },
            );
            runs.push({ ...res, round: r });
          } catch (e) {
            failures.push(`${client} ${size} B: ${(e as Error).message.split('\n')[0]}`);
            ctx.log(`  ${client} ${size} B: FAILED ${(e as Error).message}`);
          }
        }
      }
      ctx.log(`  round ${r + 1}/${rounds} done`);
    }
  } finally {
    await server.stop();
  }

  const rows: Row[] = [];
  for (const { size } of sizes) {
    for (const client of ctx.clients) {
      const mine = runs.filter((x) => x.client === client && x.size === size);
      if (mine.length === 0) continue;
      // Ratio to raw ws per round (runs in the same round are close in time), then median.
      const ratios: number[] = [];
      const rateRatios: number[] = [];
      for (const m of mine) {
        const raw = runs.find((x) => x.client === 'raw-ws' && x.size === size && x.round === m.round);
        if (raw) {
          ratios.push(m.cpuUsPerMsg / raw.cpuUsPerMsg);
          rateRatios.push(m.msgsPerSec / raw.msgsPerSec);
        }
      }
      rows.push({
        client,
        size,
        msgsPerSec: median(mine.map((x) => x.msgsPerSec)),
        cpuUsPerMsg: median(mine.map((x) => x.cpuUsPerMsg)),
        cpuRatio: median(ratios),
        rateRatio: median(rateRatios),
        cpuSpread: relSpread(mine.map((x) => x.cpuUsPerMsg)),
        runs: mine.length,
        badSize: mine.reduce((a, x) => a + x.badSize, 0),
      });
    }
  }

  const oursRows = rows.filter((x) => x.client === 'ours');
  const rawSpread = Math.max(...rows.filter((x) => x.client === 'raw-ws').map((x) => x.cpuSpread));
  const sizeLabel = (s: number) => (s >= 1024 ? `${s / 1024} KiB` : `${s} B`);
  const summary = oursRows.length
    ? `echo: ours ${oursRows.map((x) => `${sizeLabel(x.size)} ${fmt(x.msgsPerSec / 1000, 1)}k msg/s ${fmt(x.cpuUsPerMsg, 2)} µs CPU/msg`).join(', ')} (${NOISE_NOTE}) — CPU/msg vs raw ws: ${oursRows.map((x) => `${sizeLabel(x.size)} ${fmt(x.cpuRatio, 2)}×`).join(', ')} (target ≤ ${TARGET_CPU_RATIO}×)`
    : `echo: ours not available; peers CPU/msg vs raw ws: ${rows
        .filter((x) => x.client !== 'raw-ws')
        .map((x) => `${x.client} ${sizeLabel(x.size)} ${fmt(x.cpuRatio, 2)}×`)
        .join(', ')} — vs target ≤ ${TARGET_CPU_RATIO}×: n/a`;

  const markdown = [
    `\`ws\` echo server in its own process on 127.0.0.1; one client process per run; ${windowSize} messages in flight; ` +
      `64 B as text, 16 KiB as binary (binaryType "arraybuffer" where the client exposes it; sockette keeps ws's default Buffer). ` +
      `${rounds} round(s), clients in rotating order each round; counts per run: ${sizes.map((s) => `${sizeLabel(s.size)} × ${s.count.toLocaleString('en-US')}`).join(', ')} after a warm-up of a fifth of that. ` +
      `Median over rounds; ratio = median of per-round ratios to raw ws. CPU is the client process's user+system time.`,
    '',
    table(
      ['client', 'size', 'msgs/s', 'client CPU µs/msg', 'CPU vs raw ws', 'msgs/s vs raw ws', 'CPU spread (max−min)/median', 'runs'],
      rows.map((x) => [
        x.client,
        sizeLabel(x.size),
        Math.round(x.msgsPerSec).toLocaleString('en-US'),
        fmt(x.cpuUsPerMsg, 2),
        `**${fmt(x.cpuRatio, 2)}×**`,
        `${fmt(x.rateRatio, 2)}×`,
        pct(x.cpuSpread),
        x.runs + (x.badSize ? ` (${x.badSize} wrong-size echoes!)` : ''),
      ]),
    ),
    '',
    `Target: ours' client CPU per message within 5% of raw ws (≤ ${TARGET_CPU_RATIO}×). **Noise:** ${NOISE_NOTE}` +
      ` (2 shared cores; client and server compete for them). Largest raw-ws spread across rounds in this run: ${pct(rawSpread)}.`,
    ...(failures.length ? ['', `Failed runs: ${failures.join('; ')}`] : []),
  ].join('\n');
  return { id: 'echo', title: '2. Echo throughput over a real socket', summary, markdown, data: { rows, runs } };
}
