import * as esbuild from 'esbuild';
import zlib from 'node:zlib';
const out = await esbuild.build({ stdin: { contents: `export { createConnection } from './src/index.ts';`, resolveDir: process.cwd(), loader: 'ts' },
  bundle: true, minify: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, external: ['xstate'], logLevel: 'silent' });
const code = out.outputFiles[0]!.text;
const g = (s: string) => zlib.gzipSync(s, { level: 9 }).length;
const lits = [...code.matchAll(/"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*'/g)].map(m => m[0]);
const prose = lits.filter(l => / /.test(l));
let stripped = code; for (const l of prose) stripped = stripped.replace(l, '""');
console.log('bundle', g(code), 'without prose literals', g(stripped), 'prose chars', prose.join('').length, 'prose alone gzip', g(prose.join('\n')));
const desc = prose.filter(l => code.includes('description:' + l));
console.log('descriptions', desc.length, g(desc.join('\n')));
