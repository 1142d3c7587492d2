// Helpers for running benchmark pieces in their own Node processes.
// Children are started as `node [--flags] --import tsx <script> <args>` and report
// one JSON object on a line starting with RESULT_MARK (or READY_MARK for servers).
// Every child gets a hard time limit and watches its stdin: when the parent goes
// away, stdin ends and the child exits, so no process outlives a run.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const RESULT_MARK = '@@BENCH_RESULT ';
export const READY_MARK = '@@BENCH_READY ';

export const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const repoRoot = path.dirname(benchDir);
const tsxLoader = import.meta.resolve('tsx');

const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of live) c.kill('SIGKILL');
      process.exit(130);
    });
  }
}

export interface SpawnOptions {
  nodeArgs?: string[];
  timeoutMs: number;
  env?: Record<string, string>;
  /** forward the child's stderr to ours (default true) */
  stderr?: boolean;
}

function spawnScript(script: string, args: string[], opts: SpawnOptions): ChildProcess {
  hookExit();
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), '--import', tsxLoader, path.join(benchDir, script), ...args],
    {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', opts.stderr === false ? 'ignore' : 'inherit'],
      env: { ...process.env, ...opts.env, BENCH_CHILD: '1' },
    },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function lineReader(child: ChildProcess, onLine: (line: string) => void): void {
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

/** Run a script to completion and return the JSON object it reported. */
export function runChild<T>(script: string, args: string[], opts: SpawnOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawnScript(script, args, opts);
    let result: T | undefined;
    let got = false;
    const other: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')}: timed out after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    lineReader(child, (line) => {
      if (line.startsWith(RESULT_MARK)) {
        result = JSON.parse(line.slice(RESULT_MARK.length)) as T;
        got = true;
      } else if (line.trim()) other.push(line);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (got) resolve(result as T);
      else
        reject(
          new Error(
            `${script} ${args.join(' ')}: exited (${code ?? signal}) without a result` +
              (other.length ? `\n${other.slice(-10).join('\n')}` : ''),
          ),
        );
    });
  });
}

export interface ServerHandle<T> {
  info: T;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Write `command` to the child's stdin and wait for its next RESULT_MARK line. */
  request<R>(command: string, timeoutMs: number): Promise<R>;
}

/** Start a long-running child that reports READY_MARK {json} once listening. */
export function startServer<T>(script: string, args: string[], opts: SpawnOptions): Promise<ServerHandle<T>> {
  return new Promise((resolve, reject) => {
    const child = spawnScript(script, args, opts);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const stop = async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script}: not ready within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    let pending: ((r: unknown) => void) | undefined;
    const request = <R>(command: string, ms: number) =>
      new Promise<R>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`${script}: no answer to "${command}"`)), ms);
        pending = (r) => {
          clearTimeout(t);
          res(r as R);
        };
        child.stdin!.write(`${command}\n`);
      });
    lineReader(child, (line) => {
      if (line.startsWith(READY_MARK)) {
        clearTimeout(timer);
        resolve({ info: JSON.parse(line.slice(READY_MARK.length)) as T, child, stop, request });
      } else if (line.startsWith(RESULT_MARK) && pending) {
        const p = pending;
        pending = undefined;
        p(JSON.parse(line.slice(RESULT_MARK.length)));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script}: exited (${code}) before it was ready`));
    });
  });
}

// ---- child side ----

/** Call first in every child: exit when the parent goes away or after maxMs. */
export function childGuard(maxMs: number): void {
  if (process.env.BENCH_CHILD === '1') {
    process.stdin.on('end', () => process.exit(3));
    process.stdin.on('error', () => process.exit(3));
    process.stdin.resume();
    (process.stdin as { unref?: () => void }).unref?.();
  }
  setTimeout(() => {
    process.stderr.write(`${process.argv[2] ?? 'child'}: hard time limit ${maxMs} ms reached\n`);
    process.exit(2);
  }, maxMs).unref();
  process.on('SIGTERM', () => process.exit(0));
}

export function emit(kind: 'result' | 'ready', obj: unknown): void {
  process.stdout.write((kind === 'result' ? RESULT_MARK : READY_MARK) + JSON.stringify(obj) + '\n');
}

/** Emit a result and exit once stdout has flushed. */
export function finish(obj: unknown): void {
  process.stdout.write(RESULT_MARK + JSON.stringify(obj) + '\n', () => process.exit(0));
}

export function argMap(argv = process.argv.slice(2)): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}
