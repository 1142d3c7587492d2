// Benchmark 4: bundle size (esbuild, minified, browser, ESM, gzip via node:zlib).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { repoRoot } from '../lib/child.js';
import { fmt } from '../lib/stats.js';
import { table, type BenchContext, type BenchOutcome } from '../lib/types.js';
import { BUNDLE_TARGET, sizeByModule, sizeByModuleTable } from './by-module.js';

/** Issue 11: `createConnection` alone, xstate external. */
const TARGET_OURS_GZIP_KB = 5.0;
const REFERENCE_KB: Record<string, number> = {
  partysocket: 2.9,
  'reconnecting-websocket': 2.6,
  'xstate (core)': 12.7,
};

interface Entry {
  name: string;
  /** module source handed to esbuild as stdin, or a file */
  contents?: string;
  file?: string;
  external?: string[];
  note: string;
}

interface SizeRow {
  name: string;
  minBytes: number;
  gzipBytes: number;
  note: string;
}

async function measure(e: Entry): Promise<SizeRow> {
  const common = {
    bundle: true,
    minify: true,
    platform: 'browser' as const,
    format: 'esm' as const,
    // what the package ships (tsup.config.ts); es2020 gives the same bytes today
    target: BUNDLE_TARGET,
    write: false,
    logLevel: 'silent' as const,
    external: e.external ?? [],
    absWorkingDir: repoRoot,
    // keep process.env.NODE_ENV checks from pulling in dev-only code
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  const out = await esbuild.build(
    e.file
      ? { ...common, entryPoints: [e.file] }
      : { ...common, stdin: { contents: e.contents!, resolveDir: repoRoot, loader: 'ts' } },
  );
  const code = out.outputFiles![0]!.contents;
  return {
    name: e.name,
    minBytes: code.byteLength,
    gzipBytes: zlib.gzipSync(code, { level: 9 }).byteLength,
    note: e.note,
  };
}

export async function runBundle(_ctx: BenchContext): Promise<BenchOutcome> {
  const oursEntry = path.join(repoRoot, 'src', 'index.ts');
  const haveOurs = fs.existsSync(oursEntry);
  const entries: Entry[] = [
    ...(haveOurs
      ? [
          {
            name: 'ours: createConnection (xstate external)',
            contents: `export { createConnection } from './src/index.ts';`,
            external: ['xstate'],
            note: 'what an app that calls createConnection ships (size-limit budget in package.json)',
          },
          { name: 'ours (xstate external)', file: oursEntry, external: ['xstate'], note: 'src/index.ts, all exports' },
          {
            name: 'ours: xstate-websocket/spec',
            file: path.join(repoRoot, 'src', 'spec.ts'),
            note: 'src/spec.ts: reason meanings and the close-code table, for the spec generator and docs',
          },
          {
            name: 'ours: xstate-websocket/testing',
            file: path.join(repoRoot, 'src', 'testing', 'index.ts'),
            external: ['xstate'],
            note: "src/testing/index.ts: in-memory server and WebSocket, virtual clock, for apps' tests (never in an app's bundle)",
          },
          {
            name: 'ours: xstate-websocket/websocket (xstate external)',
            file: path.join(repoRoot, 'src', 'websocket.ts'),
            external: ['xstate'],
            note: 'src/websocket.ts: ReconnectingWebSocket, createConnection included',
          },
          {
            name: 'ours: xstate-websocket/react (xstate, react external)',
            file: path.join(repoRoot, 'src', 'react.ts'),
            external: ['xstate', 'react'],
            note: 'src/react.ts: the hooks, createConnection included',
          },
          {
            name: 'ours: xstate-websocket/shared (xstate external)',
            file: path.join(repoRoot, 'src', 'shared.ts'),
            external: ['xstate'],
            note: 'src/shared.ts: createSharedConnection (the election chart, the tabs), createConnection included',
          },
          { name: 'ours + xstate', file: oursEntry, note: 'src/index.ts with xstate bundled (tree-shaken)' },
        ]
      : []),
    {
      name: 'xstate (core)',
      contents: `import { setup, createActor, assign } from 'xstate'; export { setup, createActor, assign };`,
      note: 'setup + createActor + assign: what a statechart client needs at minimum',
    },
    {
      name: 'xstate (everything)',
      contents: `export * from 'xstate';`,
      note: "every export of 'xstate'",
    },
    {
      name: 'reconnecting-websocket',
      contents: `import RWS from 'reconnecting-websocket'; export { RWS };`,
      note: 'default export',
    },
    {
      name: 'partysocket',
      contents: `import PartySocket from 'partysocket'; export { PartySocket };`,
      note: "default export of 'partysocket' (PartySocket)",
    },
    {
      name: 'partysocket/ws',
      contents: `import RWS from 'partysocket/ws'; export { RWS };`,
      note: "default export of 'partysocket/ws' (the reconnecting socket alone)",
    },
    {
      name: 'sockette',
      contents: `import sockette from 'sockette'; export { sockette };`,
      note: 'default export',
    },
  ];
  const rows: SizeRow[] = [];
  const failures: string[] = [];
  for (const e of entries) {
    try {
      rows.push(await measure(e));
    } catch (err) {
      failures.push(`${e.name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const kb = (b: number) => b / 1000;
  const byModule = haveOurs ? await sizeByModule() : undefined;
  const ours = rows.find((r) => r.name === 'ours: createConnection (xstate external)');
  const oursAll = rows.find((r) => r.name === 'ours (xstate external)');
  const oursX = rows.find((r) => r.name === 'ours + xstate');
  const peers = rows
    .filter((r) => !r.name.startsWith('ours'))
    .map((r) => `${r.name} ${fmt(kb(r.gzipBytes), 2)}`)
    .join(', ');
  const summary = ours
    ? `bundle: gzip KB ours createConnection ${fmt(kb(ours.gzipBytes), 2)}, every export ${fmt(kb(oursAll?.gzipBytes ?? NaN), 2)}, ours+xstate ${fmt(kb(oursX?.gzipBytes ?? NaN), 2)}; ${peers} — vs target ≤ ${TARGET_OURS_GZIP_KB} KB: ${fmt(kb(ours.gzipBytes) / TARGET_OURS_GZIP_KB, 2)}× of budget`
    : `bundle: src/index.ts not present; gzip KB ${peers} — vs target ≤ ${TARGET_OURS_GZIP_KB} KB: n/a`;
  const markdown = [
    `esbuild ${esbuild.version} API: bundle, minify, platform browser, format ESM, target ${BUNDLE_TARGET}, NODE_ENV=production; ` +
      `gzip with node:zlib level 9. 1 KB = 1000 bytes. Peers are bundled from a one-line module that imports the main export and re-exports it, so tree-shaking keeps it.`,
    '',
    table(
      ['bundle', 'minified KB', 'gzip KB', 'reference gzip KB (issue)', 'what'],
      rows.map((r) => [
        r.name,
        fmt(kb(r.minBytes), 2),
        `**${fmt(kb(r.gzipBytes), 2)}**`,
        r.name === 'ours: createConnection (xstate external)'
          ? `target ≤ ${TARGET_OURS_GZIP_KB}`
          : REFERENCE_KB[r.name] !== undefined
            ? fmt(REFERENCE_KB[r.name]!, 1)
            : '',
        r.note,
      ]),
    ),
    ...(ours && oursX
      ? ['', `xstate code pulled in by ours: ${fmt(kb(oursX.gzipBytes - (oursAll ?? ours).gzipBytes), 2)} KB gzip (difference of the two rows).`]
      : []),
    ...(failures.length ? ['', `Failed: ${failures.join('; ')}`] : []),
    ...(byModule
      ? [
          '',
          `\`createConnection\` by module (\`npx tsx bench/bundle/by-module.ts\`; gzip bytes, see the script for the three measures). ` +
            `The target is ${TARGET_OURS_GZIP_KB} KB; code alone, with every error message, state description and reason label emptied, ` +
            `is ${fmt(kb(byModule.codeOnlyGzipBytes), 2)} KB.`,
          '',
          sizeByModuleTable(byModule),
        ]
      : []),
  ].join('\n');
  return { id: 'bundle', title: '4. Bundle size', summary, markdown, data: rows };
}
