/** The README's runnable examples, read at test time so a test runs exactly what the README shows. */
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';

/** The first ```ts block of the README section under `heading` (up to the next `## `). */
export async function readmeExample(heading: string): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README section "${heading}"`).toBeGreaterThanOrEqual(0);
  const section = readme.slice(start + 1).split(/\n## /)[0]!;
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code, `a \`\`\`ts block in "${heading}"`).toBeDefined();
  return code!;
}

/** Replaces the one URL in `code`; fails if it is not there exactly once. */
export function withUrl(code: string, readmeUrl: string, url: string): string {
  expect(code.split(readmeUrl).length - 1, `${readmeUrl} in the example`).toBe(1);
  return code.replace(readmeUrl, url);
}
