// Where `createConnection`'s bundle goes, module by module, in gzip bytes (`npm run size:modules`).
//
// Minified bytes mislead under gzip (a repeated message template costs little; a table of unique
// strings costs nearly its length), so each module gets two gzip figures:
// - marginal: gzip(bundle up to and including the module) − gzip(bundle up to the module before),
//   in output order; the column sums to the bundle's gzip size;
// - without: gzip(bundle) − gzip(bundle with the module's code cut out), what deleting it would save
//   (the module's code compressed in the context of everything else);
// - prose: gzip(bundle) − gzip(bundle with the module's prose emptied), prose being every string or
//   template text with a space in it (error messages, state descriptions, reason labels): what the
//   words cost, as against the code.
// The bundle is built as `bench/bundle` builds it (esbuild, minify, browser, ESM, xstate external),
// once with whitespace kept so the `// src/x.ts` markers split it, each piece then whitespace-minified;
// the pieces joined come within about 0.5% of the fully minified bundle.
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { repoRoot } from '../lib/child.js';
import { table } from '../lib/types.js';

export const BUNDLE_TARGET = 'es2022';

export interface ModuleSize {
  module: string;
  minBytes: number;
  marginalGzipBytes: number;
  withoutGzipBytes: number;
  proseGzipBytes: number;
}

/** `code` with the text of every string and template part that contains a space emptied (quotes and `${}` kept). */
export function withoutProse(code: string): string {
  const file = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const cuts: [number, number][] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)) {
      if (node.text.includes(' ')) {
        const start = node.getStart(file) + 1;
        const end = node.getEnd() - (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) ? 2 : 1);
        cuts.push([start, end]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = '';
  let at = 0;
  for (const [start, end] of cuts.sort((a, b) => a[0] - b[0])) {
    out += code.slice(at, start);
    at = end;
  }
  return out + code.slice(at);
}

const gzip = (code: string) => zlib.gzipSync(code, { level: 9 }).byteLength;

export async function sizeByModule(entry = `export { createConnection } from './src/index.ts';`): Promise<{
  rows: ModuleSize[];
  minBytes: number;
  gzipBytes: number;
  /** the joined bundle with every module's prose emptied: what code alone costs */
  codeOnlyGzipBytes: number;
}> {
  const common = {
    stdin: { contents: entry, resolveDir: repoRoot, loader: 'ts' as const },
    bundle: true,
    platform: 'browser' as const,
    format: 'esm' as const,
    target: BUNDLE_TARGET,
    write: false,
    external: ['xstate'],
    logLevel: 'silent' as const,
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  const full = (await esbuild.build({ ...common, minify: true })).outputFiles![0]!.text;
  const marked = (await esbuild.build({ ...common, minifySyntax: true, minifyIdentifiers: true })).outputFiles![0]!.text;
  const parts = marked.split(/^\/\/ (\S+)\n/m);
  const pieces: { module: string; code: string }[] = [{ module: '(imports)', code: parts[0]! }];
  for (let i = 1; i < parts.length; i += 2) pieces.push({ module: parts[i]!, code: parts[i + 1]! });
  for (const piece of pieces) {
    piece.code = (await esbuild.transform(piece.code, { minifyWhitespace: true, target: BUNDLE_TARGET, format: 'esm' })).code;
  }
  const joined = pieces.map((p) => p.code).join('');
  const whole = gzip(joined);
  const byModule = new Map<string, ModuleSize>();
  let prefix = '';
  let before = 0;
  pieces.forEach((piece, i) => {
    prefix += piece.code;
    const after = gzip(prefix);
    const without = whole - gzip(pieces.filter((_, j) => j !== i).map((p) => p.code).join(''));
    const prose = whole - gzip(pieces.map((p, j) => (j === i ? withoutProse(p.code) : p.code)).join(''));
    const row = byModule.get(piece.module) ?? { module: piece.module, minBytes: 0, marginalGzipBytes: 0, withoutGzipBytes: 0, proseGzipBytes: 0 };
    row.minBytes += piece.code.length;
    row.marginalGzipBytes += after - before;
    row.withoutGzipBytes += without;
    row.proseGzipBytes += prose;
    byModule.set(piece.module, row);
    before = after;
  });
  const rows = [...byModule.values()].filter((r) => r.minBytes > 0).sort((a, b) => b.marginalGzipBytes - a.marginalGzipBytes);
  const codeOnlyGzipBytes = gzip(pieces.map((p) => withoutProse(p.code)).join(''));
  return { rows, minBytes: full.length, gzipBytes: gzip(full), codeOnlyGzipBytes };
}

export function sizeByModuleTable(result: Awaited<ReturnType<typeof sizeByModule>>): string {
  const n = (b: number) => b.toLocaleString('en-US');
  return [
    table(
      ['module', 'minified bytes', 'gzip bytes, marginal', 'gzip bytes saved without it', 'of which prose'],
      [
        ...result.rows.map((r) => [r.module, n(r.minBytes), n(r.marginalGzipBytes), n(r.withoutGzipBytes), n(r.proseGzipBytes)]),
        ['**bundle** (fully minified)', n(result.minBytes), `**${n(result.gzipBytes)}**`, '', ''],
      ],
    ),
    '',
    `With the prose of every module emptied (code alone): ${n(result.codeOnlyGzipBytes)} bytes gzip.`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await sizeByModule(process.argv[2]);
  console.log(sizeByModuleTable(result));
}
