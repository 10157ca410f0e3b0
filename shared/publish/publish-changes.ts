import { randomUUID } from 'node:crypto';
import { feedKey } from '../articles/article.ts';
import { limiter } from '../concurrency/each-limited.ts';
import { settingsFingerprint } from '../config/fingerprint.ts';
import type { SiteConfig } from '../config/site.ts';
import { byBytes } from '../contract/sort-key-order.ts';
import type { ArticleChange, FeedReader } from '../ports/feed-reader.ts';
import { isUnneeded, type Reads, type RenderLedger } from '../ports/render-ledger.ts';
import type { SiteBucket } from '../ports/site-bucket.ts';
import { type Affected, affectedBy } from './affected.ts';
import { archivePagesAffected, type PagesAffected, pagesFromView } from './archive-pages.ts';
import { ArticleCache } from './article-cache.ts';
import {
  type ArchiveSearch,
  archivePageUnit,
  daySitemapUnit,
  labelFeedUnit,
  listingsUnit,
  pageArticles,
  pageUnit,
  type RenderUnit,
  siteFeedUnit,
  type UnitFiles,
} from './render-units.ts';
import { type Renderer, renderInProcess } from './renderer.ts';

export interface PublishDeps {
  feeds: FeedReader;
  ledger: RenderLedger;
  bucket: SiteBucket;
  config: SiteConfig;
  /** Where the pure renders run (default: this thread). */
  renderer?: Renderer;
  /**
   * Articles read by this container's earlier runs (a Lambda keeps it at module scope between
   * invocations); without one, a run reads every article it shows.
   */
  articles?: ArticleCache;
  /** Units rendered at once (default 16). */
  concurrency?: number;
  /** How long a publisher holds a unit at most before another may take it over (default 30 s). */
  leaseMs?: number;
  /** The clock leases are kept by (epoch ms); the ledger's must agree. */
  now?: () => number;
  /**
   * Whether the invocation has time to start another archive page (default: always). A page
   * not started in time (never a feed's newest, which goes before the feed) is deferred: its
   * records are reported failed, and their retry renders what this run did not.
   */
  inTime?: () => boolean;
}

export interface PublishResult {
  written: string[];
  deleted: string[];
  unchanged: number;
  /** Units another publisher rendered, from a state at least as new, while this one waited. */
  coveredByOthers: number;
  failures: { unit: string; error: unknown }[];
  /** The stream records whose effects are not all in the bucket yet: retry them. */
  failedRecordIds: string[];
  /** Archive pages left for the retry of their records, for lack of time (PublishDeps.inTime). */
  deferred: string[];
  /** Of failedRecordIds, those retried only for a deferred page (no failure of theirs). */
  deferredRecordIds: string[];
}

const DEFAULT_LEASE_MS = 30_000;
/**
 * A holder stops writing this long before its lease runs out (by its own clock), so another
 * publisher that takes an expired lease over never races a live one: room for clock skew
 * between machines and for a request already on its way.
 */
const FENCE_MS = 10_000;

/** The lease is too close to its end to write under it: the unit is given up and retried. */
export class LeaseRunningOutError extends Error {
  constructor(unit: string) {
    super(`${unit}: rendering took nearly the whole lease; given up so another publisher can`);
    this.name = 'LeaseRunningOutError';
  }
}

/**
 * How much later than a unit's inputs were in place a render must have begun reading to be
 * taken as having read them: room for publishers' clocks to differ.
 */
