/**
 * A media upload (an image, audio or video file beside the articles): checked, copied to the
 * site bucket under a content-versioned path, recorded, and the articles that use it published
 * again. Ordered and idempotent like articles: the key's source record holds its sequencer and
 * report, and what is published is the key's current version.
 */
import { ArticleRejectedError } from '../articles/errors.ts';
import { checkMedia, MEDIA_SNIFF_BYTES } from '../articles/media.ts';
import type { IngestReport } from '../contract/inbox.ts';
import { mediaName, mediaSitePath, mediaVersion } from '../contract/media.ts';
import { siteUrlOf } from '../contract/site-layout.ts';
import type { ArticleStore, MediaRecord, SourceRecord } from '../ports/article-store.ts';
import type { Inbox } from '../ports/inbox.ts';
import type { SiteMedia } from '../ports/site-media.ts';
import {
  findMedia,
  mediaRecords,
  republishUsers,
  storiesUsing,
  tellUsersOfRejection,
} from './media-links.ts';
import type { ObjectEvent } from './object-event.ts';
import type { IngestOutcome } from './outcome.ts';

export interface MediaDeps {
  store: ArticleStore;
  inbox: Inbox;
  media: SiteMedia;
  siteUrl: string;
}

/** What ingest-object shares with this use case: the report and source-record bookkeeping. */
export interface SourceBookkeeping {
  baseReport(event: ObjectEvent): Omit<IngestReport, 'status'>;
  nextSource(
    event: ObjectEvent,
    source: SourceRecord | undefined,
    patch: Partial<SourceRecord>,
    report: IngestReport,
    applies: boolean,
  ): SourceRecord;
  reject(
    event: ObjectEvent,
    source: SourceRecord | undefined,
    error: ArticleRejectedError,
  ): Promise<IngestOutcome>;
  writeReport(report: IngestReport): Promise<void>;
}

/** One event of a media key, after the ordering checks. */
export async function ingestMedia(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  deps: MediaDeps,
  book: SourceBookkeeping,
): Promise<IngestOutcome> {
  if (event.kind === 'removed') return unpublish(event, source, deps, book);
  // A version deleted for good: the key's current version decides (see ingest-object).
  const versionId = event.kind === 'version-removed' ? undefined : event.versionId;
  const decided: ObjectEvent = { ...event, versionId };
  const object = await deps.inbox.inspect(event.key, versionId, MEDIA_SNIFF_BYTES);
  if (!object && event.kind === 'version-removed') return unpublish(decided, source, deps, book);
  if (!object)
    return {
      kind: 'ignored',
      key: event.key,
      why: 'the object no longer exists; its removal event will follow',
    };
  let type: string;
  try {
    type = checkMedia(event.key, object.size, object.head).type;
  } catch (error) {
    if (error instanceof ArticleRejectedError) {
      const outcome = await book.reject(decided, source, error);
      // A story that came first says its file is not in the inbox yet: now it is, refused.
      if (outcome.kind === 'applied')
        await tellUsersOfRejection(mediaName(event.key), error.message, {
          store: deps.store,
          writeReport: book.writeReport,
        });
      return outcome;
    }
    throw error;
  }
  // Published under its name: one URL for the file whichever way its name was spelled.
  const name = mediaName(event.key);
  const path = mediaSitePath(name, mediaVersion(object.etag));
  const [before, ...spellings] = await mediaRecords(deps.store, name, event.key);
  const same = before?.published?.path === path && before.published.type === type;
  // Copied before it is recorded: an article linked to the record finds the file there.
  if (!same) await deps.media.publish({ inboxKey: event.key, versionId, path, type });
  const { former, dropped } = formerVersions(before, path);
  const retiring = toRetire([...(before?.retiring ?? []), ...dropped], [path, ...former]);
  const record: MediaRecord = {
    key: before?.key ?? name,
    revision: (before?.revision ?? 0) + 1,
    // Stories that named it under another spelling's record use it too.
    usedBy: usersOf(before, spellings),
    published: { path, type, size: object.size },
    ...(former.length > 0 ? { former } : {}),
    ...(retiring.length > 0 ? { retiring } : {}),
  };
  const report: IngestReport = {
    ...book.baseReport(decided),
    status: same ? 'unchanged' : before?.published ? 'updated' : 'published',
    url: siteUrlOf(deps.siteUrl, path),
  };
  const next = book.nextSource(decided, source, { deleted: false }, report, true);
  await deps.store.commit({
    source: { record: next, previousRevision: source?.revision },
    articles: [],
    ...(same ? {} : { media: [{ record, previousRevision: before?.revision }] }),
  });
  if (!same) await republishUsers(record, { ...deps, writeReport: book.writeReport });
  // The version it replaced stays published (formerVersions); only the oldest beyond the
  // bound goes, once the articles point at the new one (and what an earlier delivery that
  // died left to remove: finishRetiring).
  if (!same) await finishRetiring(record, deps.media);
  await book.writeReport(next.report);
  return { kind: 'applied', report };
}

