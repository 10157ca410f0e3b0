/**
 * How an article and the media files it refers to stay in step, whichever arrives first: the
 * article takes each file's published URL, type and size when it is ingested, and registers
 * itself in the file's record (in the same transaction, conditional on the record it read); a
 * media change then publishes every article its record names again, through the stream.
 */
import type { Article, MediaRef } from '../articles/article.ts';
import { isGone, planArticleWrite, type StoredArticle } from '../articles/stored.ts';
import type { IngestReport } from '../contract/inbox.ts';
import { mediaName, mediaPlaceholderPath } from '../contract/media.ts';
import { siteUrlOf } from '../contract/site-layout.ts';
import {
  type ArticleStore,
  type MediaRecord,
  type MediaWrite,
  type SourceRecord,
  StaleWriteError,
} from '../ports/article-store.ts';

/** Media files one article may refer to: each new one is a write in its transaction. */
export const MAX_MEDIA_PER_ARTICLE = 30;
const MAX_ATTEMPTS = 5;

/**
 * The record of the media file `name` (a mediaName): under that name, or, for a name with
 * letters that decompose, under a spelling ingest kept a record under before names were
 * composed: the name decomposed (as macOS writes it), or `uploadKey` (the key uploaded now). A
 * published record is the one, wherever it is (an older version may have kept an unpublished
 * one under the composed name for a story that named it so); a record found stays where it is.
 */
export async function findMedia(
  store: Pick<ArticleStore, 'getMedia'>,
  name: string,
  uploadKey?: string,
): Promise<MediaRecord | undefined> {
  const [record, ...others] = await mediaRecords(store, name, uploadKey);
  return record ?? others[0];
}

/**
 * Every record the media file `name` has (findMedia), the one findMedia takes first: a
 * spelling's usedBy names stories that refer to the file too.
 */
export async function mediaRecords(
  store: Pick<ArticleStore, 'getMedia'>,
  name: string,
  uploadKey?: string,
): Promise<MediaRecord[]> {
  const found: MediaRecord[] = [];
  const own = await store.getMedia(name);
  if (own) found.push(own);
  if (own?.published) return found;
  for (const spelled of otherSpellings(name, uploadKey)) {
    const kept = await store.getMedia(spelled);
    if (kept) found.push(kept);
  }
  return found.sort((a, b) => Number(Boolean(b.published)) - Number(Boolean(a.published)));
}

/** Whether a story's media reference `ref` is to the file `record` describes, however spelled. */
const refersTo = (ref: Pick<MediaRef, 'key'>, record: Pick<MediaRecord, 'key'>) =>
  mediaName(ref.key) === mediaName(record.key);

/**
 * The keys other than `name` (a mediaName) a file of that name may have been uploaded under:
 * the name decomposed (NFD, as macOS writes file names) and `uploadKey`; none for a name whose
 * letters do not decompose.
 */
function otherSpellings(name: string, uploadKey = name): string[] {
  return [...new Set([name.normalize('NFD'), uploadKey])].filter((key) => key !== name);
}

/** Where an article's reference to `key` points, given the file's record. */
export function mediaRefOf(
  key: string,
  record: MediaRecord | undefined,
  siteUrl: string,
): MediaRef {
  const published = record?.published;
  if (!published) return { key, url: siteUrlOf(siteUrl, mediaPlaceholderPath(key)) };
  return {
    key,
    url: siteUrlOf(siteUrl, published.path),
    type: published.type,
    size: published.size,
  };
}

const attr = (url: string) => url.replaceAll('&', '&amp;');

/** `article` with its reference `from` pointing at `to` instead (content, image, media list). */
function repoint(article: Article, from: MediaRef, to: MediaRef): Article {
  const content = article.contentHtml.split(`"${attr(from.url)}"`).join(`"${attr(to.url)}"`);
  return {
    ...article,
    contentHtml: content,
    ...(article.image === from.url ? { image: to.url } : {}),
    media: (article.media ?? []).map((m) => (m.key === from.key ? to : m)),
  };
}

