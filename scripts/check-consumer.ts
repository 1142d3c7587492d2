/**
 * Consumer smoke test: packs the package as published, installs the tarball into a fresh project
 * in the OS temp dir (removed afterwards), once with the LOWEST and once with the NEWEST xstate of
 * the peer range, and for each:
 * - type-checks a small consumer with `skipLibCheck: false` (so errors inside dist/*.d.ts count):
 *   ESM under `moduleResolution` node16 and bundler, CommonJS (.cts) under node16;
 * - imports every entry point of package.json `exports` as ESM (`import()`) and CJS (`require()`);
 * - runs connect → echo → close from ESM and from CJS against a local `ws` server on 127.0.0.1.
 *
 * Why the lowest xstate: tsc spells out the machine's full `StateMachine<...>` type in the emitted
 * d.ts, and that type's arity follows the xstate it was built with (5.33.0 added a 15th type
 * parameter), so a peer range wider than what is checked here ships types that fail in consumers'
 * builds.
 *
 * Entry points come from package.json `exports`; other peer dependencies are installed at the
 * newest version of their range. Run: `npm run test:consumer` (CI runs it). Needs the npm registry
 * for xstate, ws and other peers only. Uses this checkout's TypeScript.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
interface PackageJson {
  name: string;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

/** The lowest version a caret/tilde/exact range admits, e.g. '^5.33.0' → '5.33.0'. */
function lowestOf(range: string): string {
  const match = /^[\^~]?(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!match) throw new Error(`peer range ${JSON.stringify(range)} is not a single ^/~/exact version; teach lowestOf() about it`);
  return match[1]!;
}

/** Every import specifier the package exports, e.g. 'xstate-websocket', 'xstate-websocket/spec'. */
const SPECIFIERS = Object.keys(pkg.exports)
  .filter((subpath) => !subpath.includes('*'))
  .map((subpath) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));
const CODE_SPECIFIERS = SPECIFIERS.filter((specifier) => !specifier.endsWith('.json'));

const CONSUMER = `import { createActor, setup } from 'xstate';
import {
  connectionMachine,
  createConnection,
  createSocketActor,
  getStatus,
  json,
  resolveOptions,
  type ConnectionOptions,
  type ConnectionStatus,
} from 'xstate-websocket';
${CODE_SPECIFIERS.map((specifier, i) => `import * as entry${i} from '${specifier}';`).join('\n')}

type Chat = { type: 'chat'; text: string };
const options: ConnectionOptions = { url: 'ws://127.0.0.1:9/', autoConnect: false, WebSocket: class {} as never };
const conn = createConnection(options);
const chat = createConnection({ ...options, codec: json<Chat, Chat>() });
chat.on('message', (message: Chat) => message.text);
const status: ConnectionStatus = conn.status;
const { settings, adapter } = resolveOptions(options);
const connection = connectionMachine.provide({ actors: { socket: createSocketActor({ ...adapter, onTransport: (t) => t?.send('hi') }) } });
const app = setup({ actors: { connection } }).createMachine({
  invoke: { id: 'connection', src: 'connection', input: settings },
});
const actor = createActor(app).start();
const child = actor.getSnapshot().children.connection!;
const childStatus: ConnectionStatus = getStatus(child.getSnapshot());
actor.stop();
conn.stop();
chat.stop();
console.log(status, childStatus, [${CODE_SPECIFIERS.map((_, i) => `entry${i}`).join(', ')}]);
`;

const CONSUMER_CJS = `import { createConnection, type ConnectionStatus } from 'xstate-websocket';
${CODE_SPECIFIERS.map((specifier, i) => `import * as entry${i} from '${specifier}';`).join('\n')}
const status: ConnectionStatus = createConnection({ url: 'ws://127.0.0.1:9/', autoConnect: false, WebSocket: class {} as never }).status;
console.log(status, [${CODE_SPECIFIERS.map((_, i) => `entry${i}`).join(', ')}]);
`;

