/**
 * API reference from the TSDoc: TypeDoc over the source of every entry point of package.json
 * `exports` (`./dist/<name>.d.ts` is built by tsup from `src/<name>.ts`), into docs/api/ (not
 * committed; about 1.6 MB of HTML). Warnings are errors (typedoc.json), so a public type that is
 * not exported or a broken `{@link}` fails CI. Run: `npm run docs`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

/** The declaration files an `exports` entry points at, any condition. */
function declarations(target: unknown): string[] {
  if (typeof target === 'string') return /\.d\.[cm]?ts$/.test(target) ? [target] : [];
  if (target && typeof target === 'object') return Object.values(target).flatMap(declarations);
  return [];
}

const entryPoints = [
  ...new Set(
    Object.values(pkg.exports)
      .flatMap(declarations)
      .map((types) => {
        const source = types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.[cm]?ts$/, '.ts');
        if (!existsSync(join(root, source))) throw new Error(`no source ${source} for ${types}: teach scripts/docs.ts where this entry point's source is`);
        return source;
      }),
  ),
];
const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
execFileSync(process.execPath, [typedoc, ...entryPoints.flatMap((entry) => ['--entryPoints', entry])], { cwd: root, stdio: 'inherit' });
