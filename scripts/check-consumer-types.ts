/**
 * Packs the package as published and type-checks a tiny ESM consumer against the LOWEST xstate
 * the peer range admits, with `moduleResolution` node16 and bundler and `skipLibCheck: false`
 * (so errors inside dist/index.d.ts count), then imports it (and `xstate-websocket/testing`) at runtime with that xstate.
 *
 * Why: tsc spells out the machine's full `StateMachine<...>` type in the emitted d.ts, and that
 * type's arity follows the xstate it was built with (5.33.0 added a 15th type parameter), so a
 * peer range wider than what is checked here ships types that fail in consumers' builds.
 *
 * Run: `npm run test:consumer` (CI runs it). Needs the npm registry for xstate only; the project
 * lives in the OS temp dir and is removed afterwards. Uses this checkout's TypeScript.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };

/** The lowest version a caret/tilde/exact range admits, e.g. '^5.33.0' → '5.33.0'. */
function lowestOf(range: string): string {
  const match = /^[\^~]?(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!match) throw new Error(`peer range ${JSON.stringify(range)} is not a single ^/~/exact version; teach lowestOf() about it`);
  return match[1]!;
}

const CONSUMER = `import { createActor, setup } from 'xstate';
import {
  connectionMachine,
  createConnection,
  createSocketActor,
  getStatus,
  resolveOptions,
  type ConnectionOptions,
  type ConnectionStatus,
} from 'xstate-websocket';
import { createTestServer, TestClock } from 'xstate-websocket/testing';
import { ReconnectingWebSocket, type ReconnectingWebSocketOptions } from 'xstate-websocket/websocket';
import type { useConnection } from 'xstate-websocket/react';
import { createSharedConnection, type SharedConnection } from 'xstate-websocket/shared';

const options: ConnectionOptions = { url: 'ws://127.0.0.1:9/', autoConnect: false, WebSocket: class {} as never };
const conn = createConnection(options);
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
const server = createTestServer();
const tested = createConnection({ url: 'ws://app.test/', WebSocket: server.WebSocket, clock: new TestClock(), autoConnect: false });
tested.connect();
server.latest().accept();
tested.stop();
const rwsOptions: ReconnectingWebSocketOptions = { startClosed: true, WebSocket: class {} as never, minReconnectionDelay: 10 };
const rws = new ReconnectingWebSocket('ws://127.0.0.1:9/', [], rwsOptions);
rws.addEventListener('close', (event) => console.log(event.code, rws.readyState === ReconnectingWebSocket.CLOSED));
rws.connection.stop();
type Hook = typeof useConnection; // the react entry's types need no react types
const shared: SharedConnection = createSharedConnection({ key: 'k', ...options });
const sharedStatus: ConnectionStatus = shared.status;
shared.stop();
console.log(status, childStatus, sharedStatus, shared.shared, null as unknown as Hook);
`;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function main(): void {
  const xstate = lowestOf(pkg.peerDependencies.xstate!);
  const dir = mkdtempSync(join(tmpdir(), 'xstate-websocket-consumer-'));
  try {
    run('npm', ['run', 'build', '--silent'], root);
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', dir], root).trim().split('\n').pop()!;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run('npm', ['install', '--silent', '--no-audit', '--no-fund', '--no-save', `xstate@${xstate}`, join(dir, tarball)], dir);
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    for (const [module, moduleResolution] of [
      ['node16', 'node16'],
      ['esnext', 'bundler'],
    ] as const) {
      const config = `tsconfig.${moduleResolution}.json`;
      writeFileSync(
        join(dir, config),
        JSON.stringify({
          compilerOptions: { strict: true, target: 'es2022', module, moduleResolution, skipLibCheck: false, noEmit: true, types: [] },
          files: ['consumer.ts'],
        }),
      );
      try {
        run(process.execPath, [tsc, '-p', config], dir);
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`consumer does not type-check with xstate ${xstate}, moduleResolution ${moduleResolution}:\n${stdout}${stderr}`);
      }
      console.log(`consumer types: ok with xstate ${xstate}, moduleResolution ${moduleResolution}`);
    }
    const loaded = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('xstate-websocket'); const w = await import('xstate-websocket/websocket'); console.log(typeof m.createConnection, typeof m.connectionMachine.provide, typeof w.ReconnectingWebSocket)",
      ],
      dir,
    ).trim();
    if (loaded !== 'function function function') throw new Error(`consumer import with xstate ${xstate} gave: ${loaded}`);
    console.log(`consumer runtime import: ok with xstate ${xstate}`);
    const testing = run(
      process.execPath,
      ['--input-type=module', '-e', "const t = await import('xstate-websocket/testing'); console.log(typeof t.createTestServer, typeof new t.TestClock().advance)"],
      dir,
    ).trim();
    if (testing !== 'function function') throw new Error(`consumer import of xstate-websocket/testing with xstate ${xstate} gave: ${testing}`);
    console.log(`consumer runtime import of xstate-websocket/testing: ok with xstate ${xstate}`);
    const sharedLoaded = run(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('xstate-websocket/shared'); console.log(typeof m.createSharedConnection)"],
      dir,
    ).trim();
    if (sharedLoaded !== 'function') throw new Error(`consumer import of xstate-websocket/shared with xstate ${xstate} gave: ${sharedLoaded}`);
    console.log(`consumer runtime import of xstate-websocket/shared: ok with xstate ${xstate}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