/** connect → echo → close against a ws server on 127.0.0.1; `load` is the module system's way in. */
const echo = (load: (specifier: string) => string) => `const { WebSocketServer, WebSocket } = ${load('ws')};
const { createConnection } = ${load('xstate-websocket')};
const entries = [${SPECIFIERS.map((specifier) => load(specifier)).join(', ')}];
for (const [i, entry] of entries.entries()) if (Object.keys(entry).length === 0) throw new Error('entry point ' + i + ' exports nothing');
const deadline = setTimeout(() => { console.error('no echo within 10 s'); process.exit(1); }, 10000);
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(isBinary ? data : data.toString())));
server.on('listening', () => {
  const statuses = [];
  const conn = createConnection({ url: 'ws://127.0.0.1:' + server.address().port, WebSocket });
  conn.on('status', (status) => {
    statuses.push(status);
    if (status !== 'manuallyClosed') return;
    clearTimeout(deadline);
    server.close();
    console.log(statuses.join(' '));
  });
  conn.on('message', (data) => {
    if (data !== 'hi') throw new Error('echo gave ' + String(data));
    statuses.push('echo');
    conn.close();
  });
  conn.send('hi');
});
`;
const ESM_SMOKE = echo((specifier) =>
  specifier.endsWith('.json') ? `(await import('${specifier}', { with: { type: 'json' } })).default` : `await import('${specifier}')`,
);
const CJS_SMOKE = echo((specifier) => `require('${specifier}')`);
const EXPECTED_RUN = 'connecting open echo closing manuallyClosed';

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in the consumer project:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

function checkConsumer(dir: string, xstate: string): void {
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const builds = [
    { module: 'node16', moduleResolution: 'node16', file: 'consumer.ts', what: 'ESM, node16' },
    { module: 'esnext', moduleResolution: 'bundler', file: 'consumer.ts', what: 'ESM, bundler' },
    { module: 'node16', moduleResolution: 'node16', file: 'consumer.cts', what: 'CJS, node16' },
  ];
  for (const { module, moduleResolution, file, what } of builds) {
    const config = `tsconfig.${file}.${moduleResolution}.json`;
    const compilerOptions = { strict: true, target: 'es2022', module, moduleResolution, skipLibCheck: false, noEmit: true, types: [] };
    writeFileSync(join(dir, config), JSON.stringify({ compilerOptions, files: [file] }));
    try {
      run(process.execPath, [tsc, '-p', config], dir);
    } catch (error) {
      throw new Error(`consumer does not type-check with xstate ${xstate} (${what}):\n${(error as Error).message}`);
    }
    console.log(`consumer types: ok with xstate ${xstate} (${what})`);
  }
  for (const [file, what] of [
    ['smoke.mjs', 'ESM'],
    ['smoke.cjs', 'CJS'],
  ] as const) {
    const out = run(process.execPath, [file], dir).trim();
    if (out !== EXPECTED_RUN) throw new Error(`consumer ${what} run with xstate ${xstate} gave "${out}", expected "${EXPECTED_RUN}"`);
    console.log(`consumer ${what}: ${SPECIFIERS.length} entry points load; connect/echo/close ok with xstate ${xstate}`);
  }
}

function main(): void {
  const range = pkg.peerDependencies.xstate!;
  const others = Object.entries(pkg.peerDependencies)
    .filter(([name]) => name !== 'xstate')
    .map(([name, peerRange]) => `${name}@${peerRange}`);
  const dir = mkdtempSync(join(tmpdir(), 'xstate-websocket-consumer-'));
  try {
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', dir], root).trim().split('\n').pop()!;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
    writeFileSync(join(dir, 'consumer.cts'), CONSUMER_CJS);
    writeFileSync(join(dir, 'smoke.mjs'), ESM_SMOKE);
    writeFileSync(join(dir, 'smoke.cjs'), CJS_SMOKE);
    const install = (xstate: string) =>
      run('npm', ['install', '--silent', '--no-audit', '--no-fund', '--no-save', `xstate@${xstate}`, `ws@${pkg.devDependencies.ws}`, ...others, join(dir, tarball)], dir);
    install(lowestOf(range));
    checkConsumer(dir, lowestOf(range));
    install(range);
    const newest = (JSON.parse(readFileSync(join(dir, 'node_modules/xstate/package.json'), 'utf8')) as { version: string }).version;
    checkConsumer(dir, newest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