/**
 * An article just parsed (its references at their placeholder URLs), linked to the media it
 * names: each published one's URL, type and size; the record writes that register it; and a
 * warning for each file that is not published (the inbox does not hold it, or it was rejected).
 */
export async function linkMedia(
  article: Article,
  keys: readonly string[],
  store: ArticleStore,
  siteUrl: string,
): Promise<{ article: Article; writes: MediaWrite[]; warnings: string[] }> {
  const warnings: string[] = [];
  if (keys.length > MAX_MEDIA_PER_ARTICLE) warnings.push(tooManyMediaWarning(keys.length));
  let linked: Article = { ...article, media: [] };
  const writes: MediaWrite[] = [];
  for (const name of keys.slice(0, MAX_MEDIA_PER_ARTICLE)) {
    const record = await findMedia(store, name);
    const key = record?.key ?? name;
    const placeholder = mediaRefOf(name, undefined, siteUrl);
    const ref = mediaRefOf(key, record, siteUrl);
    linked = repoint(
      { ...linked, media: [...(linked.media ?? []), placeholder] },
      placeholder,
      ref,
    );
    if (!record?.published) warnings.push(await missingMedia(name, store));
    if (!record?.usedBy.includes(article.id))
      writes.push({
        // The record as it was (its versions, published and former), one more user.
        record: {
          ...record,
          key,
          revision: (record?.revision ?? 0) + 1,
          usedBy: [...(record?.usedBy ?? []), article.id],
        },
        previousRevision: record?.revision,
      });
  }
  if (linked.media?.length === 0) delete linked.media;
  return { article: linked, writes, warnings };
}

/** Why a media file an article names is not published: not uploaded (yet), or rejected. */
async function missingMedia(name: string, store: ArticleStore): Promise<string> {
  // The report is the key's newest event's: a rejected upload, unless deleted since. A file
  // saved decomposed (macOS) was uploaded under that spelling.
  let source = await store.getSource(name);
  for (const spelled of otherSpellings(name)) source ??= await store.getSource(spelled);
  const report = source?.report;
  return unpublishedMediaWarning(
    name,
    report?.status === 'rejected' ? (report.reason ?? '') : undefined,
  );
}

/** The warning for an article that names more media files than it links. */
export function tooManyMediaWarning(count: number): string {
  return `refers to ${count} media files; only the first ${MAX_MEDIA_PER_ARTICLE} are linked to their published files`;
}

/**
 * The warning for a media file an article names that is not published: not in the inbox (yet),
 * or there but rejected (`rejected`: why).
 */
export function unpublishedMediaWarning(key: string, rejected?: string): string {
  if (rejected !== undefined)
    return `media "${key}" is in the inbox but was rejected (${rejected}): its reference works once a file that passes is uploaded`;
  return `media "${key}" is not in the inbox (yet): its reference works once the file is uploaded`;
}

/** Of `ids` (a media record's usedBy), the stories that still show the file `key`. */
export async function storiesUsing(
  key: string,
  ids: readonly string[],
  store: ArticleStore,
): Promise<string[]> {
  const using: string[] = [];
  for (const id of ids) {
    const stored = await store.getArticle(id);
    if (stored && !isGone(stored) && stored.article.media?.some((m) => refersTo(m, { key })))
      using.push(id);
  }
  return using;
}

/**
 * Publishes again every article that refers to the media file `record` describes, with its
 * new URL, type and size (or its placeholder, once it is gone): a new revision of each, which
 * the stream brings to publish. Idempotent: an article already pointing there is left alone.
 * The report of each article's file says so in the same write: the warning that the file is
 * not in the inbox goes once it is published, and comes back when it is deleted (and written
 * to the bucket with `writeReport`). Returns the ids it changed.
 */
