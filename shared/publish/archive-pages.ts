import { sha256 } from '../contract/content-hash.ts';
import { byBytes } from '../contract/sort-key-order.ts';
import type { FeedReader, KeyedEntry } from '../ports/feed-reader.ts';
import { ARCHIVE_VIEW_BYTES, type ArchiveView } from '../ports/render-ledger.ts';

/**
 * A feed's archive (RFC 5005): pages that never change once written (but for the
 * `next-archive` link a newer page gives them), and a subscription document with the rest.
 *
 * Pages are cut by content, not by count: an entry whose id hashes to 0 modulo
 * ARCHIVE_PAGE_MEAN starts a page (the oldest page, `first`, starts at the feed's beginning).
 * So a page's entries depend only on the entries themselves, never on the order they arrived
 * in or on how many came before. The newest page, from the newest entry that starts one up, is
 * **open**: new stories join it. A page is **archived** once it is closed (a newer story starts
 * the next one) and its oldest story lies beyond the newest `itemLimit`: RFC 5005 §4.1 says
 * "the set of entries contained in an archive document published at a particular URI SHOULD
 * NOT change over time", and a client that has read an archive page never reads it again. So:
 *
 * - the **frontier** (Frontier) is the lowest page start among the newest `itemLimit`, or,
 *   with none there, the first below them; entries below it are archived. The subscription
 *   document shows the newest `itemLimit`, or, in the second case, every entry down to the
 *   frontier (the open page whole: about 1 feed in 3 at an item limit of 50, 68 entries on
 *   average). The newest archive page may hold some of the subscription's entries too (the
 *   same entries: a reader merges them by id);
 * - a new story rewrites the subscription document and no archive page, but for about one in
 *   ARCHIVE_PAGE_MEAN: the one after which a page's oldest story lies beyond the newest
 *   `itemLimit` archives that page (a new archive page), and the page before it gains its
 *   `next-archive` link;
 * - a story published with an old date, withdrawn or moved changes only the page it lies in
 *   (and, if it starts a page, the pages on either side);
 * - pages hold ARCHIVE_PAGE_MEAN entries on average however the archive was built.
 *
 * With no page start within subscriptionMost(limit) entries (5 feeds in 100 at any time at an
 * item limit of 50, and only until a story starts a page there) the frontier is that entry
 * instead: the subscription document stays bounded, and the newest archive page grows with
 * every story, as it does not otherwise, until one does.
 *
 * Everything here is read through FeedReader.walkEntries (or a FeedHead's walk), as far as
 * needed and no further.
 */

/** Entries an archive page holds on average. */
export const ARCHIVE_PAGE_MEAN = 50;

/** The start of the oldest archive page (before the first entry that starts one). */
export const FIRST_PAGE = '';

/** Whether the entry of article `id` starts an archive page (in every feed it is in). */
export function startsArchivePage(id: string): boolean {
  return Number.parseInt(sha256(id).slice(0, 8), 16) % ARCHIVE_PAGE_MEAN === 0;
}

/**
 * The most entries a subscription document shows to reach a page's start: the item limit and
 * three pages' worth more (the next page start is further than that 5 times in 100).
 */
export function subscriptionMost(limit: number): number {
  return limit + 3 * ARCHIVE_PAGE_MEAN;
}

/**
 * Where a feed's archive begins, found by taking its entries newest first. The frontier is the
 * lowest entry among the newest `limit` that starts a page; with none there, the first below
 * them that does (the subscription document shows down to it), or the subscriptionMost(limit)-th
 * entry. Entries below it are archived. A feed of `limit` entries or fewer has no archive.
 */
export class Frontier<E extends { id: string; sortKey: string } = KeyedEntry> {
  /** The frontier's sort key, once found. */
  key?: string;
  /** How many of the newest entries the subscription document shows, once the frontier is found. */
  shows = 0;
  private readonly most: number;
  private seen = 0;
  private top: E[] = [];
  private lowest = -1;

  constructor(private readonly limit: number) {
    this.most = subscriptionMost(limit);
  }

