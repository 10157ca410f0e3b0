import {
  type Article,
  type Correction,
  formerStoryOf,
  heldTrace,
  isWithdrawnPublic,
  lastShown,
  MAX_FORMER_STORIES,
  type ParsedArticle,
  type ParseResult,
  sameFace,
  type Withdrawal,
} from '../articles/article.ts';
import {
  ArticleRejectedError,
  idTakenError,
  MAX_STORED_ARTICLE_BYTES,
  tooLargeToStore,
} from '../articles/errors.ts';
import { applyDueTransitions, claimedUpdate, midnightWarnings } from '../articles/lifecycle.ts';
import { guidFromId, keptId } from '../articles/object-key.ts';
import {
  type ArticleWrite,
  isGone,
  movedTombstoneOf,
  planArticleWrite,
  redirectsMadeLive,
  type StoredArticle,
  withUnseenBytes,
} from '../articles/stored.ts';
import { sha256 } from '../contract/content-hash.ts';
import type { IngestReport } from '../contract/inbox.ts';
import { INBOX_PREFIX } from '../contract/inbox.ts';
import { isMediaKey } from '../contract/media.ts';
import { articlePath } from '../contract/site-layout.ts';
import type { ArticleParser } from '../ports/article-parser.ts';
import type { ArticleStore, MediaWrite, SourceRecord } from '../ports/article-store.ts';
import { StaleWriteError } from '../ports/article-store.ts';
import type { Inbox } from '../ports/inbox.ts';
import type { SiteMedia } from '../ports/site-media.ts';
import { finishMedia, ingestMedia, type SourceBookkeeping } from './ingest-media.ts';
import { linkMedia } from './media-links.ts';
import { compareSequencers, type ObjectEvent } from './object-event.ts';
import type { IngestOutcome } from './outcome.ts';

export interface IngestDeps {
  store: ArticleStore;
  inbox: Inbox;
  /** How an upload is parsed: in process unless given (the Lambda parses in workers, with a budget). */
  parse?: ArticleParser;
  /** Where media uploads are published; without it they are ignored (README "Media"). */
  media?: SiteMedia;
  siteUrl: string;
  /** Decides `scheduled` versus `live`; never used for an article's dates. */
  now: () => Date;
}

// Loaded at the first upload: a caller that parses elsewhere (the Lambda's workers) never
// evaluates the parser.
const parseInProcess: ArticleParser = async (input) =>
  (await import('../articles/parse.ts')).parseArticle(input);

const MAX_ATTEMPTS = 5;

/**
 * Turns one S3 object event into the table's new state, or into a rejection report.
 * Idempotent and ordered: an event at or behind the key's recorded sequencer writes nothing.
 */
