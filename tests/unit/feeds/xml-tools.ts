import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** Checks that run the real tools (xmllint, jing) on rendered documents. */

export const ATOM_RNC = fileURLToPath(new URL('../../fixtures/feeds/atom.rnc', import.meta.url));

const folders: string[] = [];
// Each test file imports this module afresh: its folders go when its tests are done.
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes documents to a fresh temp folder (removed after the file's tests); returns their paths by name. */
export function writeTemp(files: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'feedpub-feeds-'));
  folders.push(dir);
  return Object.fromEntries(
    Object.entries(files).map(([name, body]) => {
      const path = join(dir, name);
      writeFileSync(path, body);
      return [name, path];
    }),
  );
}

/** Problems each file has, by path: the tool's lines that name that file. */
function problemsByFile(output: string, paths: readonly string[]): Map<string, string[]> {
  const lines = output.split('\n');
  return new Map(paths.map((path) => [path, lines.filter((line) => line.startsWith(`${path}:`))]));
}

/** xmllint --noout on many files in one run. */
export function xmllintProblems(paths: readonly string[]): Map<string, string[]> {
  const run = spawnSync('xmllint', ['--noout', ...paths], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return problemsByFile(`${run.stdout}\n${run.stderr}`, paths);
}

export const SITEMAP_XSD = fileURLToPath(
  new URL('../../fixtures/feeds/sitemap.xsd', import.meta.url),
);
export const SITEMAP_INDEX_XSD = fileURLToPath(
  new URL('../../fixtures/feeds/siteindex.xsd', import.meta.url),
);

/** xmllint --schema on many files in one run: each file's problems (none when it validates). */
export function xsdProblems(schema: string, paths: readonly string[]): Map<string, string[]> {
  const run = spawnSync('xmllint', ['--noout', '--schema', schema, ...paths], { encoding: 'utf8' });
  if (run.error) throw run.error;
  const problems = problemsByFile(`${run.stdout}\n${run.stderr}`, paths);
  // xmllint also names every file that fails as a whole ("<path> fails to validate").
  for (const path of paths) {
    if (run.stderr.includes(`${path} fails to validate`))
      problems.set(path, [...(problems.get(path) ?? []), `${path} fails to validate`]);
  }
  return problems;
}

/** jing -c atom.rnc on many files in one run (one JVM start). */
export function jingProblems(paths: readonly string[]): Map<string, string[]> {
  const run = spawnSync('jing', ['-c', ATOM_RNC, ...paths], {
    encoding: 'utf8',
    // No /tmp/hsperfdata_* file, and the client compiler only: a short run (see dynamodb-local.ts).
    env: { ...process.env, JAVA_TOOL_OPTIONS: '-XX:-UsePerfData -XX:TieredStopAtLevel=1' },
  });
  if (run.error) throw run.error;
  return problemsByFile(`${run.stdout}\n${run.stderr}`, paths);
}

/** The XPath string value of an expression, as xmllint computes it. */
export function xpathString(xml: string, expression: string): string {
  const out = execFileSync('xmllint', ['--xpath', `string(${expression})`, '-'], {
    input: xml,
    encoding: 'utf8',
  });
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

export function xpathCount(xml: string, expression: string): number {
  return Number(
    execFileSync('xmllint', ['--xpath', `count(${expression})`, '-'], {
      input: xml,
      encoding: 'utf8',
    }),
  );
}

/** Local-name path step, so default-namespace Atom needs no prefix binding. */
export const a = (name: string): string => `*[local-name()='${name}']`;

const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting the forbidden characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasForbiddenCharacters(text: string): boolean {
  return FORBIDDEN.test(text);
}
