import { describe, expect, it } from 'vitest';
import { linkTarget, packProblems, pointedFiles, relativeLinks } from '../scripts/check-pack.js';

const pkg = {
  main: './dist/index.cjs',
  types: './dist/index.d.ts',
  exports: {
    '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' }, require: { types: './dist/index.d.cts', default: './dist/index.cjs' } },
    './extra': { import: './dist/extra.js' },
    './package.json': './package.json',
  },
};
const complete = ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/extra.js', 'dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/index.js', 'package.json'];

describe('the pack check (scripts/check-pack.ts)', () => {
  it('takes the entry points from package.json exports, every condition, plus main and types', () => {
    expect(pointedFiles(pkg)).toEqual(['dist/extra.js', 'dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
  });

  it('reports a file package.json points at that does not ship, and one that ships but should not', () => {
    const packed = [...complete.filter((path) => path !== 'dist/extra.js'), 'src/index.ts', 'test/x.test.ts'];
    const problems = packProblems(packed, pkg, () => '');
    expect(problems.missing).toEqual(['dist/extra.js']);
    expect(problems.unexpected).toEqual(['src/index.ts', 'test/x.test.ts']);
  });

  it('reports a missing LICENSE or CHANGELOG whatever the entry points', () => {
    expect(packProblems(complete.filter((path) => path !== 'LICENSE' && path !== 'CHANGELOG.md'), pkg, () => '').missing).toEqual(['LICENSE', 'CHANGELOG.md']);
  });

  it('finds relative links and images, skips URLs, anchors and links inside code', () => {
    const md = [
      '[a](docs/a.md) and [b](./b.md#part) and ![c](img/c.svg "title")',
      '[web](https://example.com) [mail](mailto:x@y.z) [here](#section) `[not](code.md)`',
      '```md',
      '[fenced](fenced.md)',
      '```',
      '[ref]: refs/r.md',
      'see [ref] and <img src="html/d.png">',
    ].join('\n');
    expect(relativeLinks(md).sort()).toEqual(['./b.md#part', 'docs/a.md', 'html/d.png', 'img/c.svg', 'refs/r.md']);
  });

  it('resolves a link against the file it is in', () => {
    expect(linkTarget('README.md', './visualizations/SPEC.md#reasons')).toBe('visualizations/SPEC.md');
    expect(linkTarget('visualizations/SPEC.md', '../test/a.test.ts')).toBe('test/a.test.ts');
    expect(linkTarget('visualizations/SPEC.md', 'connection%20x.svg')).toBe('visualizations/connection x.svg');
  });

  it('reports a README link to a file that does not ship, not one to a file that does', () => {
    const readme = '[spec](visualizations/SPEC.md) [test](test/x.test.ts) [log](CHANGELOG.md)';
    const packed = [...complete, 'visualizations/SPEC.md'];
    expect(packProblems(packed, pkg, (path) => (path === 'README.md' ? readme : '')).deadLinks).toEqual([
      'README.md: (test/x.test.ts) -> test/x.test.ts does not ship',
    ]);
  });
});