export async function ingestObjectEvent(
  event: ObjectEvent,
  deps: IngestDeps,
): Promise<IngestOutcome> {
  if (!event.key.startsWith(INBOX_PREFIX.articles)) {
    return { kind: 'ignored', key: event.key, why: `not under ${INBOX_PREFIX.articles}` };
  }
  for (let attempt = 1; ; attempt++) {
    try {
      // The first try takes a key never seen as new without asking (upsert); a retry asks.
      return await ingestOnce(event, deps, attempt === 1);
    } catch (error) {
      // Someone else wrote this key or article between our read and our write: read again.
      if (!(error instanceof StaleWriteError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

async function ingestOnce(
  event: ObjectEvent,
  deps: IngestDeps,
  firstTry: boolean,
): Promise<IngestOutcome> {
  const source = await deps.store.getSource(event.key);
  if (source) {
    const applied = source.appliedSequencer;
    const sinceApplied = applied === undefined ? 1 : compareSequencers(event.sequencer, applied);
    const sinceNewest = compareSequencers(event.sequencer, source.sequencer);
    if (sinceApplied < 0) return { kind: 'stale', key: event.key, sequencer: event.sequencer };
    if (sinceApplied === 0 || sinceNewest === 0) {
      // Delivered again: the first delivery may have died after its commit, before its report.
      await deps.inbox.writeReport(source.report);
      if (deps.media && isMediaKey(event.key))
        await finishMedia(event, { ...deps, media: deps.media }, bookkeeping(deps), source.report);
      return {
        kind: 'duplicate',
        key: event.key,
        sequencer: event.sequencer,
        report: source.report,
      };
    }
  }
  if (isMediaKey(event.key)) {
    if (!deps.media)
      return { kind: 'ignored', key: event.key, why: 'media files are not published here' };
    return ingestMedia(event, source, { ...deps, media: deps.media }, bookkeeping(deps));
  }
  return decide(event, source, deps, firstTry && !source);
}

/** What an article key's event does to the table, once it is known to be new for the key. */
async function decide(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  deps: IngestDeps,
  /** A key never seen, tried the first time: see upsert. */
  unseenKey = false,
): Promise<IngestOutcome> {
  if (event.kind === 'removed') return remove(event, source, deps);
  // A version deleted for good: publish what the key holds now (its current version), or
  // nothing if that is a delete marker. The event is the newest for the key, so it decides.
  const current = event.kind === 'version-removed';
  const decided: ObjectEvent = current ? { ...event, versionId: undefined } : event;
  let parsed: ParseResult;
  let bodyHash: string;
  try {
    const body = await deps.inbox.read(event.key, decided.versionId);
    if (!body && current) return remove(decided, source, deps);
    if (!body)
      return {
        kind: 'ignored',
        key: event.key,
        why: 'the object no longer exists; its removal event will follow',
      };
    bodyHash = sha256(body);
    parsed = await (deps.parse ?? parseInProcess)({ key: event.key, body, siteUrl: deps.siteUrl });
  } catch (error) {
    if (error instanceof ArticleRejectedError) return reject(decided, source, error, deps);
    throw error;
  }
  return upsert(decided, source, parsed, bodyHash, deps, unseenKey);
}

function bookkeeping(deps: IngestDeps): SourceBookkeeping {
  return {
    baseReport,
    nextSource,
    reject: (event, source, error) => reject(event, source, error, deps),
    writeReport: (report) => writeReportInOrder(report, deps),
  };
}

function baseReport(event: ObjectEvent): Omit<IngestReport, 'status'> {
  return {
    key: event.key,
    versionId: event.versionId,
    sequencer: event.sequencer,
    eventTime: event.eventTime,
    warnings: [],
  };
}

/**
 * Whether no newer event for the key has been seen (an older one may follow a rejection). The
 * newest one itself only comes back here when its key is decided again (moveToHeldCopy): a
 * redelivery stops at ingestOnce.
 */
function isNewest(event: ObjectEvent, source: SourceRecord | undefined): boolean {
  return !source || compareSequencers(event.sequencer, source.sequencer) >= 0;
}

/**
 * The source record after this event, keeping what it knew (first seen, last good id).
 * `applies`: the event decided the article (not a rejection). The report in the record is
 * always the newest event's.
 */
function nextSource(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  patch: Partial<SourceRecord>,
  report: IngestReport,
  applies: boolean,
): SourceRecord {
  const newest = isNewest(event, source);
  return {
    key: event.key,
    sequencer: newest ? event.sequencer : (source?.sequencer ?? event.sequencer),
    appliedSequencer: applies ? event.sequencer : source?.appliedSequencer,
    revision: (source?.revision ?? 0) + 1,
    id: source?.id,
    contentHash: source?.contentHash,
    firstSeen: source?.firstSeen ?? event.eventTime,
    deleted: source?.deleted ?? false,
    ...patch,
    report: newest ? report : (source?.report ?? report),
  };
}

async function commitAndReport(
  source: SourceRecord | undefined,
  record: SourceRecord,
  articles: ArticleWrite[],
  deps: IngestDeps,
  /** This event's own report (the record keeps the newest event's). */
  own: IngestReport,
  media: MediaWrite[] = [],
): Promise<IngestOutcome> {
  await deps.store.commit({
    source: { record, previousRevision: source?.revision },
    articles,
    ...(media.length > 0 ? { media } : {}),
  });
  // A key's first source record: its report is most likely the first too.
  await writeReportInOrder(record.report, deps, source === undefined);
  return { kind: 'applied', report: own };
}

/**
 * Writes a report, then makes sure it is the table's: reports are written after their commit,
 * so an older event's slow report could land after a newer one's, or a story's own after the
 * one its media's change wrote (republishUsers: the same event's, its warnings brought up to
 * date). Whoever writes last checks the table and puts its report back when it is another, at
 * least as new (not over the handler's report of a last failure). The first report of a key
 * (`first`: its event made the key's first source record) is written only if the key has none
 * yet: then no newer event's report can have been there to overwrite, and there is nothing to
 * check (one request instead of two); if one is there, as above.
 */
export async function writeReportInOrder(
  report: IngestReport,
  deps: Pick<IngestDeps, 'store' | 'inbox'>,
  first = false,
) {
  if (first && (await deps.inbox.writeFirstReport(report))) return;
  await deps.inbox.writeReport(report);
  const current = await deps.store.getSource(report.key);
  if (!current) return;
  const newer = compareSequencers(current.sequencer, report.sequencer);
  // The same event's report from the table wins over another of it, but for the last failure's
  // (the handler's: the event's work after its commit failed on every delivery).
  const sameEvent =
    newer === 0 &&
    report.status !== 'failed' &&
    JSON.stringify(current.report) !== JSON.stringify(report);
  if (newer > 0 || sameEvent) await deps.inbox.writeReport(current.report);
}

async function remove(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  deps: IngestDeps,
): Promise<IngestOutcome> {
  const owned = await storyOfKey(source, event.key, deps);
  // A copy held for this story (the first half of a move whose delete came second) takes it
  // over first, in one transaction: readers never see it withdrawn, nor twice.
  const moved = owned ? await moveToHeldCopy(owned, event, deps) : undefined;
  if (moved) {
    const outcome = await remove(event, source, deps);
    return outcome.kind === 'applied' ? { ...outcome, also: [moved] } : outcome;
  }
  const report: IngestReport = {
    ...baseReport(event),
    status: 'deleted',
    id: owned?.article.id,
    title: owned?.article.title,
  };
  // The tombstone stays, so an older create delivered late cannot bring the article back.
  const record = nextSource(event, source, { deleted: true, contentHash: undefined }, report, true);
  const writes = owned ? [planArticleWrite(owned, undefined, event.eventTime)] : [];
  const outcome = await commitAndReport(source, record, writes, deps, report);
  // The id is free now: a file refused it meanwhile (with other bytes) may take it.
  const claimed = await decideClaimants(owned?.article.claimants ?? [], event, deps);
  return outcome.kind === 'applied' && claimed.length > 0
    ? { ...outcome, also: [...(outcome.also ?? []), ...claimed] }
    : outcome;
}

async function reject(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  error: ArticleRejectedError,
  deps: IngestDeps,
  /** Written with the rejection: the holder of the id this upload asked for, noting it. */
  writes: ArticleWrite[] = [],
) {
  // An older rejection than one already reported: in order, it would have been superseded.
  if (!isNewest(event, source))
    return { kind: 'stale' as const, key: event.key, sequencer: event.sequencer };
  const report: IngestReport = {
    ...baseReport(event),
    status: 'rejected',
    reason: error.message,
    code: error.reason,
  };
  // Only the sequencer moves: whatever this key published before stays published.
  return commitAndReport(
    source,
    nextSource(event, source, {}, report, false),
    writes,
    deps,
    report,
  );
}

/** Claimants an article remembers at most (the most recent). */
const MAX_CLAIMANTS = 20;

/** The holder of an id noting `key` among the keys refused it (nothing if it is noted). */
function claim(holder: StoredArticle, key: string): ArticleWrite[] {
  const claimants = holder.article.claimants ?? [];
  if (claimants.includes(key)) return [];
  const noted = [...claimants, key].slice(-MAX_CLAIMANTS);
  return [planArticleWrite(holder, { ...holder.article, claimants: noted })];
}

/**
 * The keys refused the id of a story whose file is now deleted, decided again as their own
 * newest events would be (moveToHeldCopy does the same for a held copy): the first whose file
 * is still there, and still asks for the id, takes it; the others are refused again, by it.
 */
async function decideClaimants(
  claimants: readonly string[],
  event: ObjectEvent,
  deps: IngestDeps,
): Promise<IngestReport[]> {
  const reports: IngestReport[] = [];
  for (const key of claimants) {
    if (key === event.key) continue;
    const source = await deps.store.getSource(key);
    if (!source || source.deleted || source.report.code !== 'bad-id') continue;
    const outcome = await decideAgain(source, event, deps);
    if (outcome.kind === 'applied') reports.push(outcome.report);
  }
  return reports;
}

/** Older addresses a story keeps redirecting straight to where it is (the most recent). */
const MAX_REDIRECTS = 10;

/**
 * A story moving from `from` to `id`: the ids whose pages will redirect to it (the one it
 * leaves, and those that redirected there), and the writes that point the older ones' tombstones
 * here, so a reader of an old link takes one 301, not one per move.
 */
async function redirectHere(
  from: StoredArticle,
  id: string,
  deps: IngestDeps,
  {
    fromRedirects,
    live,
    leaving,
  }: {
    /** Whether `from`'s own address redirects (readers saw the story there). */
    fromRedirects: boolean;
    /** Whether the story is public at `id`: an older address waiting for that redirects now. */
    live: boolean;
    /** The story leaves view as it moves: every older address waits for it too, gone till then. */
    leaving?: Withdrawal | undefined;
  },
): Promise<{ ids: string[]; writes: ArticleWrite[] }> {
  const older = (from.article.redirectsFrom ?? []).filter((z) => z !== id && z !== from.article.id);
  const writes: ArticleWrite[] = [];
  for (const z of older) {
    const stored = await deps.store.getArticle(z);
    if (stored?.article.status === 'moved' && stored.article.movedTo === from.article.id) {
      const { withdrawn, ...redirect } = stored.article;
      const waits = live ? undefined : (withdrawn ?? (leaving && { at: leaving.at }));
      writes.push(
        planArticleWrite(stored, {
          ...redirect,
          movedTo: id,
          ...(waits ? { withdrawn: waits } : {}),
        }),
      );
    }
  }
  const ids = fromRedirects ? [...older, from.article.id] : older;
  return { ids: ids.slice(-MAX_REDIRECTS), writes };
}

/** What another key holds now, decided again as its own newest event would be, during `event`. */
function decideAgain(
  source: SourceRecord,
  event: ObjectEvent,
  deps: IngestDeps,
): Promise<IngestOutcome> {
  const again: ObjectEvent = {
    kind: 'version-removed',
    bucket: event.bucket,
    key: source.key,
    sequencer: source.sequencer,
    eventTime: event.eventTime,
  };
  return decide(again, source, deps);
}

/**
 * The copy held for `owned` (HELD: same bytes, while `owned`'s file was still there), looked
 * at again now that the file is being deleted: it is the story, moved. Its report, if it did.
 */
async function moveToHeldCopy(
  owned: StoredArticle,
  event: ObjectEvent,
  deps: IngestDeps,
): Promise<IngestReport | undefined> {
  const hash = owned.article.bodyHash;
  const heldId = hash ? await deps.store.findByBody(hash) : undefined;
  if (!heldId || heldId === owned.article.id) return undefined;
  const held = await deps.store.getArticle(heldId);
  if (held?.article.status !== 'held' || held.article.heldFor !== owned.article.id)
    return undefined;
  const key = held.article.sourceKey;
  const source = await deps.store.getSource(key);
  if (!source) return undefined;
  const outcome = await decideAgain(source, event, deps);
  return outcome.kind === 'applied' && outcome.report.status === 'moved'
    ? outcome.report
    : undefined;
}

/**
 * A copy of a story whose file is still in the inbox (same bytes): stored under its own id,
 * status `held`, published nowhere. It becomes a story of its own when it changes, or that
 * story, moved here, when the other file is deleted (moveToHeldCopy).
 */
async function hold(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  { article: parsed, warnings }: ParseResult,
  id: string,
  hash: string,
  bodyHash: string,
  existing: StoredArticle | undefined,
  origin: StoredArticle,
  deps: IngestDeps,
): Promise<IngestOutcome> {
  const original = origin.article;
  const mine = existing?.article.status === 'held' ? existing : undefined;
  const record = articleRecord(event, source, parsed, id, hash, mine, deps.now());
  const { withdrawn: _none, ...rest } = record;
  // An id whose story moved away gives the copy a new guid, as it would a new story: the moved
  // one keeps the old.
  const guid =
    existing?.article.status === 'moved' ? guidFromId(`${id}#${existing.rev}`) : record.guid;
  const held: Article = {
    ...rest,
    guid,
    status: 'held',
    heldFor: original.id,
    bodyHash,
    ...heldTrace(existing?.article),
  };
  const report: IngestReport = {
    ...baseReport(event),
    status: 'held',
    id,
    title: parsed.title,
    copyOf: original.sourceKey,
    warnings,
  };
  const next = nextSource(event, source, { id, contentHash: hash, deleted: false }, report, true);
  // The original written too, as it is (its revision moves): the copy is held only if the
  // original is still what it was read as, and a delete of the original that read it before
  // the copy was held is refused (StaleWriteError) and, tried again, finds the copy and makes
  // it the story moved. Without it, the two commit in either order: a copy held for a story
  // already deleted, or a delete that missed its copy (a move lost its guid).
  const touched = planArticleWrite(origin, original);
  return commitAndReport(source, next, [planArticleWrite(existing, held), touched], deps, report);
}

/** The refusal of an id another key's story has; a held copy's names its original's key. */
async function idTaken(id: string, holder: Article, deps: IngestDeps) {
  const heldFor = holder.status === 'held' ? holder.heldFor : undefined;
  const original = heldFor ? await deps.store.getArticle(heldFor) : undefined;
  return idTakenError(id, holder.sourceKey, original?.article.sourceKey);
}

function contentHash(parsed: ParsedArticle, id: string): string {
  return sha256(JSON.stringify({ id, ...parsed }));
}

/**
 * The story this upload is a move of, if any: the same bytes as an upload that made another
 * key's story, arriving at a key that holds no story of its own. `aws s3 mv` is a copy and a
 * delete, in either order: the copy first finds the story live at its old key (whose delete then
 * finds it moved, and removes nothing); the delete first leaves a tombstone with the bytes'
 * hash, and the copy finds that.
 */
async function movedFrom(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  existing: StoredArticle | undefined,
  bodyHash: string,
  deps: IngestDeps,
  /** What findByBody(bodyHash) answered (getArticleAndBody); none: not asked yet. */
  byBody?: { id?: string },
): Promise<StoredArticle | undefined> {
  // A key with a story of its own keeps it; a held copy is looked at again on every upload. A
  // story that moved away from this key (its delete not seen yet: a newer upload of the key
  // came first) is not its own any more: the bytes may be that story moving back.
  const own =
    source?.id &&
    !source.deleted &&
    !(existing && isGone(existing) && existing.article.id === source.id);
  if (own && existing?.article.status !== 'held') return undefined;
  const read = async (id: string) =>
    id === existing?.article.id ? existing : await deps.store.getArticle(id);
  const originId = byBody ? byBody.id : await deps.store.findByBody(bodyHash);
  let origin = originId ? await read(originId) : undefined;
  // The bytes' last upload was a held copy of them (its original is the story), or a story or
  // copy that has moved on since (ping-pong moves whose events interleave): followed to where
  // the story is now, a few steps at most.
  for (let step = 0; origin && step < 4; step++) {
    const { status, heldFor, movedTo } = origin.article;
    const next =
      heldFor && (status === 'held' || status === 'deleted')
        ? heldFor
        : status === 'moved'
          ? movedTo
          : undefined;
    if (next === undefined || next === origin.article.id) break;
    origin = await read(next);
  }
  const article = origin?.article;
  if (!article || article.bodyHash !== bodyHash || article.sourceKey === event.key)
    return undefined;
  return article.status === 'moved' || article.status === 'held' ? undefined : origin;
}

/** The story this key's file made last, if it is still there (not deleted, not moved away). */
async function storyOfKey(
  source: SourceRecord | undefined,
  key: string,
  deps: IngestDeps,
): Promise<StoredArticle | undefined> {
  if (!source?.id || source.deleted) return undefined;
  const story = await deps.store.getArticle(source.id);
  return story && !isGone(story) && story.article.sourceKey === key ? story : undefined;
}

/**
 * Whether a story's file is still in the inbox: its same bytes at another key are then a copy
 * (held), not the arriving half of a move. A move's delete usually runs before its copy's
 * event is processed; when it has not yet, the copy is held until the delete arrives.
 */
async function fileExists(key: string, deps: IngestDeps): Promise<boolean> {
  return (await deps.inbox.inspect(key, undefined, 0)) !== undefined;
}

async function upsert(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  result: ParseResult,
  bodyHash: string,
  deps: IngestDeps,
  /**
   * A key never seen, on its first try (an import is thousands of them): its id and bytes are
   * taken as new without reading, and the commit checks it (no article under the id, no story
   * made of these bytes) or is refused, and the retry reads (StaleWriteError).
   */
  unseenKey = false,
): Promise<IngestOutcome> {
  let { article: parsed, warnings } = result;
  const id = parsed.id ?? keptId(event.key, source?.id);
  // A claimed update later than the upload and the story's date is not used (a typo, mostly).
  const claimed = claimedUpdate(parsed, event.eventTime);
  if (claimed.warning) {
    const { updated: _future, ...rest } = parsed;
    parsed = rest;
    warnings = [...warnings, claimed.warning];
  }
  // A key without a story of its own (its first upload, or its story deleted) asks whether its
  // bytes are a move or a copy too: both in one read.
  const read: { article?: StoredArticle; byBody?: string; askedBody: boolean } = unseenKey
    ? { askedBody: true }
    : source?.id && !source.deleted
      ? { article: await deps.store.getArticle(id), askedBody: false }
      : { ...(await deps.store.getArticleAndBody(id, bodyHash)), askedBody: true };
  const existing = read.article;
  const byBody = read.askedBody ? { id: read.byBody } : undefined;
  const origin = await movedFrom(event, source, existing, bodyHash, deps, byBody);
  // A tombstone keeps the id's revision counting; any file may take the id again. A story
  // moved here under its own id (the file sets it) is the one exception.
  const movedOwnId = origin?.article.id === id;
  if (!movedOwnId && !isGone(existing) && existing && existing.article.sourceKey !== event.key) {
    const error = await idTaken(id, existing.article, deps);
    return reject(event, source, error, deps, claim(existing, event.key));
  }
  const hash = contentHash(parsed, id);
  if (
    !isGone(existing) &&
    existing?.article.status !== 'held' &&
    source &&
    !source.deleted &&
    source.id === id &&
    source.contentHash === hash
  ) {
    const report: IngestReport = {
      ...baseReport(event),
      status: 'unchanged',
      id,
      title: parsed.title,
      warnings,
    };
    return commitAndReport(source, nextSource(event, source, {}, report, true), [], deps, report);
  }

  // The same bytes as a story whose file is still there: a copy. Held, published nowhere, so no
  // reader sees the story twice; a file that names its own id cannot be a second copy of it.
  const copyOf =
    origin && !movedOwnId && !isGone(origin) && (await fileExists(origin.article.sourceKey, deps))
      ? origin
      : undefined;
  if (copyOf)
    return hold(
      event,
      source,
      { article: parsed, warnings },
      id,
      hash,
      bodyHash,
      existing,
      copyOf,
      deps,
    );

  // A move carries the story over: its guid, dates and correction log (same bytes: same story).
  // So does a file that comes back to its key after a delete (re-uploaded, or the delete
  // undone): the same item for readers, updated, not a new one.
  const restored =
    existing?.article.status === 'deleted' && existing.article.sourceKey === event.key
      ? existing
      : undefined;
  // The file changed its own `id:`: its story moves to the new id, as a move to another key
  // does (the same item, its dates and log; the old address redirects), and is updated.
  const own = !origin && source?.id !== id ? await storyOfKey(source, event.key, deps) : undefined;
  const renamed = own?.article.status === 'held' ? undefined : own;
  const from = origin ?? renamed;
  const current = from ?? (isGone(existing) ? restored : existing);
  const made = articleRecord(event, source, parsed, id, hash, current, deps.now(), Boolean(origin));
  // A public story renamed as it leaves (a date to come, a draft, withdrawn): its withdrawal is
  // its old address's, where readers saw it; the new id shows nothing until it is public.
  const renamedAway = from !== undefined && from.article.id !== id;
  const left = renamedAway && made.status !== 'live' ? made.withdrawn : undefined;
  // The old address keeps no face of its own (a tombstone): the notice shows what readers saw.
  const leaving = left && from && { ...left, shown: left.shown ?? lastShown(from.article) };
  // Back at an address it left while out of view (renamed as it left, then renamed back): the
  // notice there is its own, kept while it is still out of view; no other story was displaced.
  const ownOldAddress =
    from && existing?.article.status === 'moved' && existing.article.movedTo === from.article.id
      ? existing
      : undefined;
  const keptNotice = made.status !== 'live' ? ownOldAddress?.article.withdrawn : undefined;
  // Leaving for an address readers knew it at before (it redirected from there): gone there too.
  const record = leaving
    ? ownOldAddress
      ? { ...made, withdrawn: leaving }
      : withoutWithdrawal(made)
    : keptNotice
      ? { ...made, withdrawn: keptNotice }
      : made;
  // An id whose story moved away, or whose file was deleted, gives a new story from another
  // file a new guid: the old guid stays the old story's (readers told it moved or went), and a
  // reader never sees it turn into another story. Its own file coming back is `restored`.
  const guid =
    !current && (existing?.article.status === 'moved' || existing?.article.status === 'deleted')
      ? guidFromId(`${id}#${existing.rev}`)
      : record.guid;
  // Readers of a story deleted from this id are still told it went, in its feeds, for the
  // window: the new story keeps its notice (and those of the stories before it).
  const displaced =
    existing && isGone(existing) && existing !== current && !ownOldAddress ? existing : undefined;
  const formerly = [
    ...(displaced ? formerStoryOf(displaced.article) : []),
    ...(record.formerly ?? []),
  ].slice(0, MAX_FORMER_STORIES);
  const linked = await linkMedia(
    { ...record, guid, bodyHash, ...(formerly.length > 0 ? { formerly } : {}) },
    parsed.mediaKeys ?? [],
    deps.store,
    deps.siteUrl,
  );
  // Under a new id, the old one keeps a tombstone saying where the story went (its page
  // redirects), and the story's older addresses redirect straight here too, not through it.
  const tombstone =
    from && from.article.id !== id ? movedTombstoneOf(from.article, id, leaving) : undefined;
  // An address that redirected to the story, or waits to, follows it: straight to its new id.
  const redirected =
    from && tombstone && (tombstone.movedTo || from.article.redirectsFrom?.length)
      ? await redirectHere(from, id, deps, {
          fromRedirects: Boolean(tombstone.movedTo),
          live: record.status === 'live',
          leaving,
        })
      : undefined;
  const article = redirected ? withRedirects(linked.article, redirected.ids) : linked.article;
  warnings.push(...linked.warnings);
  const storedBytes = Buffer.byteLength(JSON.stringify(article));
  // The parser refused most of these already; a long correction log or media list can still.
  if (storedBytes > MAX_STORED_ARTICLE_BYTES)
    return reject(event, source, tooLargeToStore(storedBytes, MAX_STORED_ARTICLE_BYTES), deps);
  const planned = planArticleWrite(existing, article);
  const writes = [unseenKey ? withUnseenBytes(planned, bodyHash) : planned];
  if (from && tombstone)
    writes.push(planArticleWrite(from, tombstone), ...(redirected?.writes ?? []));
  // Public again at this id: the old addresses whose redirect waited for it redirect now.
  if (!tombstone)
    writes.push(...(await redirectsMadeLive(article, (old) => deps.store.getArticle(old))));
  const status =
    from && !leaving
      ? 'moved'
      : article.status === 'live'
        ? existing?.article.status === 'live'
          ? 'updated'
          : 'published'
        : article.status;
  const report: IngestReport = {
    ...baseReport(event),
    status: status === 'deleted' ? 'withdrawn' : status,
    id,
    title: article.title,
    ...(origin ? { movedFrom: origin.article.sourceKey } : {}),
    ...(from && tombstone?.movedTo && !leaving
      ? { redirectedFrom: articlePath(from.article.id) }
      : {}),
    warnings: [
      ...warnings,
      ...(leaving && from ? [leftOldAddress(from.article.id, id)] : []),
      ...midnightWarnings(
        article.status === 'scheduled' ? article.published : undefined,
        article.status === 'withdrawn' ? undefined : article.expires,
      ),
    ],
  };
  const next = nextSource(event, source, { id, contentHash: hash, deleted: false }, report, true);
  return commitAndReport(source, next, writes, deps, report, linked.writes);
}

function articleRecord(
  event: ObjectEvent,
  source: SourceRecord | undefined,
  parsed: ParsedArticle,
  id: string,
  hash: string,
  existing: StoredArticle | undefined,
  now: Date,
  /** The same story moved here: nothing about it changed for its readers. */
  moved = false,
): Article {
  const before = existing?.article;
  const published = parsed.date ?? before?.published ?? source?.firstSeen ?? event.eventTime;
  const corrections = correctionLog(before?.corrections, parsed.correction, event.eventTime);
  const corrected = corrections.length > (before?.corrections?.length ?? 0);
  // A correction is dated when it is seen, so `updated` is at least that, on a first upload too.
  const revised = before || corrected ? maxIso(event.eventTime, published) : published;
  // A minor edit (a typo) keeps the date readers saw, so they do not see the story as updated.
  const updated =
    (parsed.minor || moved) && before && !corrected
      ? before.updated
      : maxIso(parsed.updated ?? revised, published);
  const article: Article = {
    id,
    guid: before?.guid ?? guidFromId(id),
    sourceKey: event.key,
    title: parsed.title,
    summary: parsed.summary,
    contentHtml: parsed.contentHtml,
    tags: parsed.tags,
    authors: parsed.authors,
    published,
    updated,
    image: parsed.image,
    ...(parsed.imageText ? { imageText: parsed.imageText } : {}),
    link: parsed.link,
    language: parsed.language,
    status: parsed.draft ? 'draft' : 'scheduled',
    contentHash: hash,
    ...(corrections.length > 0 ? { corrections } : {}),
    ...(parsed.expires ? { expires: parsed.expires } : {}),
    ...(parsed.feedContent ? { feedContent: parsed.feedContent } : {}),
    // The keys refused this id stay noted while the story keeps it (an edit), and so do the
    // notices of the stories deleted from it before.
    ...(before?.id === id && before.claimants ? { claimants: before.claimants } : {}),
    ...(before?.id === id && before.formerly ? { formerly: before.formerly } : {}),
    // The older addresses that redirect here stay noted with the story, wherever it goes.
    ...(before?.redirectsFrom
      ? { redirectsFrom: before.redirectsFrom.filter((z) => z !== id) }
      : {}),
  };
  const wasPublic = before?.status === 'live' || isWithdrawnPublic(before);
  /**
   * `record`, gone from readers if they saw the story: dated at its first withdrawal, with what
   * they last saw (Withdrawal.shown) where the record now shows another face: the title and the
   * feeds it had, never the file's new ones (a draft's, an embargoed version's). A story that
   * was never public leaves no trace.
   */
  const leaving = (record: Article, at = event.eventTime, note = parsed.note): Article => {
    const { withdrawn: _was, ...rest } = record;
    if (!wasPublic || !before) return rest;
    const shown = lastShown(before);
    const withdrawn: Withdrawal = {
      at: before.withdrawn?.at ?? at,
      ...(note ? { note } : {}),
      ...(sameFace(shown, record) ? {} : { shown }),
    };
    return { ...rest, withdrawn };
  };
  if (parsed.withdrawn) return leaving({ ...article, status: 'withdrawn' });
  if (parsed.draft) {
    if (!wasPublic || !before) return article;
    // Made a draft again after readers saw it: it leaves as a withdrawal does (a 410 page, the
    // gone entries of its Atom feeds); the article keeps its last public text too (the draft's
    // stays in the file, until it is published again, as the same item).
    // Under a new id, the old id's refused keys and former stories' notices stay there.
    const { claimants: _claimants, formerly: _formerly, ...face } = before;
    const own = before.id === id ? before : face;
    return leaving({ ...own, id, sourceKey: event.key, status: 'draft', contentHash: hash });
  }
  // Withdrawn on arrival (its `expires` has passed): dated with the upload, as a withdrawal is.
  const due = applyDueTransitions(article, now.toISOString(), wasPublic, event.eventTime);
  if (due.withdrawn) return leaving(due, due.withdrawn.at, parsed.note ?? due.withdrawn.note);
  // Scheduled again after readers saw it (a date still to come): it leaves until then, as a
  // withdrawal does, and comes back at that date as the same item, in the file's new version.
  if (due.status === 'scheduled' && wasPublic) return leaving(due);
  return due;
}

/** What the report of a public story renamed as it leaves tells the editor. */
function leftOldAddress(from: string, to: string): string {
  return `its id changed from "${from}" as it left public view: ${articlePath(from)} answers 410 Gone (with what readers saw) until the story is public at ${articlePath(to)}, and redirects there from then on`;
}

/** `article` redirected to from `ids` (none: no such list). */
function withRedirects(article: Article, ids: string[]): Article {
  const { redirectsFrom: _before, ...rest } = article;
  return ids.length > 0 ? { ...rest, redirectsFrom: ids } : rest;
}

/** `article` without its withdrawal (it belongs to the address readers saw it at). */
function withoutWithdrawal(article: Article): Article {
  const { withdrawn: _elsewhere, ...rest } = article;
  return rest;
}

/** The correction log with `text` added, dated `at`, unless it is logged already. */
function correctionLog(
  log: Correction[] | undefined,
  text: string | undefined,
  at: string,
): Correction[] {
  const kept = log ?? [];
  if (!text || kept.some((c) => c.text === text)) return kept;
  return [...kept, { date: at, text }];
}

function maxIso(a: string, b: string): string {
  return a > b ? a : b;
}