  /**
   * Takes the next entry, newest first: the entries now known to be archived, oldest last (this
   * one, or, as the frontier is found among the newest `limit`, those below it there).
   */
  take(entry: E): E[] {
    this.seen += 1;
    if (this.key !== undefined) return [entry];
    if (this.seen <= this.limit) {
      this.top.push(entry);
      if (startsArchivePage(entry.id)) this.lowest = this.top.length - 1;
      return [];
    }
    // An entry beyond the newest `limit`: there is an archive.
    const frontier = this.top[this.lowest];
    if (frontier !== undefined) {
      this.key = frontier.sortKey;
      this.shows = this.limit;
      const below = this.top.slice(this.lowest + 1);
      this.top = [];
      return [...below, entry];
    }
    if (startsArchivePage(entry.id) || this.seen >= this.most) {
      this.key = entry.sortKey;
      this.shows = this.seen;
    }
    return [];
  }
}

/** A walk newest first, reduced to its archived entries; `frontier` is found on the way. */
export async function* archivedEntries<E extends { id: string; sortKey: string }>(
  walk: AsyncIterable<E>,
  frontier: Frontier<E>,
): AsyncIterable<E> {
  for await (const entry of walk) yield* frontier.take(entry);
}

/**
 * How many of a feed's entries (their ids, newest first, the whole feed or at least its newest
 * subscriptionMost(limit)) its subscription document shows.
 */
export function subscriptionLength(ids: readonly string[], limit: number): number {
  const frontier = new Frontier<{ id: string; sortKey: string }>(limit);
  for (const id of ids) {
    frontier.take({ id, sortKey: id });
    if (frontier.key !== undefined) return frontier.shows;
  }
  return ids.length;
}

/** The id part of a sort key (`<published ISO>#<id>`). */
const idOf = (sortKey: string) => sortKey.slice(sortKey.indexOf('#') + 1);

/**
 * An archive page's name in its URL: `first`, or the day its first story was published and a
 * hash of its sort key (`2026-11-03-1f2e3d4c5b`): readable, and fixed for the page's life.
 */
export function archivePageName(start: string): string {
  return start === FIRST_PAGE ? 'first' : `${start.slice(0, 10)}-${sha256(start).slice(0, 10)}`;
}

export interface ArchivePage {
  start: string;
  /** Oldest first. */
  entries: KeyedEntry[];
  /** The next older page's start (`prev-archive`); none for the oldest. */
  older?: string;
  /** The next newer page's start (`next-archive`); none for the newest. */
  newer?: string;
}

/**
 * The newest archive page's start (the subscription's `prev-archive`); none without one. `feed`
 * walks the feed newest first from its newest entry (FeedHead.walk: the render that shows the
 * subscription's page reads on from it).
 */
export async function newestArchivePage(
  feed: AsyncIterable<KeyedEntry>,
  limit: number,
  /** Finds the frontier as the walk goes: given, the caller reads it after (Frontier.shows). */
  frontier = new Frontier(limit),
): Promise<string | undefined> {
  let archived = false;
  for await (const entry of archivedEntries(feed, frontier)) {
    archived = true;
    if (startsArchivePage(entry.id)) return entry.sortKey;
  }
  return archived ? FIRST_PAGE : undefined;
}

/**
 * Where the stories of a page that no longer starts at `start` are now (its first story moved
 * to another id, withdrawn, or back in the subscription document): the start of the archive
 * page that holds its place, or `subscription` when that place is above the frontier now (or
 * the feed has no archive any more); none when the feed has no entries at all.
 */
export async function pageNowHolding(
  feeds: FeedReader,
  feed: string,
  start: string,
  limit: number,
): Promise<string | 'subscription' | undefined> {
  const frontier = new Frontier(limit);
  const walk = feeds.walkEntries(feed, { order: 'newest first' });
  let any = false;
  for await (const entry of walk) {
    any = true;
    frontier.take(entry);
    if (frontier.key !== undefined) break;
  }
  if (!any) return undefined;
  if (frontier.key === undefined || start === FIRST_PAGE) {
    // No archive now; or the oldest page, which exists while the feed has one.
    return frontier.key === undefined ? 'subscription' : FIRST_PAGE;
  }
  if (byBytes(start, frontier.key) >= 0) return 'subscription';
  return (await startAtOrBelow(feeds, feed, start, true)) ?? FIRST_PAGE;
}

/**
 * The start of the page holding `key` (at or below it, or only below with `inclusive` false):
 * the nearest entry that starts a page, else the first page if any entry lies below; none when
 * no entry does.
 */
