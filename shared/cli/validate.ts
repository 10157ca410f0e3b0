import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ParsedArticle } from '../articles/article.ts';
import { ArticleRejectedError, idTakenError } from '../articles/errors.ts';
import { idFromKey } from '../articles/object-key.ts';
import { sha256 } from '../contract/content-hash.ts';
import {
  InboxEntryChangedError,
  type InboxFile,
  keyForPath,
  listInbox,
  NOT_UTF8_NAME,
  NotRegularFileError,
  readInboxFile,
  readRegularFile,
} from '../local/inbox-files.ts';
import { ParsePool } from '../parsing/parse-pool.ts';
import type { ArticleParser } from '../ports/article-parser.ts';
import { printable } from './reporter.ts';

/** `feedpub validate`: parses files offline, as ingest would, and says what would happen. */

export interface ValidateOptions {
  siteUrl: string;
  /** Keys are relative to this folder for files inside it (else the file's own name). */
  inbox?: string;
  /** One JSON document on stdout instead of the text. */
  json?: boolean;
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

/** One file's verdict, as `--json` prints it. */
export interface Verdict {
  file: string;
  key: string;
  status: 'published' | 'scheduled' | 'draft' | 'withdrawn' | 'held' | 'rejected' | 'unreadable';
  id: string | null;
  title: string | null;
  date: string | null;
  updated: string | null;
  tags: string[];
  authors: string[];
  warnings: string[];
  /** Why it would be rejected (the report's `reason`), or null. */
  reason: string | null;
  /** What was wrong and where, or null. */
  message: string | null;
}

function accepted(file: string, key: string, article: ParsedArticle, id: string, now: Date) {
  const expired = article.expires !== undefined && Date.parse(article.expires) <= now.getTime();
  const status: Verdict['status'] = article.withdrawn
    ? 'withdrawn'
    : article.draft
      ? 'draft'
      : article.date && Date.parse(article.date) > now.getTime()
        ? 'scheduled'
        : expired
          ? 'withdrawn'
          : 'published';
  return {
    file,
    key,
    status,
    id,
    title: article.title,
    date: article.date ?? null,
    updated: article.updated ?? null,
    tags: article.tags.map((t) => t.name),
    authors: article.authors.map((a) => a.name),
  };
}

function describe(verdict: Verdict): string[] {
  const names = (list: readonly string[]) => list.join(', ') || '(none)';
  const state =
    verdict.status === 'held'
      ? `held: ${verdict.message}`
      : verdict.status === 'draft'
        ? 'draft: stored, not published'
        : verdict.status === 'scheduled'
          ? `scheduled: published on ${verdict.date}`
          : verdict.status === 'withdrawn'
            ? 'withdrawn: in no feed or listing; a story readers saw answers 410'
            : 'published';
  const row = (label: string, value: string) => `          ${label.padEnd(8)} ${value}`;
  return [
    row('title', verdict.title ?? ''),
    row('id', verdict.id ?? ''),
    row('status', state),
    row('date', verdict.date ?? '(none: dated when first uploaded)'),
    ...(verdict.updated ? [row('updated', verdict.updated)] : []),
    row('tags', names(verdict.tags)),
    row('authors', names(verdict.authors)),
    ...verdict.warnings.map((w) => `          warning  ${w}`),
  ];
}

async function check(
  target: Target,
  siteUrl: string,
  now: Date,
  parse: ArticleParser,
  /** Where the digest of the file's bytes is noted, once read. */
  digests: Map<Verdict, string>,
): Promise<Verdict> {
  const file = shown(target.path);
  const none = { id: null, title: null, date: null, updated: null, tags: [], authors: [] };
  const refused = (status: 'rejected' | 'unreadable', message: string, reason: string | null) => ({
    file,
    key: target.key,
    status,
    ...none,
    warnings: [],
    reason,
    message,
  });
  try {
    const body = target.listed
      ? await readInboxFile(target.listed.folder, target.listed.file)
      : await readRegularFile(target.path);
    const { article, warnings } = await parse({ key: target.key, body, siteUrl });
    const id = article.id ?? idFromKey(target.key);
    const verdict: Verdict = {
      ...accepted(file, target.key, article, id, now),
      warnings,
      reason: null,
      message: null,
    };
    digests.set(verdict, sha256(body));
    return verdict;
  } catch (error) {
    if (error instanceof ArticleRejectedError)
      return refused('rejected', error.message, error.reason);
    if (error instanceof NotRegularFileError || error instanceof InboxEntryChangedError)
      return refused('unreadable', `cannot read the file: ${error.message}`, null);
    const code = (error as NodeJS.ErrnoException).code;
    // The system hands over a name that is not UTF-8 with � in place of its bytes: that name
    // opens nothing.
    if (code === 'ENOENT' && target.path.includes('\uFFFD'))
      return refused('unreadable', `cannot read the file: ${NOT_UTF8_NAME}`, null);
    if (code) return refused('unreadable', `cannot read the file (${code})`, null);
    throw error;
  }
}

/** `path` relative to the working folder when inside it. */
function shown(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd && !fromCwd.startsWith('..') ? fromCwd : path;
}

/**
 * The files checked as if uploaded together, in the order given (a folder's in path order), as
 * `build` publishes a folder: a file with the same bytes as an accepted one before it is a
 * held copy of it (unless it names its own id: a second user of that id), and a file whose id
 * an accepted or held one before it has is rejected, as ingest rejects it.
 */
function asUploadedTogether(verdicts: Verdict[], digests: ReadonlyMap<Verdict, string>): void {
  const byBytes = new Map<string, Verdict>();
  const byId = new Map<string, Verdict>();
  for (const verdict of verdicts) {
    const digest = digests.get(verdict);
    if (digest === undefined || verdict.id === null) continue;
    const other = byId.get(verdict.id);
    const original = byBytes.get(digest);
    const namesItsId = verdict.id !== idFromKey(verdict.key);
    if (original && !namesItsId && !other) {
      verdict.status = 'held';
      verdict.message = `a copy of ${original.file} (the same bytes): published nowhere while that file is there`;
    } else if (other && other.key !== verdict.key) {
      const { reason, message } = idTakenError(verdict.id, other.key);
      Object.assign(verdict, { status: 'rejected', reason, message });
      continue;
    } else byBytes.set(digest, verdict);
    // A held copy is stored under its id too: no other file may take it.
    byId.set(verdict.id, verdict);
  }
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
  const verdicts: Verdict[] = [];
  const digests = new Map<Verdict, string>();
  // Parsed as ingest parses: in a worker, so a pathological file is rejected, not a hang.
  const parsing = new ParsePool({ size: 1 });
  try {
    for (const target of list)
      verdicts.push(await check(target, options.siteUrl, now, parsing.parse, digests));
  } finally {
    await parsing.close();
  }
  asUploadedTogether(verdicts, digests);
  const isRefused = (v: Verdict) => v.status === 'rejected' || v.status === 'unreadable';
  const rejected = verdicts.filter(isRefused);
  if (options.json) {
    const summary = {
      files: verdicts,
      skipped: skipped.map(({ path, reason }) => ({ file: shown(path), reason })),
      accepted: verdicts.length - rejected.length,
      rejected: rejected.length,
    };
    console.log(JSON.stringify(summary, null, 2));
    return rejected.length > 0 ? 1 : 0;
  }
  for (const { path, reason } of skipped)
    console.log(`skipped   ${printable(shown(path))}: ${reason}`);
  for (const verdict of verdicts) {
    if (isRefused(verdict)) {
      const why = verdict.reason ? `${verdict.message} (${verdict.reason})` : verdict.message;
      console.log(`rejected  ${printable(`${verdict.file} (${verdict.key})`)}: ${why}`);
    } else {
      console.log(`ok        ${printable(`${verdict.file} (${verdict.key})`)}`);
      for (const line of describe(verdict)) console.log(line);
    }
  }
  const ok = verdicts.length - rejected.length;
  console.log(
    `${verdicts.length} file${verdicts.length === 1 ? '' : 's'}: ${ok} would be accepted, ${rejected.length} would be rejected`,
  );
  return rejected.length > 0 ? 1 : 0;
}
