import { randomUUID } from 'node:crypto';
import { feedKey } from '../articles/article.ts';
import { entryListKey } from '../articles/stored.ts';
import { settingsFingerprint } from '../config/fingerprint.ts';
import { PUBLISH_EVENTS, type RepublishEvent } from '../contract/event-sources.ts';
import type { ArticleChange, FeedReader } from '../ports/feed-reader.ts';
import {
  emptyResult,
  type PublishDeps,
  type PublishResult,
  publishChanges,
  publishSite,
} from './publish-changes.ts';

export interface RepublishDeps extends PublishDeps {
  /** Articles rendered again per run of publishChanges (default: a stream batch's size). */
  chunkSize?: number;
  /**
   * Whether another chunk may start (in Lambda: enough of the invocation is left); default
   * always. A whole-site republish that stops for time is taken up again by the next tick.
   */
  hasTimeFor?: () => boolean;
  /** How long the whole-site job's lease lasts past its last chunk (default 3 minutes). */
  jobLeaseMs?: number;
}

export interface RepublishResult extends PublishResult {
  /** Articles rendered again by this run. */
  articles: number;
  /** Ids asked for that the table does not hold (nothing to render). */
  notFound: string[];
  /**
   * Why not everything asked is rendered yet: the run ran out of time or a render failed (the
   * schedule's next tick goes on from where it stopped), or another publisher holds the job.
   */
  pending?: 'out of time' | 'failures' | 'another publisher';
  /** Out of time with named ids: those not rendered yet, for the caller to send again. */
  remaining?: string[];
}

const DEFAULT_JOB_LEASE_MS = 180_000;

/** A RepublishEvent that names nothing to render. */
export class RepublishEventError extends Error {
  constructor() {
    super('republish: the event names no articles (expected all: true or ids)');
    this.name = 'RepublishEventError';
  }
}

/**
 * Renders again, from the table as it is, every file that depends on these articles (`ids`) or
 * on any (`all`): their pages, every feed they are in with its archive pages, the day sitemaps
 * and the listings, through publishChanges' units and ledger, so concurrent publishers stay
 * safe. Idempotent: unchanged files are not written. `feedpub republish` sends the event; the
 * local runtime and the publish Lambda run this.
 */
export async function republish(
  event: RepublishEvent,
  deps: RepublishDeps,
): Promise<RepublishResult> {
  if (event.all) return republishEverything(deps, { restart: true });
  if (event.ids && event.ids.length > 0) return republishArticles(event.ids, deps);
  throw new RepublishEventError();
}

/**
 * The schedule's check: when the site was last rendered whole with other settings than these
 * (settingsFingerprint), or a whole-site republish is under way, renders everything (or goes on
 * from where the last run stopped); undefined when there is nothing to do (one read).
 */
export async function republishIfSettingsChanged(
  deps: RepublishDeps,
): Promise<RepublishResult | undefined> {
  const rendering = await deps.ledger.siteRendering();
  if (rendering.fingerprint === settingsFingerprint(deps.config) && !rendering.job)
    return undefined;
  return republishEverything(deps, { restart: false });
}

/**
 * These articles, a chunk at a time, while the invocation has time for another chunk: the ids
 * left then are `remaining` (pending `out of time`), for the caller to send in another
 * invocation (`feedpub republish` and `redrive` do, until none is left). A redrive of a large
 * publish DLQ is thousands of ids; rendered in one invocation, it would outlive the timeout.
 */
export async function republishArticles(
  ids: readonly string[],
  deps: RepublishDeps,
): Promise<RepublishResult> {
  const result = emptyRepublish();
  const unique = [...new Set(ids)];
  const size = deps.chunkSize ?? PUBLISH_EVENTS.batchSize;
  for (let i = 0; i < unique.length; i += size) {
    if (i > 0 && !(deps.hasTimeFor?.() ?? true))
      return { ...result, pending: 'out of time', remaining: unique.slice(i) };
    const chunk = unique.slice(i, i + size);
    const found = await renderChunk(chunk, deps, result);
    result.notFound.push(...chunk.filter((id) => !found.has(id)));
  }
  return result;
}

/**
 * Every article, a chunk at a time in the site feed's order (then the withdrawn ones, whose
 * pages are notices), under the table's whole-site job (RenderLedger.takeRepublish): one
 * publisher at a time, its progress recorded after each chunk, so a run out of time or a failed
 * chunk is taken up from there. The settings' fingerprint is recorded only after the last
 * chunk and the site frame (publishSite) are rendered.
 */