async function unpublish(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  deps: MediaDeps,
  book: SourceBookkeeping,
): Promise<IngestOutcome> {
  const [before, ...spellings] = await mediaRecords(deps.store, mediaName(event.key), event.key);
  const usedBy = usersOf(before, spellings);
  const users = before?.published ? await storiesUsing(before.key, usedBy, deps.store) : [];
  const report: IngestReport = {
    ...book.baseReport(event),
    status: 'deleted',
    ...(users.length > 0 ? { warnings: [stillUsedWarning(users)] } : {}),
  };
  const next = book.nextSource(event, source, { deleted: true }, report, true);
  // Every version still published is listed in the record before it goes, so a delivery
  // that dies before removing them leaves the redelivery what to remove (finishMedia).
  const record: MediaRecord | undefined = before?.published
    ? {
        key: before.key,
        revision: before.revision + 1,
        usedBy,
        retiring: toRetire(
          [...(before.retiring ?? []), ...(before.former ?? []), before.published.path],
          [],
        ),
      }
    : undefined;
  await deps.store.commit({
    source: { record: next, previousRevision: source?.revision },
    articles: [],
    ...(record ? { media: [{ record, previousRevision: before?.revision }] } : {}),
  });
  if (record) await republishUsers(record, { ...deps, writeReport: book.writeReport });
  // Deleting the file takes down every version of it still published.
  if (record) await finishRetiring(record, deps.media);
  // A refused file deleted: its stories' reports no longer say it is in the inbox.
  if (!before?.published && source?.report.status === 'rejected')
    await tellUsersOfRejection(mediaName(event.key), undefined, {
      store: deps.store,
      writeReport: book.writeReport,
    });
  await book.writeReport(next.report);
  return { kind: 'applied', report };
}

/** Versions replaced that stay published, at most this many (the oldest go first). */
export const MAX_FORMER_MEDIA_VERSIONS = 20;

/**
 * The versions a file keeps published once `path` replaces its current one: a podcast app
 * queues an episode from the feed it fetched and downloads it hours later, a feed reader shows
 * the item HTML it stored, so a replaced version's URL keeps answering (until the file is
 * deleted); `dropped`: the oldest beyond MAX_FORMER_MEDIA_VERSIONS, to remove.
 */
function formerVersions(
  before: MediaRecord | undefined,
  path: string,
): { former: string[]; dropped: string[] } {
  const current = before?.published?.path;
  const all = [...(before?.former ?? []), ...(current ? [current] : [])].filter(
    // A version published again (bytes replaced back) is current, not former.
    (p, at, list) => p !== path && list.indexOf(p) === at,
  );
  const cut = Math.max(0, all.length - MAX_FORMER_MEDIA_VERSIONS);
  return { former: all.slice(cut), dropped: all.slice(0, cut) };
}

/** Paths a record keeps to remove at most (the oldest were removed long ago). */
const MAX_RETIRING = 50;

/** `paths` to remove, each once, newest last, none of `kept` (published, or former). */
function toRetire(paths: readonly string[], kept: readonly string[]): string[] {
  const unique = [...new Set(paths)].filter((path) => !kept.includes(path));
  return unique.slice(-MAX_RETIRING);
}

/**
 * Removes what the record lists to retire (never its published or former versions): after its
 * commit, and again when its event is delivered again (the first delivery may have died before).
 */
async function finishRetiring(record: MediaRecord, media: SiteMedia): Promise<void> {
  const kept = [...(record.published ? [record.published.path] : []), ...(record.former ?? [])];
  for (const path of toRetire(record.retiring ?? [], kept)) await media.remove(path);
}

/** The stories a media file's records name, its own's first, each once. */
function usersOf(record: MediaRecord | undefined, spellings: readonly MediaRecord[]): string[] {
  return [...new Set([...(record?.usedBy ?? []), ...spellings.flatMap((r) => r.usedBy)])];
}

/** What the report of a media file deleted while stories still show it says: which ones. */
function stillUsedWarning(users: readonly string[]): string {
  const named = users.slice(0, 5).join(', ');
  const more = users.length > 5 ? ` and ${users.length - 5} more` : '';
  return `still used by ${users.length} ${users.length === 1 ? 'story' : 'stories'} (${named}${more}): its links there answer 404 until the file is uploaded again or they stop using it`;
}

/** A redelivered event: the first delivery may have died before its articles were republished. */
export async function finishMedia(
  event: ObjectEvent,
  deps: MediaDeps,
  book: Pick<SourceBookkeeping, 'writeReport'>,
  /** The report of the event's first delivery (the key's source record). */
  report?: IngestReport,
): Promise<void> {
  const record = await findMedia(deps.store, mediaName(event.key), event.key);
  if (record) await republishUsers(record, { ...deps, writeReport: book.writeReport });
  if (record) await finishRetiring(record, deps.media);
  // A rejection whose delivery died before it told the stories that name the file.
  if (report?.status === 'rejected')
    await tellUsersOfRejection(mediaName(event.key), report.reason ?? '', {
      store: deps.store,
      writeReport: book.writeReport,
    });
}