async function startAtOrBelow(
  feeds: FeedReader,
  feed: string,
  key: string,
  inclusive: boolean,
): Promise<string | undefined> {
  let any = false;
  const walk = feeds.walkEntries(feed, { order: 'newest first', bound: { key, inclusive } });
  for await (const entry of walk) {
    if (startsArchivePage(entry.id)) return entry.sortKey;
    any = true;
  }
  return any ? FIRST_PAGE : undefined;
}

/** The next page's start above `key`, below the frontier; none when the page is the newest. */
async function startAbove(
  feeds: FeedReader,
  feed: string,
  key: string,
  frontier: string,
): Promise<string | undefined> {
  const walk = feeds.walkEntries(feed, {
    order: 'oldest first',
    ...(key === FIRST_PAGE ? {} : { bound: { key, inclusive: false } }),
  });
  for await (const entry of walk) {
    if (byBytes(entry.sortKey, frontier) >= 0) return undefined;
    if (startsArchivePage(entry.id)) return entry.sortKey;
  }
  return undefined;
}

/**
 * How far past the frontier a page is looked for from the top, in entries, before it is read
 * from its own start instead: the newest pages (every new story's) are found in one walk.
 */
const NEAR_FRONTIER = 4 * ARCHIVE_PAGE_MEAN;

/**
 * The archive page that starts at `start`, as the table holds it now; none when there is no
 * such page (its first entry is gone, or now in the subscription document, or the feed has no
 * archive any more): its files go.
 *
 * One walk from the newest entry down finds the frontier and, for a page near it (the usual
 * case: the newest page and the one before it), the page, the newer page's start and the older
 * one's. A page deeper in the archive is then read from its own start.
 */
export async function readArchivePage(
  feeds: FeedReader,
  feed: string,
  start: string,
  limit: number,
  /**
   * `deep`: the page was deep in the archive when the batch's search found it
   * (PagesAffected.deep): it is first read from its own start, and from the top only if that
   * read cannot show it is still below the frontier. `older`: the older page's start as the
   * search saw it (PagesAffected.older), where that read begins, so it shows the older page's
   * start without a walk of its own. Either way the page is the same.
   */
  { deep = false, older }: { deep?: boolean; older?: string } = {},
): Promise<ArchivePage | undefined> {
  if (deep && start !== FIRST_PAGE) {
    const page = await readFromStart(feeds, feed, start, { limit }, older);
    if (page !== NOT_SHOWN) return page;
  }
  const front = new Frontier(limit);
  /** Archived entries walked. */
  let seen = 0;
  let newer: string | undefined;
  let sinceBoundary: KeyedEntry[] = [];
  let page: KeyedEntry[] | undefined;
  const walk = feeds.walkEntries(feed, { order: 'newest first' });
  for await (const entry of archivedEntries(walk, front)) {
    seen += 1;
    const boundary = startsArchivePage(entry.id);
    if (page !== undefined) {
      // Below the page: the older page starts at the first boundary, or is the first page.
      if (boundary) return { start, entries: page, older: entry.sortKey, ...newerOf(newer) };
      continue;
    }
    if (start !== FIRST_PAGE && byBytes(entry.sortKey, start) < 0) return undefined;
    sinceBoundary.push(entry);
    if (entry.sortKey === start) {
      if (!boundary) return undefined;
      page = sinceBoundary.reverse();
      continue;
    }
    if (boundary) {
      newer = entry.sortKey;
      sinceBoundary = [];
    }
    if (seen > NEAR_FRONTIER) break;
  }
  const frontier = front.key;
  if (frontier === undefined || seen === 0) return undefined;
  if (page !== undefined) return { start, entries: page, older: FIRST_PAGE, ...newerOf(newer) };
  if (seen <= NEAR_FRONTIER) {
    // The walk reached the feed's oldest entry: only the first page can be what is left.
    if (start !== FIRST_PAGE || sinceBoundary.length === 0) return undefined;
    return { start, entries: sinceBoundary.reverse(), ...newerOf(newer) };
  }
  // A page far from the frontier, read from its own start up (with the frontier known, it says).
  const deepPage = await readFromStart(feeds, feed, start, { frontier }, older);
  return deepPage === NOT_SHOWN ? undefined : deepPage;
}

const newerOf = (newer: string | undefined) => (newer === undefined ? {} : { newer });

