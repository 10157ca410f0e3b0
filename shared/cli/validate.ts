import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ParsedArticle } from '../articles/article.ts';
import { ArticleRejectedError } from '../articles/errors.ts';
import { idFromKey } from '../articles/object-key.ts';
import {
  InboxEntryChangedError,
  type InboxFile,
  keyForPath,
  listInbox,
  NotRegularFileError,
  readInboxFile,
  readRegularFile,
} from '../local/inbox-files.ts';
import { ParsePool } from '../parsing/parse-pool.ts';
import type { ArticleParser } from '../ports/article-parser.ts';

/** `feedpub validate`: parses files offline, as ingest would, and says what would happen. */

export interface ValidateOptions {
  siteUrl: string;
  /** Keys are relative to this folder for files inside it (else the file's own name). */
  inbox?: string;
}

interface Target {
  path: string;
  key: string;
  /** Listed in a folder argument: read only if it is still that file. */
  listed?: { folder: string; file: InboxFile };
}

const toPosix = (path: string) => path.split(sep).join('/');

function keyFor(file: string, inbox: string | undefined): string {
  if (inbox) {
    const inside = relative(inbox, file);
    if (inside && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside))
      return keyForPath(toPosix(inside));
  }
  return keyForPath(basename(file));
}

/**
 * A folder argument stands for every file below it, keyed relative to it; links and special
 * files in it are skipped as `build` skips them. A file argument is read as named.
 */
async function targets(
  paths: readonly string[],
  inbox?: string,
): Promise<{ found: Target[]; skipped: { path: string; reason: string }[] }> {
  const found: Target[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const listing = await listInbox(path);
      for (const file of listing.files)
        found.push({
          path: join(path, ...file.path.split('/')),
          key: keyForPath(file.path),
          listed: { folder: path, file },
        });
      for (const entry of listing.skipped)
        skipped.push({ ...entry, path: join(path, ...entry.path.split('/')) });
    } else found.push({ path, key: keyFor(path, inbox) });
  }
  return { found, skipped };
}

function describe(article: ParsedArticle, id: string, now: Date): string[] {
  const names = (labels: readonly { name: string }[]) =>
    labels.map((l) => l.name).join(', ') || '(none)';
  const state = article.draft
    ? 'draft: stored, not published'
    : article.date && Date.parse(article.date) > now.getTime()
      ? `scheduled: published on ${article.date}`
      : 'published';
  const row = (label: string, value: string) => `          ${label.padEnd(8)} ${value}`;
  return [
    row('title', article.title),
    row('id', id),
    row('status', state),
    row('date', article.date ?? '(none: dated when first uploaded)'),
    ...(article.updated ? [row('updated', article.updated)] : []),
    row('tags', names(article.tags)),
    row('authors', names(article.authors)),
  ];
}

async function check(
  target: Target,
  siteUrl: string,
  now: Date,
  parse: ArticleParser,
): Promise<string[] | Error> {
  try {
    const body = target.listed
      ? await readInboxFile(target.listed.folder, target.listed.file)
      : await readRegularFile(target.path);
    const { article, warnings } = await parse({ key: target.key, body, siteUrl });
    const id = article.id ?? idFromKey(target.key);
    return [...describe(article, id, now), ...warnings.map((w) => `          warning  ${w}`)];
  } catch (error) {
    if (error instanceof ArticleRejectedError)
      return new Error(`${error.message} (${error.reason})`);
    if (error instanceof NotRegularFileError || error instanceof InboxEntryChangedError)
      return new Error(`cannot read the file: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code) return new Error(`cannot read the file (${code})`);
    throw error;
  }
}

/** `path` relative to the working folder when inside it. */
function shown(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd && !fromCwd.startsWith('..') ? fromCwd : path;
}

/** Prints one block per file; resolves to the exit code (1 if any file would be rejected). */
export async function validate(
  paths: readonly string[],
  options: ValidateOptions,
): Promise<number> {
  const now = new Date();
  const { found: list, skipped } = await targets(
    paths,
    options.inbox ? resolve(options.inbox) : undefined,
  );
  for (const { path, reason } of skipped) console.log(`skipped   ${shown(path)}: ${reason}`);
  let rejected = 0;
  // Parsed as ingest parses: in a worker, so a pathological file is rejected, not a hang.
  const parsing = new ParsePool({ size: 1 });
  try {
    for (const target of list) {
      const result = await check(target, options.siteUrl, now, parsing.parse);
      if (result instanceof Error) {
        rejected++;
        console.log(`rejected  ${shown(target.path)} (${target.key}): ${result.message}`);
      } else {
        console.log(`ok        ${shown(target.path)} (${target.key})`);
        for (const line of result) console.log(line);
      }
    }
  } finally {
    await parsing.close();
  }
  const ok = list.length - rejected;
  console.log(
    `${list.length} file${list.length === 1 ? '' : 's'}: ${ok} would be accepted, ${rejected} would be rejected`,
  );
  return rejected > 0 ? 1 : 0;
}