export async function republishUsers(
  record: MediaRecord,
  {
    store,
    siteUrl,
    writeReport,
  }: {
    store: ArticleStore;
    siteUrl: string;
    /** Writes a story's report to the bucket (ingest's writeReportInOrder). */
    writeReport?: (report: IngestReport) => Promise<void>;
  },
): Promise<string[]> {
  return updateUsers(record.usedBy, { store, writeReport }, async (stored, source) => {
    // The file as it is now: a newer upload's ingest may have finished since this one's
    // commit, and a story must never be pointed back at the version it replaced.
    const current = (await store.getMedia(record.key)) ?? record;
    const to = mediaRefOf(current.key, current, siteUrl);
    const from = stored.article.media?.find((m) => refersTo(m, record));
    if (!from || JSON.stringify(from) === JSON.stringify(to)) return undefined;
    return {
      article: repoint(stored.article, from, to),
      report: source && reportAfter(source.report, stored.article.id, current),
    };
  });
}

/**
 * Tells the stories that name a media file just rejected why it is missing: each report's
 * warning about the file ("not in the inbox (yet)", written when the story came first) says
 * the rejection instead; `reason` undefined (the refused file deleted since): not in the inbox
 * again. Only reports change: the stories show the placeholder as before.
 */
export async function tellUsersOfRejection(
  name: string,
  reason: string | undefined,
  deps: { store: ArticleStore; writeReport?: (report: IngestReport) => Promise<void> },
): Promise<void> {
  const record = await findMedia(deps.store, name);
  const about = (warning: string) => warning.startsWith(`media "${name}" is `);
  await updateUsers(record?.usedBy ?? [], deps, async (stored, source) => {
    const before = source?.report;
    if (!before || before.id !== stored.article.id || before.status === 'rejected') return;
    const warnings = before.warnings.map((warning) =>
      about(warning) ? unpublishedMediaWarning(name, reason) : warning,
    );
    if (JSON.stringify(warnings) === JSON.stringify(before.warnings)) return;
    return { report: { ...before, warnings } };
  });
}

/**
 * Each story of `ids` still there, changed as `plan` says (its article, its file's report,
 * or both, in one write), read again and planned again when another write came first; the
 * report is then written to the bucket. Returns the ids changed.
 */
async function updateUsers(
  ids: readonly string[],
  {
    store,
    writeReport,
  }: { store: ArticleStore; writeReport?: (report: IngestReport) => Promise<void> },
  plan: (
    stored: StoredArticle,
    source: SourceRecord | undefined,
  ) => Promise<{ article?: Article; report?: IngestReport } | undefined>,
): Promise<string[]> {
  const changed: string[] = [];
  for (const id of ids) {
    for (let attempt = 1; ; attempt++) {
      const stored = await store.getArticle(id);
      if (!stored || isGone(stored)) break;
      const source = await store.getSource(stored.article.sourceKey);
      const change = await plan(stored, source);
      if (!change) break;
      const { article, report } = change;
      try {
        await store.commit({
          ...(source && report
            ? {
                source: {
                  record: { ...source, revision: source.revision + 1, report },
                  previousRevision: source.revision,
                },
              }
            : {}),
          articles: article ? [planArticleWrite(stored, article)] : [],
        });
        if (report) await writeReport?.(report);
        changed.push(id);
        break;
      } catch (error) {
        if (!(error instanceof StaleWriteError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
  return changed;
}

/**
 * The report of story `id`'s file once the media file `record` describes is published (its
 * warning of a missing or rejected file gone) or gone (the missing-file warning back), or
 * undefined when it does not change: another file's report, or one about something else.
 */
function reportAfter(
  report: IngestReport,
  id: string,
  record: MediaRecord,
): IngestReport | undefined {
  if (report.id !== id || report.status === 'rejected' || report.status === 'deleted') return;
  const name = mediaName(record.key);
  const about = (warning: string) => warning.startsWith(`media "${name}" is `);
  const others = report.warnings.filter((warning) => !about(warning));
  const warnings = record.published ? others : [...others, unpublishedMediaWarning(name)];
  if (JSON.stringify(warnings) === JSON.stringify(report.warnings)) return;
  return { ...report, warnings };
}