/** readFromStart could not tell: the page may reach the subscription document. */
const NOT_SHOWN = Symbol('not shown');

/**
 * The page that starts at `start` (FIRST_PAGE: at the feed's oldest entry), read from its start
 * up to the next page's start, and below it for the older page's; none when no page starts
 * there. The page lies below the frontier: it ends at `frontier` when that is known (the newest
 * page does); else at the next page's start, read on above until it shows whether that start is
 * below the frontier (an archive page's), the frontier itself, or among the newest `limit`
 * above it (this page is then in the subscription document only: none); NOT_SHOWN says no next
 * start was met: the page may be the open one, or reach past the frontier: read it from the top.
 *
 * With `older` (the older page's start as a search saw it), the walk begins there instead: when
 * that entry still starts a page and none up to `start` does, it is the older page's start, and
 * one walk showed both; else the page is read from its own start, and the older start below it.
 */
async function readFromStart(
  feeds: FeedReader,
  feed: string,
  start: string,
  end: { frontier: string } | { limit: number },
  older?: string,
): Promise<ArchivePage | undefined | typeof NOT_SHOWN> {
  const hinted = older !== undefined && start !== FIRST_PAGE;
  const from = hinted ? older : start;
  const frontier = 'frontier' in end ? end.frontier : undefined;
  const limit = 'limit' in end ? end.limit : 0;
  const entries: KeyedEntry[] = [];
  let newer: string | undefined;
  /**
   * Past `newer` (no frontier known): entries read above it, and whether a page starts above it;
   * `newer` is an archive page's start once it is shown to lie below the frontier.
   */
  let above = 0;
  let startAbove = false;
  let newerArchived = false;
  /** Still below `start`, reading the older page, and how many of its entries were read. */
  let below = hinted;
  let olderEntries = 0;
  const walk = feeds.walkEntries(feed, {
    order: 'oldest first',
    ...(from === FIRST_PAGE ? {} : { bound: { key: from, inclusive: true } }),
  });
  for await (const entry of walk) {
    if (below) {
      // The older page as the search saw it: its start first (none for the first page), then
      // entries that start no page, up to `start`. Else the archive changed: read as without.
      const opensOlder = olderEntries === 0 && older !== FIRST_PAGE;
      if (entry.sortKey === start && olderEntries > 0) below = false;
      else if (
        byBytes(entry.sortKey, start) >= 0 ||
        startsArchivePage(entry.id) !== opensOlder ||
        (opensOlder && entry.sortKey !== older)
      )
        return readFromStart(feeds, feed, start, end);
      else {
        olderEntries += 1;
        continue;
      }
    }
    if (frontier !== undefined && byBytes(entry.sortKey, frontier) >= 0) break;
    if (newer !== undefined) {
      // The next page's start lies below the frontier (Frontier) once `limit` entries or more
      // lie above it and a page starts among them, or it lies deeper than the frontier can.
      above += 1;
      startAbove ||= startsArchivePage(entry.id);
      if ((above >= limit && startAbove) || above >= subscriptionMost(limit)) {
        newerArchived = true;
        break;
      }
      continue;
    }
    const opens = entries.length === 0 && start !== FIRST_PAGE;
    if (opens && (entry.sortKey !== start || !startsArchivePage(entry.id))) return undefined;
    if (!opens && startsArchivePage(entry.id)) {
      newer = entry.sortKey;
      if (frontier !== undefined) break;
    } else entries.push(entry);
  }
  if (below) return readFromStart(feeds, feed, start, end);
  if (entries.length === 0) return undefined;
  if (frontier === undefined && !newerArchived) {
    // The walk reached the newest entry: no next page's start (read from the top), or one
    // `above` entries below the newest. Past the newest `limit`, it is the frontier unless a
    // page starts above it; among them, it is the frontier if this page starts below them (it is
    // the lowest page start there), else this page lies in the subscription document only.
    if (newer === undefined) return NOT_SHOWN;
    const newestLimit = above + 1 <= limit;
    const below = above + 1 + entries.length > limit;
    if (newestLimit && !below) return undefined;
    if (newestLimit || !startAbove) newer = undefined;
  }
  const olderStart =
    start === FIRST_PAGE
      ? undefined
      : hinted
        ? older
        : await startAtOrBelow(feeds, feed, start, false);
  return {
    start,
    entries,
    ...(olderStart !== undefined ? { older: olderStart } : {}),
    ...newerOf(newer),
  };
}