async function republishEverything(
  deps: RepublishDeps,
  { restart }: { restart: boolean },
): Promise<RepublishResult> {
  const result = emptyRepublish();
  const fingerprint = settingsFingerprint(deps.config);
  const holder = randomUUID();
  const leaseMs = deps.jobLeaseMs ?? DEFAULT_JOB_LEASE_MS;
  const taken = await deps.ledger.takeRepublish(fingerprint, holder, leaseMs, restart);
  if (!taken) return { ...result, pending: 'another publisher' };
  let cursor = taken.cursor;
  const size = deps.chunkSize ?? PUBLISH_EVENTS.batchSize;
  for (;;) {
    const chunk = await nextChunk(deps.feeds, cursor, size);
    if (!chunk) break;
    const failuresBefore = result.failures.length;
    await renderChunk(chunk.ids, deps, result);
    if (result.failures.length > failuresBefore) return paused(result, 'failures', holder, deps);
    if (!(await deps.ledger.advanceRepublish(holder, chunk.cursor, leaseMs)))
      return { ...result, pending: 'another publisher' };
    cursor = chunk.cursor;
    if (!(deps.hasTimeFor?.() ?? true)) return paused(result, 'out of time', holder, deps);
  }
  // The site feed and listings even with no article at all, and feeds kept only to announce.
  merge(result, await publishSite(deps));
  if (result.failures.length > 0) return paused(result, 'failures', holder, deps);
  if (!(await deps.ledger.finishRepublish(holder, fingerprint)))
    return { ...result, pending: 'another publisher' };
  return result;
}

/** Stops the job where it is, for the next publisher to go on from (the chunk is done or not). */
async function paused(
  result: RepublishResult,
  pending: 'out of time' | 'failures',
  holder: string,
  deps: RepublishDeps,
): Promise<RepublishResult> {
  await deps.ledger.pauseRepublish(holder);
  return { ...result, pending };
}

/**
 * The lists a whole-site republish walks, in order: the site feed's entries (every live
 * article), its `gone` list (every withdrawn story readers saw: its page is a notice), then its
 * `moved` list (every moved story readers saw: its old page redirects).
 */
const LISTS = [
  feedKey({ kind: 'all' }),
  entryListKey({ kind: 'all' }, 'gone'),
  entryListKey({ kind: 'all' }, 'moved'),
] as const;

/** `<list index>\n<sort key of the last entry rendered>`. */
function parseCursor(cursor: string | undefined): { list: number; after?: string } {
  if (cursor === undefined) return { list: 0 };
  const cut = cursor.indexOf('\n');
  return { list: Number(cursor.slice(0, cut)) || 0, after: cursor.slice(cut + 1) };
}

/** The next `size` articles after `cursor`, oldest first: bounded reads (walkEntries). */
async function nextChunk(
  feeds: FeedReader,
  cursor: string | undefined,
  size: number,
): Promise<{ ids: string[]; cursor: string } | undefined> {
  let { list, after } = parseCursor(cursor);
  for (; list < LISTS.length; list++, after = undefined) {
    const ids: string[] = [];
    let last: string | undefined;
    const walk = feeds.walkEntries(LISTS[list] as string, {
      order: 'oldest first',
      ...(after === undefined ? {} : { bound: { key: after, inclusive: false } }),
    });
    for await (const entry of walk) {
      ids.push(entry.id);
      last = entry.sortKey;
      if (ids.length >= size) break;
    }
    if (last !== undefined) return { ids: [...new Set(ids)], cursor: `${list}\n${last}` };
  }
  return undefined;
}

/**
 * Renders every file of these articles as a stream batch changing each from itself to itself
 * would: the ids found in the table.
 */
async function renderChunk(
  ids: readonly string[],
  deps: RepublishDeps,
  result: RepublishResult,
): Promise<Set<string>> {
  const stored = await deps.feeds.getArticles([...ids]);
  const changes: ArticleChange[] = stored.map(({ article }) => ({
    recordId: `republish ${article.id}`,
    before: article,
    after: article,
  }));
  merge(result, await publishChanges(changes, deps));
  result.articles += changes.length;
  return new Set(stored.map((s) => s.article.id));
}

function emptyRepublish(): RepublishResult {
  return { ...emptyResult(), articles: 0, notFound: [] };
}

function merge(into: PublishResult, from: PublishResult): void {
  into.written.push(...from.written);
  into.deleted.push(...from.deleted);
  into.unchanged += from.unchanged;
  into.coveredByOthers += from.coveredByOthers;
  into.failures.push(...from.failures);
  into.failedRecordIds.push(...from.failedRecordIds);
}
