import type { FeedMeta, SitemapDay } from './feed-reader.ts';

/**
 * What a render read: the table from `from` on (epoch ms, by its publisher's clock, taken before
 * its first read), rendered with the settings whose fingerprint is `settings`
 * (settingsFingerprint: settings and output version).
 */
export interface Reads {
  from: number;
  settings: string;
  /** What a feed's render found of the feed's archive on that read (none: not a feed, or not searched). */
  archive?: ArchiveView;
  /**
   * What the site bucket held of the render's files once it wrote them, by path: its opaque
   * notes (SiteBucket.noted), handed to the next render's puts (PutHint.lastFiles).
   */
  files?: Record<string, string>;
}

/**
 * A feed's archive (RFC 5005 pages, cut by content: publish/archive-pages.ts) as one render's
 * archive search walked it, recorded with its reads: a batch whose changes that render covers
 * finds the pages they lie in from this, without walking the feed again. Its page starts are
 * the newest ARCHIVE_VIEW_BYTES of them.
 */
export interface ArchiveView {
  /** The item limit the archive was cut with (Frontier). */
  limit: number;
  /** The frontier (publish/archive-pages.ts Frontier): entries below it are archived; none when nothing is. */
  frontier?: string;
  /** The archived entries that start a page, newest first: every one at or above `lowest`. */
  starts: string[];
  /** How many of `starts` (the first ones) lay near the frontier (PagesAffected.deep). */
  near: number;
  /** The lowest sort key the view answers for. */
  lowest: string;
  /** Nothing lies below `lowest` but the oldest page: the walk reached the feed's oldest entry. */
  complete: boolean;
  /**
   * The pages the search rendered from the newest down to the one recorded as linked: the
   * first `newest` of `starts`, and the oldest page too when `first`.
   */
  newest: number;
  first: boolean;
}

/**
 * The page starts an ArchiveView keeps, in bytes: about 20 pages, the newest ~1,000 archived
 * entries, where a newsroom's changes land; the render unit's item stays within 2 KB (2 WCU a
 * write).
 */
export const ARCHIVE_VIEW_BYTES = 1_024;

/**
 * What the ledger holds of a unit's last recorded render: the highest ticket rendered, and what
 * that render read (none when no render recorded it).
 */
export interface LastRender {
  rendered: number;
  read?: Reads;
}

/** A claim's ticket, the unit's last render when it was made, and the lease if taken. */
export interface Claim extends LastRender {
  ticket: number;
  lease?: Lease;
}

/**
 * What makes a render of the unit unnecessary for the caller, checked in the request that would
 * take the lease: a render recorded as having begun reading at or after `readSince` (none:
 * unknown), with `settings`, read everything the caller needs; so did one that rendered
 * `ticket` (acquire only).
 */
export interface Unneeded {
  settings: string;
  readSince?: number;
  ticket?: number;
}

/** Whether the unit's last render makes the caller's unnecessary (Unneeded). */
export function isUnneeded(last: LastRender, unneeded: Unneeded | undefined): boolean {
  if (!unneeded) return false;
  const { read } = last;
  const readIt =
    unneeded.readSince !== undefined &&
    read !== undefined &&
    read.settings === unneeded.settings &&
    read.from >= unneeded.readSince;
  return readIt || (unneeded.ticket !== undefined && last.rendered >= unneeded.ticket);
}

/** What acquire got: the lease if taken, and the unit's last render as the request found it. */
export interface Acquired {
  lease?: Lease;
  last: LastRender;
}

/** A lease taken: the highest ticket claimed so far, and what the last render read then. */
export interface Lease {
  covers: number;
  read?: Reads;
}

/**
 * The whole site's re-renders (a settings change, RepublishEvent `all`): the settings
 * fingerprint the last finished one rendered with, and the one under way, if any.
 */
export interface SiteRendering {
  /** The fingerprint every file was last rendered with (settingsFingerprint); none: never. */
  fingerprint?: string;
  /** A republish of every article under way: for which fingerprint, and how far it got. */
  job?: { fingerprint: string; cursor?: string };
}