/** What a batch's changes to one feed did to its archive (archivePagesAffected). */
export interface PagesAffected {
  /** The pages to render again (or to remove, if gone). */
  starts: string[];
  /** The newest page: the subscription document's `prev-archive`; none without an archive. */
  linkTo?: string;
  /** The newest page, when not yet recorded as linked: written before the feed that links it. */
  linksNew?: string;
  /**
   * The starts of `starts` that lay deeper than NEAR_FRONTIER entries below the frontier, or
   * below what the search read: each is read from its own start first (readArchivePage).
   */
  deep: string[];
  /** What the search saw of the archive, to record with the render's reads (RenderLedger). */
  view?: ArchiveView;
  /**
   * Of `deep`, each page's older page's start as the search saw it: where the page's read
   * begins (readArchivePage), so it shows that start too, unless the archive changed since.
   */
  older?: ReadonlyMap<string, string>;
  /**
   * Of `starts`, the pages from the newest down to the one recorded as linked: their content
   * and links follow from pages the search saw, which changes committed after the batch's may
   * have made (a new newest page), so the batch that records the link renders each unless a
   * render read after its search (publishChanges).
   */
  newest?: string[];
}

/**
 * The archive pages a batch's changes to one feed may have changed, as the table is now (read
 * after the changes were committed; each page is then rendered from a later read still), and
 * the newest page's start, to record once they are written (`linkTo`, RenderLedger
 * .saveArchiveLink):
 *
 * - every page from the newest one down to the one recorded as linked last time
 *   (FeedReader.archiveLink): pages archived since, whatever batches (concurrent or retried)
 *   archived them, are new, and the recorded one gains its `next-archive`; none when the
 *   newest is the one recorded and the frontier starts a page (only past subscriptionMost can
 *   the newest page take a story). No record yet (a new feed, or a table from before
 *   archives): every page, once;
 * - for each changed sort key below the frontier (`changed`: the old and new places of every
 *   entry the batch added, moved or removed), the page holding it; when the entry starts a
 *   page, that page too (new, or gone) and the pages on either side (their links change);
 * - with `removed`, the pages starting at or above the frontier: a removal may move the
 *   frontier down, and a page left with no archived entry loses its files.
 *
 * `linksNew`: the newest page, when it is not the one recorded as linked, so may not exist yet:
 * it must be written before the subscription document that links it (`prev-archive`). Every
 * other page exists already, or is linked by no subscription document, and may follow.
 */
