// Where open time goes: what runs per connection from `createConnection(...)` until the
// WebSocket constructor is called. The constructor is a no-op stand-in (no I/O), so everything
// measured is the client's own work: option validation, actor creation, xstate's start path,
// the deferred CONNECT, the adapter's setup. Two parts:
//   1. wall time for N connections until N sockets exist (no profiler), against a loop that only
//      constructs the stand-in;
//   2. a CPU profile of the same (node:inspector Profiler, 25 µs sampling), self time by source
//      (xstate, each src file, node internals, GC) and the top functions. The profile is written
//      to bench/open-time/profiles/ (git-ignored) and opens in Chrome DevTools.
//
//   npm run build && npx tsx bench/open-time/profile.ts [--count=2000] [--heartbeat=1] [--from=src]
//
// Ours is loaded from dist/ by default so functions have real lines (mapped back to src files by
// esbuild's `// src/x.ts` comments); --from=src loads src/index.ts through tsx.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { argMap, benchDir, repoRoot } from '../lib/child.js';
import type * as Ours from '../../src/index.js';

const args = argMap();
const count = Number(args.count ?? 2000);
const heartbeat = args.heartbeat === '0' ? undefined : { intervalMs: 25_000, timeoutMs: 10_000 };
const fromDist = args.from !== 'src';
const entry = fromDist ? path.join(repoRoot, 'dist', 'index.js') : path.join(repoRoot, 'src', 'index.ts');
const { createConnection } = (await import(new URL(`file://${entry}`).href)) as typeof Ours;

let created = 0;
let allCreated: (() => void) | null = null;
/** Counts constructions; never opens, never fires an event. */
class NullSocket {
  readyState = 0;
  binaryType = 'blob';
  protocol = '';
  constructor(_url: string) {
    if (++created === target && allCreated) allCreated();
  }
  addEventListener() {}
  removeEventListener() {}
  send() {}
  close() {
    this.readyState = 3;
  }
}
let target = 0;

async function openMany(n: number): Promise<{ ms: number; conns: Ours.Connection[] }> {
  created = 0;
  target = n;
  const done = new Promise<void>((r) => (allCreated = r));
  const t0 = performance.now();
  const conns: Ours.Connection[] = [];
  for (let i = 0; i < n; i++) {
    conns.push(createConnection({ url: `ws://127.0.0.1:1/?id=${i}`, WebSocket: NullSocket as never, ...(heartbeat ? { heartbeat } : {}) }));
  }
  await done;
  return { ms: performance.now() - t0, conns };
}
function baseline(n: number): number {
  const t0 = performance.now();
  const keep: NullSocket[] = [];
  for (let i = 0; i < n; i++) keep.push(new NullSocket(`ws://127.0.0.1:1/?id=${i}`));
  return performance.now() - t0;
}

// Warm up (JIT), then three timed rounds without the profiler.
for (let i = 0; i < 3; i++) (await openMany(500)).conns.forEach((c) => c.stop());
const rounds: number[] = [];
for (let i = 0; i < 3; i++) {
  const r = await openMany(count);
  rounds.push(r.ms);
  r.conns.forEach((c) => c.stop());
}
const floor = baseline(count);
const median = [...rounds].sort((a, b) => a - b)[1]!;
console.log(`## ${count} connections until their sockets exist (heartbeat ${heartbeat ? 'on' : 'off'}, ours from ${fromDist ? 'dist' : 'src'})\n`);
console.log(`- wall time, median of 3: ${median.toFixed(1)} ms = **${((1000 * median) / count).toFixed(1)} µs per connection** (rounds ${rounds.map((r) => r.toFixed(0)).join(', ')} ms)`);
console.log(`- constructing the stand-in alone: ${((1000 * floor) / count).toFixed(2)} µs per connection`);

// The profile.
const session = new inspector.Session();
session.connect();
const post = <T>(method: string, params?: object) =>
  new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 25 });
await post('Profiler.start');
const profiled = await openMany(count);
const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
profiled.conns.forEach((c) => c.stop());
const outDir = path.join(benchDir, 'open-time', 'profiles');
fs.mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `open-${count}${heartbeat ? '-hb' : ''}.cpuprofile`);
fs.writeFileSync(file, JSON.stringify(profile));

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: CpuNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

// Self time per node from the sample deltas (µs).
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const srcOf = distLineMap();
const sourceOf = (n: CpuNode): string => {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  if (url.includes('/node_modules/xstate/')) return 'xstate';
  if (url.endsWith('/dist/index.js')) return srcOf(n.callFrame.lineNumber + 1) ?? 'dist/index.js';
  if (url.includes('/src/')) return url.slice(url.indexOf('/src/') + 1);
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'bench harness';
  return url.replace(/^.*node_modules\//, '');
};
const bySource = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const us = selfUs.get(n.id) ?? 0;
  if (us === 0) continue;
  total += us;
  const source = sourceOf(n);
  bySource.set(source, (bySource.get(source) ?? 0) + us);
  const fn = `${n.callFrame.functionName || '(anonymous)'} — ${source}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
}
const perConn = (us: number) => (us / count).toFixed(1);
const share = (us: number) => `${((100 * us) / total).toFixed(0)}%`;
console.log(`- profiled run: ${(total / 1000).toFixed(1)} ms sampled = ${perConn(total)} µs per connection; profile: ${path.relative(repoRoot, file)}\n`);
console.log('| self time by source | µs / conn | share |');
console.log('| --- | --- | --- |');
for (const [source, us] of [...bySource].sort((a, b) => b[1] - a[1])) console.log(`| ${source} | ${perConn(us)} | ${share(us)} |`);
console.log('\n| top functions by self time | µs / conn | share |');
console.log('| --- | --- | --- |');
for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top ?? 25))) {
  console.log(`| ${fn.replace(/\|/g, '\\|')} | ${perConn(us)} | ${share(us)} |`);
}
session.disconnect();

/** dist/index.js line → the src file esbuild's `// src/x.ts` comment says it comes from. */
function distLineMap(): (line: number) => string | undefined {
  const dist = path.join(repoRoot, 'dist', 'index.js');
  if (!fs.existsSync(dist)) return () => undefined;
  const marks: Array<[number, string]> = [];
  fs.readFileSync(dist, 'utf8').split('\n').forEach((text, i) => {
    const m = /^\/\/ (src\/[\w.-]+\.ts)$/.exec(text);
    if (m) marks.push([i + 1, m[1]!]);
  });
  return (line) => marks.filter(([l]) => l <= line).at(-1)?.[1];
}
