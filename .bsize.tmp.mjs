import * as esbuild from 'esbuild'; import zlib from 'node:zlib';
const contents = process.argv[2] ?? `export { createConnection } from './src/index.ts';`;
const r = await esbuild.build({ stdin:{contents, resolveDir:process.cwd(), loader:'ts'}, bundle:true, minify:true, platform:'browser', format:'esm', target:'es2020', write:false, external:['xstate'], metafile:true, define:{'process.env.NODE_ENV':'"production"'}, logLevel:'silent'});
const code = r.outputFiles[0].contents;
console.log('min', code.length, 'gzip', zlib.gzipSync(code,{level:9}).length);
const out = Object.values(r.metafile.outputs)[0];
for (const [k,v] of Object.entries(out.inputs).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput)) console.log(v.bytesInOutput, k);
