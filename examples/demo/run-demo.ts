/**
 * `npm run demo`: the chat server with the demo page, on 127.0.0.1; prints one URL and runs
 * until Ctrl-C. `npm run demo -- --scripted`: the same faults as a headless tour (a Node client),
 * prints the timeline and exits 0 when it went as expected, 1 otherwise.
 *
 *   npm run demo [-- --port N] [-- --verbose]
 *   npm run demo -- --scripted
 *
 * Run through npm: it builds the package first, which the page imports from `dist/`.
 */
import { parseArgs } from 'node:util';
import { DEMO_PORT, startDemoServer } from './demo-server.js';
import { formatEntry, runTour } from './tour.js';

const USAGE = `usage: npm run demo [-- --port N] [--verbose]     the page, until Ctrl-C (default port ${DEMO_PORT}, or a free one)
       npm run demo -- --scripted                  the fault tour, headless; exit 0 when it went as expected`;

async function main(): Promise<number | undefined> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      scripted: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    console.error(`invalid --port ${values.port}\n${USAGE}`);
    return 2;
  }
  const log = values.verbose ? (line: string) => console.log(`[server] ${line}`) : undefined;

  if (values.scripted) {
    const server = await startDemoServer({ port: port ?? 0, log });
    try {
      console.log(`scripted fault tour against ${server.url}/\n`);
      const result = await runTour({ serverUrl: server.url, onLine: (line) => console.log(line) });
      console.log('');
      if (result.ok) {
        console.log(`ok: ${result.statuses.join(' → ')}`);
        console.log(`done in ${(result.durationMs / 1000).toFixed(1)} s`);
        return 0;
      }
      for (const problem of result.problems) console.error(`FAIL: ${problem}`);
      return 1;
    } finally {
      await server.close();
    }
  }

  const server = await startDemoServer({ port: port ?? DEMO_PORT, fallbackToFreePort: port === undefined, log });
  console.log(`${server.url}/`);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1); // second Ctrl-C: do not wait
    stopping = true;
    setTimeout(() => process.exit(1), 3000).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return undefined;
}

main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
