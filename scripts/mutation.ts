/**
 * `npm run test:mutation -- <src file>`: mutation-tests one source file with Stryker
 * (stryker.config.mjs), running only the fast test files listed for it below, with
 * FC_NUM_RUNS=150 sequences per model-based property (see NUM_RUNS) unless FC_NUM_RUNS is set. Not part of
 * `npm test` or CI. Reports: reports/mutation/<name>.html (git-ignored). Extra arguments go to
 * `stryker run` (e.g. `--force` to re-run every mutant, ignoring the incremental baseline).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The fast suites that reach each file: unit, table, graph and model tests. Never the
 * real-socket fault suites, the demo or the browser (slow, and they repeat on the wire what
 * these pin exactly), nor `broken-machines.test.ts` (it tests the proofs, not the code).
 * Every mutant of the chart config is "static" (it exists from import on), so it runs every
 * file listed for connection.machine.ts: the model-based run is left out there (the exhaustive
 * graph exploration and the table cover the chart for small settings at a fraction of the time).
 */
export const MUTATION_TESTS: Record<string, string[]> = {
  'src/backoff.ts': ['test/backoff.test.ts', 'test/connection.closed.test.ts', 'test/create-connection.lifecycle.test.ts', 'test/connection.table.test.ts', 'test/connection.model.test.ts'],
  'src/close-codes.ts': [
    'test/close-codes.test.ts',
    'test/create-connection.lifecycle.test.ts',
    'test/connection.table.test.ts',
    'test/visualizations.test.ts',
    'test/socket.actor.test.ts',
  ],
  'src/connection.machine.ts': [
    'test/connection.closed.test.ts',
    'test/create-connection.lifecycle.test.ts',
    'test/connection.table.test.ts',
    'test/connection.graph.test.ts',
    'test/inspection.test.ts',
    'test/embedding.test.ts',
    'test/visualizations.test.ts',
    'test/connection.handshake.test.ts',
  ],
  'src/create-connection.ts': [
    'test/create-connection.test.ts',
    'test/create-connection.edges.test.ts',
    'test/create-connection.lifecycle.test.ts',
    'test/create-connection.model.test.ts',
    'test/embedding.test.ts',
    'test/inspection.test.ts',
    'test/socket.actor.test.ts',
    'test/create-connection.handshake.test.ts',
    'test/create-connection.codec.test.ts',
  ],
  'src/jitter.ts': ['test/jitter.test.ts', 'test/connection.closed.test.ts', 'test/embedding.test.ts', 'test/create-connection.model.test.ts'],
  'src/outgoing.ts': ['test/outgoing.test.ts', 'test/create-connection.test.ts', 'test/create-connection.edges.test.ts', 'test/create-connection.model.test.ts'],
  // The adapter's parts: their own unit tests, and the adapter's tests that use them on the fake.
  'src/url.ts': ['test/url.test.ts', 'test/options.test.ts', 'test/socket.actor.test.ts', 'test/create-connection.test.ts'],
  'src/ask.ts': ['test/url.test.ts', 'test/socket.actor.test.ts', 'test/create-connection.handshake.test.ts'],
  'src/environment.ts': ['test/environment.test.ts', 'test/options.test.ts'],
  'src/clock-jumps.ts': ['test/clock-jumps.test.ts', 'test/environment.test.ts', 'test/create-connection.model.test.ts'],
  'src/silence.ts': ['test/silence.test.ts', 'test/socket.actor.test.ts', 'test/create-connection.lifecycle.test.ts'],
  'src/let-go.ts': ['test/socket.actor.test.ts', 'test/create-connection.lifecycle.test.ts', 'test/create-connection.edges.test.ts'],
  // The adapter: its unit tests, the chart and handle tests that drive it through the fake
  // WebSocket, and one model suite (connection.model: every command of the alphabet reaches the
  // adapter through the fake; the handle model adds the send queue, which is not the adapter's).
  'src/socket.actor.ts': [
    'test/socket.actor.test.ts',
    'test/socket.actor.logic.test.ts',
    'test/create-connection.handshake.test.ts',
    'test/create-connection.codec.test.ts',
    'test/create-connection.lifecycle.test.ts',
    'test/create-connection.test.ts',
    'test/create-connection.edges.test.ts',
    'test/connection.model.test.ts',
  ],
};

/**
 * Sequences per model-based property where 150 is too slow: every adapter mutant is reached by
 * the model suite, so each one runs it (150 sequences: ~28 min for the file on a shared 2-core
 * machine; 40: about half). The unit, chart and handle tests pin the adapter's edges exactly.
 */
const NUM_RUNS: Record<string, string> = { 'src/socket.actor.ts': '40' };

const [file, ...strykerArgs] = process.argv.slice(2);
if (!file || !(file in MUTATION_TESTS)) {
  console.error(`usage: npm run test:mutation -- <file> [stryker options]\n  <file>: ${Object.keys(MUTATION_TESTS).join(', ')}`);
  process.exit(2);
}
const tests = MUTATION_TESTS[file]!.filter((t) => existsSync(t));
const env = { ...process.env, MUTATION_FILE: file, MUTATION_TESTS: tests.join(','), FC_NUM_RUNS: process.env.FC_NUM_RUNS ?? NUM_RUNS[file] ?? '150' };
const result = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', ...strykerArgs], { env, stdio: 'inherit' });
process.exit(result.status ?? 1);
