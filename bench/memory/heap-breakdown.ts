// Where the memory per open connection goes: for each client, one process opens 1 connection and
// takes a heap snapshot, opens 1,000 more and takes another (forced GC before each); the diff of
// the two, grouped by constructor / closure source / object shape, divided by 1,000, is the cost
// of one connection. Snapshots are kept in bench/memory/snapshots/ (git-ignored).
//
//   npx tsx bench/memory/heap-breakdown.ts [--clients=raw-ws,ours,ours-hb] [--more=1000] [--top=40]
//
// `ours-hb` is ours with the heartbeat on (25 s interval, 10 s timeout), as in `npm run bench`.
// Ours is loaded from dist/ (run `npm run build` first) so closures have real lines; each is
// shown with the src file esbuild's `// src/x.ts` comments in dist/index.js place it in.
import fs from 'node:fs';
import path from 'node:path';
import { argMap, benchDir, runChild, startServer } from '../lib/child.js';
import { diffGroups, groupHeapSnapshot, type HeapGroup } from './heap-snapshot.js';

interface ChildResult {
  client: string;
  more: number;
  before: { file: string; heapUsed: number };
  after: { file: string; heapUsed: number };
  scripts: Record<string, string>;
}

const args = argMap();
const clients = (args.clients ?? 'raw-ws,ours,ours-hb').split(',');
const more = Number(args.more ?? 1000);
const top = Number(args.top ?? 40);
const outDir = path.join(benchDir, 'memory', 'snapshots');
fs.mkdirSync(outDir, { recursive: true });

async function main(): Promise<void> {
  const server = await startServer<{ port: number }>('servers/echo-server.ts', [], { timeoutMs: 15_000 });
  const url = `ws://127.0.0.1:${server.info.port}`;
  const kb = (bytes: number) => (bytes / 1000).toFixed(2);
  try {
    for (const name of clients) {
      const heartbeat = name.endsWith('-hb');
      const client = heartbeat ? name.slice(0, -3) : name;
      const r = await runChild<ChildResult>(
        'memory/heap-child.ts',
        [`--client=${client}`, `--url=${url}`, `--more=${more}`, `--outDir=${outDir}`, `--heartbeat=${heartbeat ? 1 : 0}`],
        { timeoutMs: 240_000, nodeArgs: ['--expose-gc'], env: { BENCH_OURS_FROM: 'dist' } },
      );
      const srcOf = distLineMap();
      const named = (key: string) => key.replace(/@ dist\/index\.js:(\d+):(\d+)/g, (m, line: string) => `@ ${srcOf(Number(line)) ?? 'dist/index.js'} (dist:${line})`);
      const rows = diffGroups(groupHeapSnapshot(r.before.file, r.scripts), groupHeapSnapshot(r.after.file, r.scripts), more);
      const total = rows.reduce((s, x) => s + x.selfBytes, 0);
      console.log(`\n### ${name}: ${kb(total)} KB per connection in the snapshot diff ` +
        `(heapUsed diff ${kb((r.after.heapUsed - r.before.heapUsed) / more)} KB)\n`);
      console.log('| what (constructor, closure @ file:line, or Object {first keys}) | count / conn | bytes / conn | share |');
      console.log('| --- | --- | --- | --- |');
      const shown = rows.filter((x) => Math.abs(x.selfBytes) >= 8).slice(0, top);
      for (const x of shown) console.log(`| ${named(x.key).replace(/\|/g, '\\|')} | ${x.count.toFixed(2)} | ${x.selfBytes.toFixed(0)} | ${((100 * x.selfBytes) / total).toFixed(1)}% |`);
      const rest = rows.filter((x) => !shown.includes(x)).reduce((s, x) => s + x.selfBytes, 0);
      console.log(`| (everything else) | | ${rest.toFixed(0)} | ${((100 * rest) / total).toFixed(1)}% |`);
      console.log('\nBy owner (rules in SOURCES, heap-breakdown.ts):\n');
      console.log('| owner | KB / conn |');
      console.log('| --- | --- |');
      for (const [source, bytes] of bySource(rows)) console.log(`| ${source} | ${kb(bytes)} |`);
    if (args.unmatched === '1') {
      for (const x of rows.filter((r) => Math.abs(r.selfBytes) >= 8 && !SOURCES.some(([, re]) => re.test(r.key)))) console.log(`  unmatched: ${named(x.key)} ${x.selfBytes.toFixed(0)}`);
    }
    }
  } finally {
    await server.stop();
  }
}

/**
 * Who a row belongs to, by the names this code base and its libraries use (checked against the
 * snapshots; a row that matches no rule lands in "other"). Backing stores follow their owner.
 */
const SOURCES: Array<[string, RegExp]> = [
  ['bench harness (same for every client)', /@ bench\/|Object \{url, WebSocket, heartbeat|Object \{send, close\}$/],
  ['ws + net (what raw ws holds too)', /@ ws\/|^(\(\w+\) .* of )?(WebSocket|Socket|Receiver|Sender|TCP|WritableState|ReadableState|HTTPParser|Node \/ TCPSocketWrap)$|TCPSocketWrap|Object \{close, error, prefinish|native_bind|bound arguments/],
  ['ours: closures of handle, adapter, silence meter', /@ (src|dist)\//],
  ['ours: plain-data objects (options, deps, context, handle, listeners)',
    /^(\(\w+\) .* of )?(ConnectionHandle|SocketAdapter|HostDeps)$|Object \{[^}]*get status|Object \{(?=[^}]*message)(?=[^}]*open)|Object \{(settings|WebSocket, url|url, protocols|actor, send|connect, actor|reconnect, status|opened, heard|open, close, error|message, error|error, message|listener|send|reason|socket|session)\b/],
  ['xstate: two actors, their system, snapshots, timers', /@ xstate\/|\b(Actor|Mailbox|Set|Map|WeakMap|Timeout)$|(of|^)(Set|Map|WeakMap)$|Object \{(self, id|status, output|clock, logger|_snapshot|_scheduledEvents|schedule, cancel|source, target|next, error|receivers, dispose)/],
  ['strings and numbers', /^\((string|number|concatenated string|sliced string)\)$/],
  ['compiled code, shapes, feedback (V8)', /^\((code|object shape)\)|DescriptorArray|FeedbackVector|WeakArrayList|CleanupQueue/],
];

function bySource(rows: HeapGroup[]): Array<[string, number]> {
  const sums = new Map<string, number>();
  for (const x of rows) {
    if (Math.abs(x.selfBytes) < 1) continue;
    const source = SOURCES.find(([, re]) => re.test(x.key))?.[0] ?? 'other (arrays and objects not matched above)';
    sums.set(source, (sums.get(source) ?? 0) + x.selfBytes);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

/** dist/index.js line → the src file esbuild's `// src/x.ts` comment says it comes from. */
function distLineMap(): (line: number) => string | undefined {
  const file = path.join(benchDir, '..', 'dist', 'index.js');
  if (!fs.existsSync(file)) return () => undefined;
  const marks: Array<[number, string]> = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    const m = /^\/\/ (src\/[\w.-]+\.ts)$/.exec(text);
    if (m) marks.push([i + 1, m[1]!]);
  });
  return (line) => marks.filter(([l]) => l <= line).at(-1)?.[1];
}

await main();
