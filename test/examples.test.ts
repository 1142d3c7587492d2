/**
 * The runnable examples of the entry points, run as `npm run example:*` runs them (tsx, the package
 * resolved to src/ through tsconfig `paths`): each must print what it promises and exit by itself.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function runExample(file: string): Promise<{ lines: string[]; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { lines: stdout.split('\n').filter((line) => line !== ''), stderr, code };
}

it('examples/websocket-class.ts: queued message first, a drop with readyState CONNECTING, the reconnect, a clean close; exits by itself', async () => {
  const { lines, stderr, code } = await runExample('examples/websocket-class.ts');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(lines).toEqual([
    'open (retryCount 0)',
    'message queued',
    'message first',
    'close 1006, readyState CONNECTING',
    'open (retryCount 1)',
    'message after the drop',
    'close 1000, readyState CLOSED',
  ]);
});
