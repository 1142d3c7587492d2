/**
 * API reports: one `api/<entry>.api.md` per entry point of package.json `exports`, written by
 * API Extractor from the built declarations (dist/*.d.ts), so a change to the public surface is a
 * visible diff in review.
 *
 * `npm run api` rebuilds and updates the reports; `npm run check:api` (CI) fails when a report
 * differs from what is committed. A new entry point in `exports` gets its report from the first
 * `npm run api`; until it is committed, the check fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, type IConfigFile } from '@microsoft/api-extractor';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');

interface PackageJson {
  name: string;
  exports: Record<string, unknown>;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

/** The ESM declaration file of an `exports` entry (`import.types`, or a top-level `types`), if any. */
function typesOf(target: unknown): string | undefined {
  if (!target || typeof target !== 'object') return undefined;
  const conditions = target as Record<string, unknown>;
  const fromImport = conditions.import && typeof conditions.import === 'object' ? (conditions.import as Record<string, unknown>).types : undefined;
  const types = fromImport ?? conditions.types;
  return typeof types === 'string' ? types : undefined;
}

/** 'xstate-websocket' for '.', 'xstate-websocket-spec' for './spec': the report's file name. */
function reportName(subpath: string): string {
  return subpath === '.' ? pkg.name : `${pkg.name}-${subpath.slice(2).replaceAll('/', '-')}`;
}

function main(): void {
  execFileSync('npm', ['run', 'build', '--silent', '--', '--silent'], { cwd: root, stdio: 'inherit' });
  mkdirSync(join(root, 'api'), { recursive: true });
  const failures: string[] = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const types = typesOf(target);
    if (!types) continue;
    const name = reportName(subpath);
    const configObject: IConfigFile = {
      projectFolder: root,
      mainEntryPointFilePath: join(root, types),
      compiler: { overrideTsconfig: { compilerOptions: { strict: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] } } },
      apiReport: { enabled: true, reportFileName: `${name}.api.md`, reportFolder: join(root, 'api'), reportTempFolder: join(root, 'test-output', 'api') },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // No @public/@beta tags: everything exported is public, so the release-tag message is noise.
        extractorMessageReporting: { 'ae-missing-release-tag': { logLevel: 'none' as never } },
      },
    };
    const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: undefined, packageJsonFullPath: join(root, 'package.json') });
    const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
    if (!result.succeeded) failures.push(`${pkg.name}${subpath.slice(1)}: ${result.errorCount} errors, ${result.warningCount} warnings`);
    else if (result.apiReportChanged) console.log(`api/${name}.api.md ${update ? 'updated' : 'differs'}`);
    else console.log(`api/${name}.api.md: unchanged`);
  }
  if (failures.length > 0) {
    console.error(`${failures.join('\n')}\n${update ? '' : 'The public API changed: run `npm run api` and commit api/*.api.md.'}`);
    process.exit(1);
  }
}

main();