export async function archivePagesAffected(
  feeds: FeedReader,
  feed: string,
  limit: number,
  changed: readonly string[],
  removed: boolean,
  /**
   * The feed from its newest entry down, if already being read (a render's FeedHead.walk: the
   * search then reads on from the render's own Queries); else a walk of its own.
   */
  top: AsyncIterable<KeyedEntry> = feeds.walkEntries(feed, { order: 'newest first' }),
  /** Finds the frontier as the walk goes: given, the caller reads it after (Frontier.shows). */
  scan = new Frontier(limit),
): Promise<PagesAffected> {
  const starts = new Set<string>();
  // A page that starts (or started) at a changed entry: new, or its files go.
  for (const key of changed) if (startsArchivePage(idOf(key))) starts.add(key);
  const linked = await feeds.archiveLink(feed);
  const places = [...new Set(changed)].sort(byBytes);
  // One walk from the newest entry down finds the frontier, the pages down to the recorded
  // link, and the pages around the changed places, unless those lie deeper than reading each
  // on its own would cost.
  const budget = NEAR_FRONTIER + places.length * 2 * ARCHIVE_PAGE_MEAN;
  const walked = { seen: 0, archived: 0, end: true, lowest: '' };
  let frontier: string | undefined;
  /** Archived entries that start a page, newest first. */
  const boundaries: string[] = [];
  /** Those near the frontier (within NEAR_FRONTIER entries below it). */
  const near = new Set<string>();
  /**
   * With `removed`, every page start the walk met (those at or above the frontier are not
   * archived).
   */
  const met: string[] = [];
  walk: for await (const raw of top) {
    walked.seen += 1;
    if (removed && startsArchivePage(raw.id)) met.push(raw.sortKey);
    for (const entry of scan.take(raw)) {
      frontier = scan.key;
      if (!visit(entry)) {
        walked.end = false;
        break walk;
      }
    }
  }
  frontier = scan.key;
  // A removal may have left a page with no archived entry, now at or above the frontier: its
  // files go.
  for (const start of met)
    if (frontier === undefined || byBytes(start, frontier) >= 0) starts.add(start);
  /** Takes an archived entry; false once the walk has gone far enough. */
  function visit(entry: KeyedEntry): boolean {
    const boundary = startsArchivePage(entry.id);
    walked.archived += 1;
    walked.lowest = entry.sortKey;
    if (boundary) boundaries.push(entry.sortKey);
    if (boundary && walked.archived <= NEAR_FRONTIER) near.add(entry.sortKey);
    // Down to the recorded link: it, or a page start below it, was met (the first page's
    // record, '', only at the end).
    const linkMet =
      linked !== undefined && linked !== FIRST_PAGE && byBytes(entry.sortKey, linked) <= 0;
    const deepest = places.find((key) => frontier !== undefined && byBytes(key, frontier) < 0);
    const placesDone =
      deepest === undefined || boundaries.filter((b) => byBytes(b, deepest) <= 0).length >= 2;
    return !(boundaries.length > 0 && linkMet && (placesDone || walked.archived > budget));
  }
  if (frontier === undefined || walked.archived === 0) {
    // No archive (any more): a page the removals emptied goes, the first one included.
    if (removed) starts.add(FIRST_PAGE);
    const view = {
      limit,
      starts: [],
      near: 0,
      lowest: '',
      complete: true,
      newest: 0,
      first: false,
    };
    return { starts: [...starts], deep: [], view };
  }
  const front = frontier;
  /** The start of the page holding `key` from what the walk saw; undefined: not seen. */
  const startOf = (key: string, inclusive: boolean): string | undefined => {
    const found = boundaries.find((b) => (inclusive ? byBytes(b, key) <= 0 : byBytes(b, key) < 0));
    if (found !== undefined) return found;
    return walked.end ? FIRST_PAGE : undefined;
  };
  // The walk went down to the recorded link, so every page start above it was seen.
  const newest = boundaries[0] ?? FIRST_PAGE;
  // The newest page as recorded, and closed (the frontier starts a page): the top changed no
  // page. Else every page from the newest down to the recorded one (which gains its link).
  const settled = newest === linked && startsArchivePage(idOf(front));
  const newestDown: string[] = [];
  for (const b of settled ? [] : boundaries) {
    newestDown.push(b);
    if (linked !== undefined && linked !== FIRST_PAGE && byBytes(b, linked) <= 0) break;
  }
  if (
    !settled &&
    walked.end &&
    (linked === undefined || linked === FIRST_PAGE || boundaries.length === 0)
  )
    newestDown.push(FIRST_PAGE);
  for (const page of newestDown) starts.add(page);
  for (const key of places) {
    if (byBytes(key, front) >= 0) continue;
    const boundary = startsArchivePage(idOf(key));
    const seen = walked.end || byBytes(key, walked.lowest) >= 0;
    const from =
      (seen ? startOf(key, true) : undefined) ?? (await startAtOrBelow(feeds, feed, key, true));
    if (from !== undefined) starts.add(from);
    if (!boundary) continue;
    // A page began or ended at `key`: the pages on either side link to it, or to each other.
    const before =
      (seen ? startOf(key, false) : undefined) ?? (await startAtOrBelow(feeds, feed, key, false));
    if (before !== undefined) starts.add(before);
    const after = seen
      ? [...boundaries].reverse().find((b) => byBytes(b, key) > 0)
      : await startAbove(feeds, feed, key, front);
    if (after !== undefined) starts.add(after);
  }
  const deep = [...starts].filter(
    (start) => start !== FIRST_PAGE && byBytes(start, front) < 0 && !near.has(start),
  );
  const view = viewOf(limit, front, boundaries, near, walked, newestDown);
  return {
    starts: [...starts],
    linkTo: newest,
    ...(newest !== linked ? { linksNew: newest } : {}),
    deep,
    ...(view ? { view } : {}),
    newest: newestDown,
    older: olderStarts(deep, boundaries, walked.end),
  };
}

