// Runs the benchmark suite: `npm run bench` (full, writes bench/RESULTS.md) or
// `npm run bench -- --quick` (smaller counts, prints summary lines only).
// Options: --only=message-path,echo,memory,bundle,herd (prints; RESULTS.md is left alone)   --clients=raw-ws,ours,...   --out=FILE
//          --out=<file> (write the results file in quick mode too, or elsewhere)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchDir, repoRoot } from './lib/child.js';
import { envInfo, loadAvg } from './lib/env.js';
import { fmt } from './lib/stats.js';
import type { BenchContext, BenchOutcome } from './lib/types.js';
import { CLIENT_NAMES, isAvailable, adapterByName } from './clients/index.js';
import { runMessagePath } from './message-path/index.js';
import { runEcho } from './echo/index.js';
import { runMemory } from './memory/index.js';
import { runBundle } from './bundle/index.js';
import { runHerd } from './herd/index.js';

/** Where the hand-written analysis of bench/RESULTS.md starts; a regenerated file keeps it. */
const HAND_WRITTEN = '---\n\n_The sections below are written by hand';
const BENCHES: { id: string; title: string; run: (ctx: BenchContext) => Promise<BenchOutcome> }[] = [
  { id: 'message-path', title: '1. Message path, socket-free', run: runMessagePath },
  { id: 'echo', title: '2. Echo throughput over a real socket', run: runEcho },
  { id: 'memory', title: '3. Memory per connection', run: runMemory },
  { id: 'bundle', title: '4. Bundle size', run: runBundle },
  { id: 'herd', title: '5. Reconnect herd', run: runHerd },
];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = opt('only')?.split(',');
const wantedClients = opt('clients')?.split(',') ?? CLIENT_NAMES;
// Only a full run of every benchmark rewrites RESULTS.md; a quick or partial (--only) run prints, or writes --out.
const out = opt('out') ?? (quick || only ? undefined : path.join(benchDir, 'RESULTS.md'));
for (const c of wantedClients) adapterByName(c); // validate names
if (only) for (const o of only) if (!BENCHES.some((b) => b.id === o)) throw new Error(`unknown benchmark ${o}`);

const log = (m: string) => process.stderr.write(`${m}\n`);
const started = Date.now();
// Ours is measured as published (dist/): build it first, unless BENCH_OURS_FROM=src.
if (wantedClients.includes('ours') && process.env.BENCH_OURS_FROM !== 'src') {
  const built = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'tsup', 'dist', 'cli-default.js'), '--silent'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  log(built.status === 0 ? 'built dist/ (ours is loaded from it)' : `build failed (${built.status}); ours loads a stale or missing dist/`);
}
const env = envInfo();
const clients: string[] = [];
const missing: string[] = [];
for (const c of wantedClients) ((await isAvailable(c)) ? clients : missing).push(c);
log(`bench ${quick ? '(quick) ' : ''}— node ${env.node}, ${env.cpuModel} × ${env.cores}, load ${loadAvg()}`);
log(`clients: ${clients.join(', ')}${missing.length ? ` (not available: ${missing.join(', ')})` : ''}`);
if (!clients.includes('raw-ws')) log('warning: raw-ws not selected; ratios to raw ws will be missing');

const outcomes: { outcome?: BenchOutcome; error?: string; id: string; title: string; secs: number; loadBefore: string; loadAfter: string }[] =
  [];
for (const b of BENCHES) {
  if (only && !only.includes(b.id)) continue;
  const t0 = Date.now();
  const loadBefore = loadAvg();
  log(`\n[${b.id}] ${b.title}`);
  try {
    const outcome = await b.run({ quick, clients, log });
    outcomes.push({ outcome, id: b.id, title: b.title, secs: (Date.now() - t0) / 1000, loadBefore, loadAfter: loadAvg() });
    log(`  → ${outcome.summary} (${fmt((Date.now() - t0) / 1000, 0)} s)`);
  } catch (e) {
    const msg = (e as Error).stack ?? String(e);
    outcomes.push({ error: msg, id: b.id, title: b.title, secs: (Date.now() - t0) / 1000, loadBefore, loadAfter: loadAvg() });
    log(`  FAILED: ${msg}`);
  }
}
const totalSecs = (Date.now() - started) / 1000;

// Summary: one line per benchmark on stdout.
process.stdout.write(`\nSummary (${quick ? 'quick' : 'full'}, ${fmt(totalSecs, 0)} s):\n`);
for (const o of outcomes) process.stdout.write(`${o.outcome ? o.outcome.summary : `${o.id}: FAILED (see above)`}\n`);

// A partial run prints its sections' tables too (paste them into RESULTS.md by hand if wanted).
if (only && !out) for (const o of outcomes) if (o.outcome) process.stdout.write(`\n## ${o.title}\n\n${o.outcome.markdown}\n`);

if (out) {
  const versions = [
    `| node | ${env.node} |`,
    `| xstate-websocket (ours) | ${env.ourVersion} @ ${env.commit}${clients.includes('ours') ? '' : ' — client not present in this checkout'} |`,
    ...Object.entries(env.packages).map(([k, v]) => `| ${k} | ${v} |`),
  ];
  const md = [
    '# Benchmark results',
    '',
    '_Generated by `npm run bench' + (quick ? ' -- --quick' : '') + '`; do not edit by hand. See bench/README.md for what each benchmark measures and how to read the noise._',
    '',
    `- Date: ${env.date}`,
    `- Mode: ${quick ? 'quick (small counts — indicative only)' : 'full'}; total ${fmt(totalSecs, 0)} s`,
    `- Machine: ${env.cpuModel}, ${env.cores} cores, ${env.memGiB} GiB, ${env.platform}; open-file limit ${env.fdLimit}`,
    `- Clients run: ${clients.join(', ')}${missing.length ? `; not available: ${missing.join(', ')}` : ''}`,
    '- The machine is shared (other work may run at the same time); load averages (1/5/15 min) are given per benchmark.',
    '',
    '| package | version |',
    '| --- | --- |',
    ...versions,
    '',
    '## Summary',
    '',
    '```',
    ...outcomes.map((o) => (o.outcome ? o.outcome.summary : `${o.id}: FAILED`)),
    '```',
    '',
    ...outcomes.flatMap((o) => [
      `## ${o.title}`,
      '',
      `_${fmt(o.secs, 0)} s; load average before ${o.loadBefore}, after ${o.loadAfter}._`,
      '',
      o.outcome ? o.outcome.markdown : '```\n' + o.error + '\n```',
      '',
    ]),
  ].join('\n');
  // Keep the hand-written analysis (from HAND_WRITTEN on) of an existing results file.
  const previous = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  const kept = previous.includes(HAND_WRITTEN) ? previous.slice(previous.indexOf(HAND_WRITTEN)) : '';
  fs.writeFileSync(out, kept ? `${md.trimEnd()}\n\n${kept}` : md);
  log(`\nwrote ${path.relative(process.cwd(), out)}`);
}
process.exit(0);
