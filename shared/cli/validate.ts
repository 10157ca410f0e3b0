import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ParsedArticle } from '../articles/article.ts';
import { ArticleRejectedError, idTakenError, type RejectionReason } from '../articles/errors.ts';
import { claimedUpdate, midnightWarnings } from '../articles/lifecycle.ts';
import { checkMedia, describeSize, MEDIA_SNIFF_BYTES } from '../articles/media.ts';
import { idFromKey } from '../articles/object-key.ts';
import { sha256 } from '../contract/content-hash.ts';
import { isMediaKey } from '../contract/media.ts';
import {
  MAX_MEDIA_PER_ARTICLE,
  tooManyMediaWarning,
  unpublishedMediaWarning,
} from '../ingest/media-links.ts';
import {
  InboxEntryChangedError,
  type InboxFile,
  keyForPath,
  listInbox,
  NOT_UTF8_NAME,
  NotRegularFileError,
  readInboxFile,
  readInboxFileHead,
  readRegularFile,
  readRegularFileHead,
} from '../local/inbox-files.ts';
import { ParsePool } from '../parsing/parse-pool.ts';
import type { ArticleParser } from '../ports/article-parser.ts';
import { printable } from './reporter.ts';

/**
 * `feedpub validate`: checks files offline, as ingest would (articles parsed, media files
 * checked by type, content and size), and says what would happen.
 */

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

/** `file`'s path inside `inbox` (POSIX separators), if it is inside it. */
function pathInside(inbox: string | undefined, file: string): string | undefined {
  if (!inbox) return undefined;
  const inside = relative(inbox, file);
  return inside && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside)
    ? toPosix(inside)
    : undefined;
}

function keyFor(file: string, inbox: string | undefined): string {
  return keyForPath(pathInside(inbox, file) ?? basename(file));
}

/**
 * A folder argument stands for every file below it, keyed relative to it (or to `--inbox`, when
 * the folder is inside it: the key the upload would have); links and special files in it are
 * skipped as `build` skips them. A file argument is read as named.
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
      for (const file of listing.files) {
        const full = join(path, ...file.path.split('/'));
        found.push({
          path: full,
          key: keyForPath(pathInside(inbox, full) ?? file.path),
          listed: { folder: path, file },
        });
      }
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
  /** An article, or a media file (by its extension, as ingest tells them apart). */
  kind: 'article' | 'media';
  status: 'published' | 'scheduled' | 'draft' | 'withdrawn' | 'held' | 'rejected' | 'unreadable';
  id: string | null;
  title: string | null;
  date: string | null;
  updated: string | null;
  tags: string[];
  authors: string[];
  warnings: string[];
  /** Why it would be rejected or cannot be read: what was wrong and where (the report's `reason`). */
  reason: string | null;
  /** A rejection's code (`bad-id`, `invalid-field`, …: the report's `code`), or null. */
  code: RejectionReason | null;
  /** `held`: the key of the file it is a copy of (the report's `copyOf`), or null. */
  copyOf: string | null;
  /** A media file's Content-Type and size in bytes, once checked; else null. */
  type: string | null;
  size: number | null;
}

/** What the checks after each file's own need of an article: its bytes, the media it names. */
interface ArticleFacts {
  digest: string;
  mediaKeys: readonly string[];
  /** Found in a folder argument: that folder is its inbox, as for `build`. */
  inFolder: boolean;
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
  const row = (label: string, value: string) => `          ${label.padEnd(8)} ${value}`;
  if (verdict.kind === 'media')
    return [
      row('media', `${verdict.type}, ${describeSize(verdict.size ?? 0)}`),
      row('status', 'published'),
    ];
  const state =
    verdict.status === 'held'
      ? `held: a copy of ${verdict.copyOf} (the same bytes): published nowhere while that file is there`
      : verdict.status === 'draft'
        ? 'draft: stored, not published'
        : verdict.status === 'scheduled'
          ? `scheduled: published on ${verdict.date}`
          : verdict.status === 'withdrawn'
            ? 'withdrawn: in no feed or listing; a story readers saw answers 410'
            : 'published';
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

/** The verdict on a file that made no article: a media file checked, or a file refused. */
function notAnArticle(
  target: Target,
  kind: Verdict['kind'],
  status: Verdict['status'],
  said: Pick<Verdict, 'reason' | 'code' | 'type' | 'size'>,
): Verdict {
  return {
    file: shown(target.path),
    key: target.key,
    kind,
    status,
    id: null,
    title: null,
    date: null,
    updated: null,
    tags: [],
    authors: [],
    warnings: [],
    copyOf: null,
    ...said,
  };
}

async function checkArticle(
  target: Target,
  siteUrl: string,
  now: Date,
  parse: ArticleParser,
  /** Where what the later checks need of an accepted article is noted. */
  facts: Map<Verdict, ArticleFacts>,
): Promise<Verdict> {
  const body = target.listed
    ? await readInboxFile(target.listed.folder, target.listed.file)
    : await readRegularFile(target.path);
  const parsed = await parse({ key: target.key, body, siteUrl });
  const id = parsed.article.id ?? idFromKey(target.key);
  // Uploaded now: an `updated` far ahead of it is not used, as ingest would not use it.
  const claimed = claimedUpdate(parsed.article, now.toISOString());
  const { updated: _claimed, ...undated } = parsed.article;
  const article = claimed.warning ? undated : parsed.article;
  const verdict: Verdict = {
    ...accepted(shown(target.path), target.key, article, id, now),
    kind: 'article',
    warnings: [
      ...parsed.warnings,
      ...(claimed.warning ? [claimed.warning] : []),
      ...midnightWarnings(
        article.date && Date.parse(article.date) > now.getTime() ? article.date : undefined,
        article.expires && Date.parse(article.expires) > now.getTime()
          ? article.expires
          : undefined,
      ),
    ],
    reason: null,
    code: null,
    copyOf: null,
    type: null,
    size: null,
  };
  facts.set(verdict, {
    digest: sha256(body),
    mediaKeys: article.mediaKeys ?? [],
    inFolder: target.listed !== undefined,
  });
  return verdict;
}

/** A media file, checked as ingest checks its upload: by its first bytes and its size. */
async function checkMediaFile(target: Target): Promise<Verdict> {
  const { size, head } = target.listed
    ? await readInboxFileHead(target.listed.folder, target.listed.file, MEDIA_SNIFF_BYTES)
    : await readRegularFileHead(target.path, MEDIA_SNIFF_BYTES);
  const { type } = checkMedia(target.key, size, head);
  return notAnArticle(target, 'media', 'published', { reason: null, code: null, type, size });
}

async function check(
  target: Target,
  siteUrl: string,
  now: Date,
  parse: ArticleParser,
  facts: Map<Verdict, ArticleFacts>,
): Promise<Verdict> {
  const kind = isMediaKey(target.key) ? 'media' : 'article';
  const refused = (
    status: 'rejected' | 'unreadable',
    reason: string,
    code: RejectionReason | null,
  ) => notAnArticle(target, kind, status, { reason, code, type: null, size: null });
  try {
    return kind === 'media'
      ? await checkMediaFile(target)
      : await checkArticle(target, siteUrl, now, parse, facts);
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
    if (code)
      return refused('unreadable', `cannot read the file: ${ERRNO_WORDS[code] ?? code}`, null);
    throw error;
  }
}

/** What the usual reasons a file cannot be read mean, for the line that names it. */
const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'there is no such file (ENOENT)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'permission denied (EPERM)',
};