/**
 * Publish's bookkeeping in the table, per render unit (a feed with its files, a page, the
 * listings), so concurrent publishers converge instead of racing:
 *
 * - a **claim** says "render this unit from a state read from now on" and gets a ticket, a
 *   number that only grows;
 * - one publisher at a time holds the unit's **lease**; taking it returns the highest ticket
 *   claimed so far (`covers`): everything it renders next is read after those claims;
 * - **release** records `covers` as rendered and gives the lease up.
 *
 * A claim whose ticket is rendered needs nothing more; nor does one whose changes were in place
 * before the last render began reading, with the same settings (`read`): it read them. Leases
 * expire, so a publisher that dies holding one delays the unit by at most the lease, never for
 * ever.
 */
export interface RenderLedger {
  /**
   * Claims the unit, and takes its lease at once when it is free or expired (one request in the
   * usual case, where nobody else renders the unit). When `unneeded` holds, nothing is claimed
   * or taken (and a lease `holder` holds already is given back): the answer is the last render,
   * with its ticket for the claim's.
   */
  claim(unit: string, holder: string, leaseMs: number, unneeded?: Unneeded): Promise<Claim>;
  /** The highest ticket rendered so far (0 when none), and what that render read. */
  lastRender(unit: string): Promise<LastRender>;
  /**
   * Takes the lease if it is free or expired, unless `unneeded` holds (then a lease `holder`
   * holds already is given back); either way answers the last render as the request found it.
   */
  acquire(unit: string, holder: string, leaseMs: number, unneeded?: Unneeded): Promise<Acquired>;
  /**
   * Records `covers` as rendered from `read` (the caller passes a `from` no less than the one
   * its lease saw, so it never goes back), and frees the lease; false when the lease was no
   * longer `holder`'s (it expired and another publisher took it): render again.
   */
  release(unit: string, holder: string, covers: number, read: Reads): Promise<boolean>;
  /** Frees the lease without recording a render (the render failed). */
  abandon(unit: string, holder: string): Promise<void>;
  /**
   * Writes a tag or author feed's meta, or removes it (`count` 0, not `announcing`), unless a
   * render with a higher ticket already did.
   */
  saveFeedMeta(meta: FeedMeta, ticket: number): Promise<void>;
  /**
   * Writes a day sitemap's index item, or removes it (`count` 0), unless a render with a
   * higher ticket already did. Its `lastmod` never goes back: a render that computes an earlier
   * one (after its newest story left, or a whole-site republish) keeps the one stored, as
   * sitemaps.org means it (the time the file last changed) and search engines trust it.
   */
  saveSitemapDay(day: SitemapDay, ticket: number): Promise<void>;
  /**
   * Records that the archive page before `newest` (a start, FeedReader.archiveLink) now links
   * to it. Written after that page's files: a failure leaves the old value, and the next batch
   * renders the page again.
   */
  saveArchiveLink(feed: string, newest: string): Promise<void>;
  /** What SiteRendering says now (one strongly consistent read). */
  siteRendering(): Promise<SiteRendering>;
  /**
   * Takes the lease of the whole-site republish for `fingerprint`: resumes the job under way for
   * it (returns its cursor), or starts one from the beginning (no job, another fingerprint's, or
   * `restart`). Undefined while another holder's lease runs, or when another publisher changed
   * the job meanwhile (try again later).
   */
  takeRepublish(
    fingerprint: string,
    holder: string,
    leaseMs: number,
    restart?: boolean,
  ): Promise<{ cursor?: string } | undefined>;
  /**
   * Records how far the job got (an opaque cursor) and extends the lease; false when the lease
   * is no longer `holder`'s.
   */
  advanceRepublish(holder: string, cursor: string, leaseMs: number): Promise<boolean>;
  /**
   * Frees the job's lease and keeps its cursor, so the next publisher (the schedule's next tick)
   * goes on from there at once; nothing when the lease is no longer `holder`'s.
   */
  pauseRepublish(holder: string): Promise<void>;
  /**
   * Records `fingerprint` (the job's) as the site's and ends the job; false when the lease is no
   * longer `holder`'s or the job is another fingerprint's.
   */
  finishRepublish(holder: string, fingerprint: string): Promise<boolean>;
}
