import {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { MEDIA_SITE_PREFIX } from '../contract/media.ts';
import {
  archivePath,
  articlePath,
  FEED_FORMATS,
  feedPath,
  INDEX_PATH,
  NEWS_SITEMAP_PATH,
  NOT_FOUND_PATH,
  OPML_PATH,
  PAGES_SITEMAP_PATH,
  ROBOTS_PATH,
  SITEMAP_INDEX_PATH,
  TAGS_PAGE_PATH,
} from '../contract/site-layout.ts';
import { CliError } from './errors.ts';
import { overlap } from './folder-paths.ts';

/** Checks on `feedpub build`'s folders, all made before any emulator starts. */

const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

export function checkInbox(inbox: string): void {
  if (!existsSync(inbox))
    throw new CliError(
      `the inbox folder ${inbox} does not exist: pass the folder holding your articles with --inbox`,
    );
  if (!statSync(inbox).isDirectory())
    throw new CliError(`--inbox ${inbox} is a file: pass the folder that holds your articles`);
}

function assertWritable(dir: string, what: string, option: string): void {
  const probe = join(dir, `.feedpub-write-test-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw new CliError(
      `cannot write to the ${what} ${dir} (${code(error)}): choose a folder you can write to with ${option}`,
      { cause: error },
    );
  }
}

/** The names a site has at its root (README "Site layout"): all `--clean` may delete. */
const SITE_ROOT_NAMES = new Set(
  [
    INDEX_PATH,
    NOT_FOUND_PATH,
    OPML_PATH,
    SITEMAP_INDEX_PATH,
    NEWS_SITEMAP_PATH,
    ROBOTS_PATH,
    PAGES_SITEMAP_PATH,
    TAGS_PAGE_PATH,
    articlePath('x'),
    MEDIA_SITE_PREFIX,
    ...FEED_FORMATS.flatMap((format) => [
      feedPath({ kind: 'all' }, format),
      feedPath({ kind: 'author', slug: 'x' }, format),
      archivePath({ kind: 'all' }, 'x', format),
    ]),
  ].map((path) => path.split('/')[0] as string),
);

/**
 * The output folder must be new or empty, so the result is exactly the site; `clean` empties
 * it first, if it holds only what a build writes (a mistaken `--out .` must not take a
 * project's `.git` and sources with it). It may not overlap the inbox (a build must never
 * delete or read its own output).
 */
export function prepareOut(out: string, inbox: string, clean: boolean): void {
  // Real paths: with --clean, an alias of the inbox would otherwise be emptied.
  if (overlap(out, inbox))
    throw new CliError(
      `--out ${out} and --inbox ${inbox} overlap: write the site to a folder outside the inbox`,
    );
  if (existsSync(out)) {
    if (!statSync(out).isDirectory())
      throw new CliError(`--out ${out} is a file: pass a folder (it is created if missing)`);
    const entries = readdirSync(out);
    if (entries.length > 0 && !clean)
      throw new CliError(
        `the output folder ${out} is not empty: add --clean to replace its contents, or choose a new folder with --out`,
      );
    const foreign = entries.filter((entry) => !SITE_ROOT_NAMES.has(entry));
    if (foreign.length > 0)
      throw new CliError(
        `--clean would delete ${out}, which holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''} that no build writes: choose a folder of the site's own with --out, or empty it yourself`,
      );
    for (const entry of entries) rmSync(join(out, entry), { recursive: true, force: true });
  }
  assertWritable(out, 'output folder', '--out');
}

export function prepareJsonTarget(file: string): void {
  if (existsSync(file) && statSync(file).isDirectory())
    throw new CliError(`--json ${file} is a folder: pass a file name, e.g. --json summary.json`);
  assertWritable(dirname(file), 'folder of the JSON summary', '--json');
}
