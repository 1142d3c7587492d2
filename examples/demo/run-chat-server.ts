/**
 * Start the demo chat server from the command line.
 *
 *   npx tsx examples/demo/run-chat-server.ts [--port 8080] [--static DIR] [--token T ...] [--quiet]
 *
 * `--static` defaults to the demo page (the `public` folder beside this file), served with the
 * built package at `/dist/` and xstate at `/vendor/xstate/` (`npm run build` first).
 * `npm run demo` does all that for you.
 * Ctrl-C (SIGINT) or SIGTERM closes every connection and the listener.
 */
import { parseArgs } from 'node:util';
import { startChatServer } from './chat-server.js';
import { demoStaticOptions } from './demo-server.js';

const USAGE = 'usage: run-chat-server [--port N] [--static DIR] [--token TOKEN]... [--quiet]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      static: { type: 'string' },
      token: { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`invalid --port ${values.port}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { staticDir, staticMounts } = values.static === undefined ? demoStaticOptions() : { staticDir: values.static, staticMounts: {} };
  const tokens = values.token ?? ['demo-token'];

  const server = await startChatServer({
    port,
    staticDir,
    staticMounts,
    tokens,
    log: values.quiet ? undefined : (line) => console.log(`[${new Date().toISOString()}] ${line}`),
  });
  console.log(`Demo chat server on ${server.url}/`);
  console.log(`  WebSocket: ${server.wsUrl}?room=lobby&user=alice&token=${tokens[0] ?? ''}`);
  console.log(`  Stats:     GET ${server.url}/stats`);
  console.log(`  Faults:    POST ${server.url}/fault/{kill,restart,half-open,reject,offline,heal}`);
  console.log(staticDir ? `  Static:    ${staticDir}` : '  Static:    none (pass --static DIR)');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.exit(1); // second signal: give up waiting
    }
    stopping = true;
    console.log(`${signal}: closing`);
    const force = setTimeout(() => process.exit(1), 3000);
    force.unref();
    server.close().then(
      () => console.log('closed'),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
