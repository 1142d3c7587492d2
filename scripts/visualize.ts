/**
 * `npm run visualize`: regenerates visualizations/ (and the diagram in README.md) from
 * `connectionMachine`, and the README's invariants table from test/support/invariants.ts. Never edit those files by hand; `npm test` fails when they drift.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateVisualizations, toMermaid, withReadmeDiagram, withReadmeInvariants } from './spec.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const files = await generateVisualizations();
for (const [path, content] of Object.entries(files)) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
  console.log(`wrote ${path}`);
}
const readmePath = join(root, 'README.md');
const readme = await readFile(readmePath, 'utf8');
const updated = withReadmeInvariants(withReadmeDiagram(readme, toMermaid()));
if (updated !== readme) {
  await writeFile(readmePath, updated);
  console.log('updated the statechart and the invariants table in README.md');
}
