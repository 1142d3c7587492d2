import * as esbuild from 'esbuild';
const r = await esbuild.build({ stdin:{contents:`export { createConnection } from './src/index.ts';`, resolveDir:process.cwd(), loader:'ts'}, bundle:true, minify:true, platform:'browser', format:'esm', target:'es2020', write:false, external:['xstate'], define:{'process.env.NODE_ENV':'"production"'}, logLevel:'silent'});
process.stdout.write(r.outputFiles[0].text);