/**
 * What a search walked, kept to the newest ARCHIVE_VIEW_BYTES of page starts; none when the
 * pages it rendered from the newest down (`newestDown`) reach below those.
 */
function viewOf(
  limit: number,
  frontier: string,
  boundaries: readonly string[],
  near: ReadonlySet<string>,
  walked: { end: boolean; lowest: string },
  newestDown: readonly string[],
): ArchiveView | undefined {
  const starts: string[] = [];
  let bytes = 0;
  for (const start of boundaries) {
    bytes += Buffer.byteLength(start);
    if (bytes > ARCHIVE_VIEW_BYTES) break;
    starts.push(start);
  }
  const whole = starts.length === boundaries.length;
  // newestDown is the first of `boundaries`, and the oldest page when the walk reached it.
  const newest = newestDown.filter((page) => page !== FIRST_PAGE).length;
  const first = newestDown.includes(FIRST_PAGE);
  if (newest > starts.length || (first && !(whole && walked.end))) return undefined;
  return {
    limit,
    frontier,
    starts,
    near: starts.filter((start) => near.has(start)).length,
    lowest: whole ? walked.lowest : (starts.at(-1) as string),
    complete: whole && walked.end,
    newest,
    first,
  };
}

/**
 * The archive pages a batch's changes to one feed may have changed (as archivePagesAffected
 * would find them), from what a render that read the table after those changes saw of the
 * archive (`view`: RenderLedger's reads of a render that covered the batch's feed): the pages
 * that render's own search rendered from the newest down, and those around each changed place,
 * as archivePagesAffected finds them. None when the view cannot tell (a place below what it
 * answers for, a removal, another item limit): the batch searches on its own.
 */
export function pagesFromView(
  view: ArchiveView,
  limit: number,
  changed: readonly string[],
  removed: boolean,
): PagesAffected | undefined {
  if (removed || view.limit !== limit) return undefined;
  const newest = [...view.starts.slice(0, view.newest), ...(view.first ? [FIRST_PAGE] : [])];
  const starts = new Set<string>(newest);
  for (const key of changed) if (startsArchivePage(idOf(key))) starts.add(key);
  const { frontier } = view;
  if (frontier === undefined) return { starts: [...starts], deep: [], newest };
  /** The start of the page holding `key` (at or below it, or only below); none: not known. */
  const startOf = (key: string, inclusive: boolean): string | undefined =>
    view.starts.find((b) => (inclusive ? byBytes(b, key) <= 0 : byBytes(b, key) < 0)) ??
    (view.complete ? FIRST_PAGE : undefined);
  for (const key of new Set(changed)) {
    if (byBytes(key, frontier) >= 0) continue;
    if (!view.complete && byBytes(key, view.lowest) < 0) return undefined;
    const from = startOf(key, true);
    if (from === undefined) return undefined;
    starts.add(from);
    if (!startsArchivePage(idOf(key))) continue;
    // A page began or ended at `key`: the pages on either side link to it, or to each other.
    const before = startOf(key, false);
    if (before === undefined) return undefined;
    starts.add(before);
    const after = view.starts.findLast((b) => byBytes(b, key) > 0);
    if (after !== undefined) starts.add(after);
  }
  const near = new Set(view.starts.slice(0, view.near));
  const deep = [...starts].filter(
    (start) => start !== FIRST_PAGE && byBytes(start, frontier) < 0 && !near.has(start),
  );
  return {
    starts: [...starts],
    deep,
    newest,
    older: olderStarts(deep, view.starts, view.complete),
  };
}

/**
 * The older page's start of each of `pages`, from page starts seen newest first (`boundaries`,
 * each seen start's older one the next, and the oldest's the first page when the walk reached
 * the feed's oldest entry: `end`); pages with none known are left out.
 */
function olderStarts(
  pages: readonly string[],
  boundaries: readonly string[],
  end: boolean,
): Map<string, string> {
  const older = new Map<string, string>();
  const at = new Map(boundaries.map((start, i) => [start, i]));
  for (const page of pages) {
    const i = at.get(page);
    if (i === undefined) continue;
    const next = i + 1 < boundaries.length ? boundaries[i + 1] : end ? FIRST_PAGE : undefined;
    if (next !== undefined) older.set(page, next);
  }
  return older;
}