/** `path` relative to the working folder when inside it. */
function shown(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd && !fromCwd.startsWith('..') ? fromCwd : path;
}

/**
 * The files checked as if uploaded together, in path order (of their keys) whatever order they
 * are named in, as `build` publishes a folder: a file with the same bytes as an accepted one
 * before it is a held copy of it (unless it names its own id: a second user of that id), and a
 * file whose id an accepted or held one before it has is rejected, as ingest rejects it.
 */
function asUploadedTogether(verdicts: Verdict[], facts: ReadonlyMap<Verdict, ArticleFacts>): void {
  const byBytes = new Map<string, Verdict>();
  const byId = new Map<string, Verdict>();
  const inPathOrder = [...verdicts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const verdict of inPathOrder) {
    const digest = facts.get(verdict)?.digest;
    if (digest === undefined || verdict.id === null) continue;
    const other = byId.get(verdict.id);
    const original = byBytes.get(digest);
    const namesItsId = verdict.id !== idFromKey(verdict.key);
    if (original && !namesItsId && !other) {
      verdict.status = 'held';
      verdict.copyOf = original.key;
    } else if (other && other.key !== verdict.key) {
      const copyOf = other.copyOf ?? undefined;
      const { reason, message } = idTakenError(verdict.id, other.key, copyOf);
      Object.assign(verdict, { status: 'rejected', code: reason, reason: message });
      continue;
    } else byBytes.set(digest, verdict);
    // A held copy is stored under its id too: no other file may take it.
    byId.set(verdict.id, verdict);
  }
}

const isRefused = (v: Verdict) => v.status === 'rejected' || v.status === 'unreadable';

/**
 * What an article is told of the media files it names, as ingest tells it when `build` ingests
 * a folder (its media first): a file checked here and rejected is named with the reason; one
 * that is not here, when the article comes from a folder argument (that folder being its
 * inbox), is not in the inbox. Of a file given alone nothing else is known, so nothing is said.
 */
function mediaWarnings(verdicts: Verdict[], facts: ReadonlyMap<Verdict, ArticleFacts>): void {
  const media = new Map(verdicts.filter((v) => v.kind === 'media').map((v) => [v.key, v]));
  for (const verdict of verdicts) {
    const article = facts.get(verdict);
    if (!article || isRefused(verdict) || verdict.status === 'held') continue;
    const { mediaKeys, inFolder } = article;
    if (mediaKeys.length > MAX_MEDIA_PER_ARTICLE)
      verdict.warnings.push(tooManyMediaWarning(mediaKeys.length));
    for (const key of mediaKeys.slice(0, MAX_MEDIA_PER_ARTICLE)) {
      const file = media.get(key);
      if (file?.status === 'rejected')
        verdict.warnings.push(unpublishedMediaWarning(key, file.reason ?? ''));
      else if (file ? isRefused(file) : inFolder)
        verdict.warnings.push(unpublishedMediaWarning(key));
    }
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
  const facts = new Map<Verdict, ArticleFacts>();
  // Parsed as ingest parses: in a worker, so a pathological file is rejected, not a hang.
  const parsing = new ParsePool({ size: 1 });
  try {
    for (const target of list)
      verdicts.push(await check(target, options.siteUrl, now, parsing.parse, facts));
  } finally {
    await parsing.close();
  }
  asUploadedTogether(verdicts, facts);
  mediaWarnings(verdicts, facts);
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
      const why = verdict.code ? `${verdict.reason} (${verdict.code})` : verdict.reason;
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
