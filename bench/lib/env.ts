// Versions and machine facts for the results file.
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoRoot } from './child.js';

export const PACKAGES = [
  'ws',
  'xstate',
  'reconnecting-websocket',
  'partysocket',
  'sockette',
  'esbuild',
  'tsx',
  'typescript',
] as const;

export function packageVersion(name: string): string {
  try {
    const p = path.join(repoRoot, 'node_modules', name, 'package.json');
    return (JSON.parse(fs.readFileSync(p, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

export interface EnvInfo {
  date: string;
  node: string;
  platform: string;
  cpuModel: string;
  cores: number;
  memGiB: number;
  ourVersion: string;
  commit: string;
  packages: Record<string, string>;
  fdLimit: string;
}

export function envInfo(): EnvInfo {
  const cpus = os.cpus();
  let fdLimit = 'unknown';
  try {
    fdLimit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {
    /* ignore */
  }
  let ourVersion = 'unknown';
  try {
    ourVersion = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    /* ignore */
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    ourVersion,
    commit: gitCommit(),
    packages: Object.fromEntries(PACKAGES.map((p) => [p, packageVersion(p)])),
    fdLimit,
  };
}

export function loadAvg(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
}