const READ_MARGIN_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Brings the site bucket up to date with one batch of table changes: every affected file is
 * rendered once, however many changes touch it. Pages go first, so no feed links a page that is
 * not there yet; then the site feed, alone (most readers follow it); then each tag and author
 * feed, and the day sitemaps; then the index, listings and sitemap index (which read the metas
 * the feeds and day sitemaps keep). A feed's archive pages (RFC 5005) are read and rendered as
 * soon as its render found them, in places no feed is waiting for, so readers get the feeds
 * sooner, and written after the feed, except the page a feed is about to link for the first
 * time, which goes just before that feed (its own: the site feed never waits for a tag's).
 *
 * A feed's render searches its archive for the pages the batch changed (archivePagesAffected)
 * on its own read of the feed; a batch whose feed render another publisher's covered searches
 * on its own (its changes may lie deeper in the archive than that render's search looked).
 *
 * Concurrency (Lambda runs several batches at once, and retries): see `converge`. A change that
 * lands while a unit renders is not a failure: it has its own stream record, whose publisher
 * renders the unit again from a newer state.
 */
export async function publishChanges(
  changes: readonly ArticleChange[],
  deps: PublishDeps,
): Promise<PublishResult> {
  const result = emptyResult();
  if (changes.length === 0) return result;
  // Every change handed over was committed by now, or by its record's time if all tell it (a
  // retried batch: what this batch's first attempt rendered covers it).
  const now = (deps.now ?? Date.now)();
  const told = changes.map((c) => c.committedAt);
  const committedBy = told.every((at) => at !== undefined)
    ? Math.min(now, Math.max(...(told as number[])))
    : now;
  const affected = affectedBy(changes);
  const unitDeps = unitDepsOf(deps);
  const run = renderRun(deps, result);
  const render = (unit: RenderUnit) => run.render(unit, committedBy);
  const pages = [...affected.pages.values()];
  const pageArticle = pageArticles(
    unitDeps,
    pages.map((p) => p.id),
  );
  const pagesDone = Promise.all(
    pages.map(({ id, causes }) => render(pageUnit(id, causes, { ...unitDeps, pageArticle }))),
  );
  /** Each feed's archive pages, as its last search found them. */
  const archives = new Map<string, FeedArchive>();
  /** Each feed's archive pages being rendered, then its newest page recorded as linked. */
  const archiveTails: Promise<void>[] = [];
  /**
   * Every feed rendered and its archive searched. The pages deep in the archive (stories dated
   * among old ones: an archive imported into a site in service) wait for it, then go newest
   * first across feeds (renderRun's unlessLate), so the pages that show one story in the site
   * feed and in its tags' and author's are rendered together: its article is read and its items
   * written once, not once a feed after the caches let them go. The pages near the top start
   * as soon as their feed's search found them.
   */
  let feedsSearched = () => {};
  const searched = new Promise<void>((resolve) => {
    feedsSearched = resolve;
  });
  /**
   * A feed's render (after the pages), its archive searched within it or, if covered, alone.
   * The pages a search finds are rendered at once, in places no feed is waiting for, and a
   * page's files wait for the feed's (the page that gains a story follows the feed it left).
   */
  const feedAfter = async (
    affectedFeed: AffectedFeed,
    unitFor: (search: ArchiveSearch) => RenderUnit,
  ) => {
    await pagesDone;
    const key = feedKey(affectedFeed.feed);
    const { changed, removed } = affectedFeed;
    const pages: Promise<Outcome>[] = [];
    let feedWritten = () => {};
    const feedDone = new Promise<void>((resolve) => {
      feedWritten = resolve;
    });
    /**
     * When a page was in place: the batch's changes were committed by `committedBy`, but the
     * pages from the newest down to the recorded link follow from what the search saw, which
     * changes committed since may have made (a new newest page, the one before it gaining its
     * link): those count as in place when the pages were found (`seenAt`).
     */
    const inPlaceBy = (archive: FeedArchive, page: RenderUnit, seenAt: number) =>
      archive.newest.has(page.name) ? Math.max(seenAt, committedBy) : committedBy;
    const start = (archive: FeedArchive, seenAt: number, after?: Promise<void>) => {
      archives.set(key, archive);
      for (const { unit: page, start, deep } of archive.others) {
        const late = () =>
          run.unlessLate(
            after ? filesAfter(page, after) : page,
            inPlaceBy(archive, page, seenAt),
            start,
          );
        pages.push(deep ? searched.then(late) : late());
      }
    };
    const now = deps.now ?? Date.now;
    const unit = unitFor({
      changed,
      removed,
      found: async (found) => {
        const seenAt = now();
        const archive = archiveOf(affectedFeed, found, unitDeps, unit.name);
        // Before the feed that links it; if it fails, so does the feed (its records retry).
        if (archive.linkedNew)
          await run.nested(archive.linkedNew, inPlaceBy(archive, archive.linkedNew, seenAt));
        start(archive, seenAt, feedDone);
      },
    });
    const outcome = await render(unit);
    feedWritten();
    if (outcome === 'covered') {
      // The render that covered the feed read the table after these changes: what it saw of the
      // archive tells which pages they lie in, without another walk, unless it cannot. Those
      // pages are in place with the batch's changes: this batch records no link (the covering
      // render's batch does, having rendered the pages from the newest down after its search).
      const view = run.covering.get(unit.name)?.archive;
      const seen = view && pagesFromView(view, deps.config.itemLimit, changed, removed);
      if (seen) start(archiveOf(affectedFeed, seen, unitDeps), committedBy);
      else {
        const archive = await run.limited(() => searchArchive(affectedFeed, deps, unitDeps));
        const foundAt = now();
        if (archive.linkedNew)
          await run.render(archive.linkedNew, inPlaceBy(archive, archive.linkedNew, foundAt));
        start(archive, foundAt);
      }
    }
    archiveTails.push(
      Promise.all(pages).then(() => recordArchiveLink(archives.get(key), deps, result)),
    );
  };
  const { siteCauses } = affected;
  const feeds = [...affected.feeds.values()];
  const siteFeed = feeds.find(({ feed }) => feed.kind === 'all');
  // The site feed first, alone: most readers follow it, and it is written in a fraction of the
  // time it takes among every tag and author feed of a batch. The others start once it is
  // written (or failed, or covered by another publisher's render).
  const siteFeedDone = siteFeed
    ? feedAfter(siteFeed, (search) => siteFeedUnit(siteCauses, unitDeps, search))
    : pagesDone;
  const afterSiteFeed = siteFeedDone.then(
    () => {},
    () => {},
  );
  await Promise.all([
    siteFeedDone,
    ...feeds
      .filter((feed) => feed !== siteFeed)
      .map(async (feed) => {
        await afterSiteFeed;
        await feedAfter(feed, (search) => labelFeedUnit(feed.feed, feed.causes, unitDeps, search));
      }),
    ...[...affected.days.values()].map(async ({ day, causes }) => {
      await afterSiteFeed;
      await render(daySitemapUnit(day, causes, unitDeps));
    }),
  ]).finally(feedsSearched);
  // The listings read the metas and day records the feeds and day sitemaps keep: in place now.
  // The archive pages still going finish beside them: neither reads what the other writes.
  await Promise.all([
    run.render(listingsUnit(siteCauses, unitDeps), (deps.now ?? Date.now)()),
    ...archiveTails,
  ]);
  for (const { failure } of archives.values()) {
    if (!failure) continue;
    result.failures.push({ unit: failure.unit, error: failure.error });
    for (const cause of failure.causes) run.failed.add(cause);
  }
  return finish(run, result, changes);
}

type AffectedFeed = Affected['feeds'] extends Map<string, infer F> ? F : never;

/** One feed's archive pages the batch may have changed, and what to record once written. */
interface FeedArchive {
  /** The page the feed is about to link for the first time: rendered before the feed. */
  linkedNew?: RenderUnit;
  /** The others, with their pages' starts and whether deep in the archive: rendered last. */
  others: { unit: RenderUnit; start: string; deep: boolean }[];
  /** The units of the pages from the newest down to the recorded link (PagesAffected.newest). */
  newest: Set<string>;
  link?: ArchiveLink;
  /** The pages could not be found: the feed's records fail. */
  failure?: { unit: string; error: unknown; causes: string[] };
}

/**
 * The units of the archive pages a search found in one feed; the newest page is recorded as
 * linked once they (and `alsoWritten`, the feed that searched) are all written.
 */
function archiveOf(
  { feed, causes }: AffectedFeed,
  { starts, linkTo, linksNew, deep, newest = [], older }: PagesAffected,
  unitDeps: ReturnType<typeof unitDepsOf>,
  alsoWritten?: string,
): FeedArchive {
  const deeper = new Set(deep);
  const mine = starts.map((start) => ({
    start,
    deep: deeper.has(start),
    unit: archivePageUnit(feed, start, causes, unitDeps, {
      deep: deeper.has(start),
      ...(older?.has(start) ? { older: older.get(start) } : {}),
    }),
  }));
  const units = [...mine.map((m) => m.unit.name), ...(alsoWritten ? [alsoWritten] : [])];
  const fromNewest = new Set(newest);
  return {
    linkedNew: mine.find(({ start }) => start === linksNew)?.unit,
    others: mine.filter(({ start }) => start !== linksNew),
    newest: new Set(mine.filter(({ start }) => fromNewest.has(start)).map(({ unit }) => unit.name)),
    ...(linkTo !== undefined ? { link: { feed: feedKey(feed), newest: linkTo, units } } : {}),
  };
}

/**
 * The archive pages (RFC 5005) the batch may have changed in one feed, searched on their own,
 * by reading the table after the batch's changes were committed; each is then rendered like
 * any unit, from a later read.
 */
async function searchArchive(
  affectedFeed: AffectedFeed,
  deps: PublishDeps,
  unitDeps: ReturnType<typeof unitDepsOf>,
): Promise<FeedArchive> {
  const { feed, causes, changed, removed } = affectedFeed;
  const key = feedKey(feed);
  try {
    const found = await archivePagesAffected(
      deps.feeds,
      key,
      deps.config.itemLimit,
      changed,
      removed,
    );
    return archiveOf(affectedFeed, found, unitDeps);
  } catch (error) {
    return { others: [], newest: new Set(), failure: { unit: `archive ${key}`, error, causes } };
  }
}

/** A feed's newest archive page, to record once every page the batch rendered for it is written. */
interface ArchiveLink {
  feed: string;
  newest: string;
  units: string[];
}

/**
 * Records a feed's newest archive page as linked (RenderLedger.saveArchiveLink) once the feed
 * and every page the batch rendered for it are written: the next batch renders pages only down
 * to it. A feed with a failed page records nothing, so its retry renders them again.
 */
async function recordArchiveLink(
  archive: FeedArchive | undefined,
  deps: PublishDeps,
  result: PublishResult,
): Promise<void> {
  const link = archive?.link;
  if (!link) return;
  const failedUnits = new Set([...result.failures.map((f) => f.unit), ...result.deferred]);
  if (link.units.some((unit) => failedUnits.has(unit))) return;
  try {
    await deps.ledger.saveArchiveLink(link.feed, link.newest);
  } catch (error) {
    // Not recorded: the next batch renders the same pages again, which is all it costs.
    result.failures.push({ unit: `archive link ${link.feed}`, error });
  }
}

/** The unit, its files written once `first` is settled (its reads and render do not wait). */
function filesAfter(unit: RenderUnit, first: Promise<void>): RenderUnit {
  return {
    ...unit,
    render: async (ticket) => {
      const rendered = await unit.render(ticket);
      await first;
      return rendered;
    },
  };
}

/** What every unit of one run reads and renders with. */
function unitDepsOf(deps: PublishDeps) {
  return {
    feeds: deps.feeds,
    ledger: deps.ledger,
    config: deps.config,
    renderer: deps.renderer ?? renderInProcess,
    articles: deps.articles ?? new ArticleCache(),
    now: deps.now ?? Date.now,
  };
}

/** What renders nothing yet. */
export function emptyResult(): PublishResult {
  return {
    written: [],
    deleted: [],
    unchanged: 0,
    coveredByOthers: 0,
    failures: [],
    failedRecordIds: [],
    deferred: [],
    deferredRecordIds: [],
  };
}

/**
 * The files a site has before and whatever its articles: the site feed in three formats and the
 * listings (index, tags page, OPML, 404, sitemaps, robots.txt), rendered from the table as it
 * is, and the tag and author feeds kept only to announce withdrawals (dropped once their
 * window is over). Deployed, the 5-minute schedule runs it; `feedpub dev` at start. A new site (a fresh
 * deploy, `feedpub dev` on an empty inbox) answers `/` and `/rss.xml` with a page and a valid
 * empty feed instead of 404 to its first subscriber. Idempotent: unchanged files are not written.
 */
export async function publishSite(deps: PublishDeps): Promise<PublishResult> {
  const result = emptyResult();
  const unitDeps = unitDepsOf(deps);
  // Feeds kept only to announce withdrawals: rendered again, so they go when that is over.
  const announcing = (await deps.feeds.listFeedMetas()).filter((m) => m.announcing);
  // Every unit from a fresh read (nothing is known of when its inputs were in place); the
  // listings after the feeds, whose metas they read.
  const run = renderRun(deps, result);
  await Promise.all(
    [
      siteFeedUnit(['site'], unitDeps),
      ...announcing.map(({ feed }) => labelFeedUnit(feed, ['site'], unitDeps)),
    ].map((unit) => run.render(unit)),
  );
  await run.render(listingsUnit(['site'], unitDeps));
  return finish(run, result);
}

/**
 * One publish run's renders: at most `deps.concurrency` units (16) or archive searches at once,
 * under one holder name and settings fingerprint; the causes of the units that failed.
 */
function renderRun(deps: PublishDeps, result: PublishResult) {
  const holder = randomUUID();
  const failed = new Set<string>();
  /** The causes of units deferred for lack of time: retried, not failed. */
  const deferred = new Set<string>();
  // Archive pages waiting go newest first (their places are their starts: unlessLate).
  const limited = limiter(deps.concurrency ?? 16, byBytes);
  /** Units covered by another render, with what that render read (when the ledger told). */
  const covering = new Map<string, Reads | undefined>();
  // What every render of the run is made with, recorded with what it read.
  const settings = settingsFingerprint(deps.config);
  /** Renders one unit; a failure is recorded, and thrown. */
  const renderUnit = async (unit: RenderUnit, inPlaceBy?: number): Promise<Outcome> => {
    try {
      if (unit.order === 'ledger')
        return await converge(unit, holder, deps, result, { settings, inPlaceBy, covering });
      await renderOnce(unit, deps.bucket, result);
      return 'rendered';
    } catch (error) {
      result.failures.push({ unit: unit.name, error });
      for (const cause of unit.causes) failed.add(cause);
      throw error;
    }
  };
  /** renderUnit, its failure recorded and not thrown. */
  const attempt = async (unit: RenderUnit, inPlaceBy?: number): Promise<Outcome> => {
    try {
      return await renderUnit(unit, inPlaceBy);
    } catch {
      return 'failed';
    }
  };
  return {
    failed,
    deferred,
    limited,
    covering,
    /**
     * Renders one unit; a failure is recorded, never thrown. `inPlaceBy`: when everything the
     * unit renders was in place (the changes, committed by then, and for the listings what the
     * feeds before them wrote; none: nothing is known, render it). A unit whose last render
     * began reading after that needs no render of its own (see converge): `covered`.
     */
    render: (unit: RenderUnit, inPlaceBy?: number) => limited(() => attempt(unit, inPlaceBy)),
    /** Renders one unit within another's render (no place of its own); a failure is thrown. */
    nested: renderUnit,
    /**
     * Renders a unit that may wait for a retry (an archive page other than a feed's newest),
     * ranked `later` (it gives way to every unit waiting for a place: limiter), unless it gets
     * its place when the invocation is out of time (PublishDeps.inTime): then it is deferred,
     * and its records retried. Pages waiting go newest `place` (page start) first, whatever
     * feed they are in: a story's pages in the site feed and in its tags' and author's feeds
     * are then rendered close together, so its article and items are read and written once
     * (ArticleCache, RenderedItems), not once a feed after the caches let them go.
     */
    unlessLate: (unit: RenderUnit, inPlaceBy?: number, place?: string) =>
      limited(
        async (): Promise<Outcome> => {
          if (deps.inTime && !deps.inTime()) {
            result.deferred.push(unit.name);
            for (const cause of unit.causes) deferred.add(cause);
            return 'deferred';
          }
          return attempt(unit, inPlaceBy);
        },
        'later',
        place,
      ),
  };
}

/** The run's files in order, and the records to retry (those of the units that failed). */
function finish(
  run: ReturnType<typeof renderRun>,
  result: PublishResult,
  changes: readonly ArticleChange[] = [],
): PublishResult {
  result.written.sort();
  result.deleted.sort();
  const ids = changes.map((c) => c.recordId);
  result.failedRecordIds = ids.filter((id) => run.failed.has(id) || run.deferred.has(id));
  result.deferredRecordIds = ids.filter((id) => run.deferred.has(id) && !run.failed.has(id));
  return result;
}

/**
 * How a unit's render went: rendered here, covered by another publisher's, failed, or
 * deferred to its records' retry.
 */
type Outcome = 'rendered' | 'covered' | 'failed' | 'deferred';

/** A unit only its article's stream lane renders, in order: stamped with the revision it read. */
async function renderOnce(unit: RenderUnit, bucket: SiteBucket, result: PublishResult) {
  const { files, stamp } = await unit.render(0);
  await write(files, stamp, bucket, result);
}

/**
 * Renders one unit from a state read after its changes, unless another publisher does:
 *
 * 1. Claim the unit (a ticket, after this batch's changes were committed), taking its lease at
 *    once if nobody holds it: one request in the usual case.
 * 2. If the unit's last recorded render began reading after everything it renders was in place
 *    (`inPlaceBy`, with READ_MARGIN_MS to spare), with these settings (not an older deploy's),
 *    it read it all: done, and a lease taken is given back unused. A backlog (a bulk import,
 *    publish catching up) is rendered about once per unit, not once per batch.
 * 3. Without the lease: if a render covering the ticket is recorded, another publisher read the
 *    table after our changes and wrote the result: done. Otherwise wait for the lease (its
 *    holder is rendering: usually one render; at most until its lease runs out) and look again.
 * 4. With the lease: render from the table as it is now, write every file stamped with the
 *    claims the lease covers, release the lease, recording them as rendered and when the
 *    reads began.
 *
 * The bucket refuses a write stamped lower than what it holds (SiteBucket), so even a holder
 * whose lease ran out while it stalled cannot put an older render over a newer one; if it
 * finds its lease gone on release, it claims again and renders once more.
 */
async function converge(
  unit: RenderUnit,
  holder: string,
  deps: PublishDeps,
  result: PublishResult,
  /**
   * The run's settings fingerprint, and when everything the unit renders was in place (none:
   * unknown, render it); where a covered unit's covering read is noted.
   */
  {
    settings,
    inPlaceBy,
    covering,
  }: {
    settings: string;
    inPlaceBy: number | undefined;
    covering: Map<string, Reads | undefined>;
  },
): Promise<Outcome> {
  const { ledger } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const now = deps.now ?? Date.now;
  // A render that began reading after the changes were in place, with these settings, read them:
  // the ledger checks it in the request that would take the lease (no lease taken, none given
  // back, no second request).
  const readSince = inPlaceBy === undefined ? undefined : inPlaceBy + READ_MARGIN_MS;
  const unneeded = { settings, ...(readSince === undefined ? {} : { readSince }) };
  const readThem = (read: Reads | undefined) =>
    isUnneeded({ rendered: 0, ...(read ? { read } : {}) }, unneeded);
  let leasedAt = now();
  let { ticket, rendered, read, lease } = await ledger.claim(unit.name, holder, leaseMs, unneeded);
  for (let wait = 10; ; ) {
    // Covered: a render read the table after the changes (by its time, or as the lease that
    // covered our ticket; `read` is that render's, or a later one's).
    const covered = () => {
      result.coveredByOthers++;
      covering.set(unit.name, read);
      return 'covered' as const;
    };
    if (readThem(read)) {
      if (lease) await ledger.abandon(unit.name, holder);
      return covered();
    }
    if (!lease) {
      if (rendered >= ticket) return covered();
      leasedAt = now();
      const taken = await ledger.acquire(unit.name, holder, leaseMs, { ...unneeded, ticket });
      // The unit as the request found it: what the render's hints start from, or, refused,
      // covered now or its holder still rendering.
      ({ rendered, read } = taken.last);
      if (!taken.lease) {
        if (!readThem(read) && rendered < ticket) {
          await sleep(wait / 2 + Math.random() * wait);
          wait = Math.min(wait * 2, 250);
        }
        continue;
      }
      lease = taken.lease;
      if (readThem(lease.read)) {
        read = lease.read;
        continue;
      }
    }
    const fence = leasedAt + Math.max(0, leaseMs - FENCE_MS);
    let released: boolean;
    try {
      const { files, stamp, archive } = await unit.render(lease.covers);
      // The last finished render, as the ledger last told, and what the bucket noted of its
      // files then: the bucket may know them. A unit never rendered most likely has none yet.
      const lastFiles = read?.files;
      const hint = {
        ...files.hint,
        lastRender: rendered,
        ...(lastFiles ? { lastFiles } : {}),
        ...(rendered === 0 ? { likelyNew: true } : {}),
      };
      await write({ ...files, hint }, stamp, deps.bucket, result, () => {
        if (now() >= fence) throw new LeaseRunningOutError(unit.name);
      });
      // Reads began after the lease was taken; never earlier than the render before ours.
      const from = Math.max(leasedAt, lease.read?.from ?? 0);
      const noted = notedFiles(files, deps.bucket);
      released = await ledger.release(unit.name, holder, lease.covers, {
        from,
        settings,
        ...(archive ? { archive } : {}),
        ...(noted ? { files: noted } : {}),
      });
    } catch (error) {
      // Give the unit up at once: another publisher (or this batch's retry) renders it.
      await ledger.abandon(unit.name, holder).catch(() => {});
      throw error;
    }
    if (released) return 'rendered';
    // The lease ran out and another publisher took it: render once more, from a newer state.
    leasedAt = now();
    ({ ticket, rendered, read, lease } = await ledger.claim(unit.name, holder, leaseMs, unneeded));
  }
}

/** What the bucket noted of a unit's files once written (SiteBucket.noted); none: nothing. */
function notedFiles({ put }: UnitFiles, bucket: SiteBucket): Record<string, string> | undefined {
  const noted: Record<string, string> = {};
  for (const { path } of put) {
    const note = bucket.noted?.(path);
    if (note !== undefined) noted[path] = note;
  }
  return Object.keys(noted).length > 0 ? noted : undefined;
}

async function write(
  { put, remove, hint }: UnitFiles,
  stamp: number,
  bucket: SiteBucket,
  result: PublishResult,
  /** Throws when the unit may no longer be written (its lease is running out). */
  mayWrite: () => void = () => {},
): Promise<void> {
  const outcomes = await Promise.allSettled([
    ...put.map(async (file) => {
      mayWrite();
      if (await bucket.put(file, stamp, hint)) result.written.push(file.path);
      else result.unchanged++;
    }),
    ...remove.map(async (path) => {
      mayWrite();
      if (await bucket.delete(path, stamp)) result.deleted.push(path);
    }),
  ]);
  // Every file was attempted; one failed PUT does not cost the others.
  const failure = outcomes.find((o) => o.status === 'rejected');
  if (failure) throw failure.reason;
}
