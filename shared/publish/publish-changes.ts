import { eachLimited } from '../concurrency/each-limited.ts';
import type { SiteConfig } from '../config/site.ts';
import type { ArticleChange, FeedReader } from '../ports/feed-reader.ts';
import type { SiteBucket } from '../ports/site-bucket.ts';
import { affectedBy } from './affected.ts';
import { ConcurrentChangeError } from './errors.ts';
import { articleCache, feedUnit, listingsUnit, pageUnit, type RenderUnit } from './render-units.ts';

export interface PublishDeps {
  feeds: FeedReader;
  bucket: SiteBucket;
  config: SiteConfig;
  /** Units rendered at once (default 8). */
  concurrency?: number;
}

export interface PublishResult {
  written: string[];
  deleted: string[];
  unchanged: number;
  failures: { unit: string; error: unknown }[];
  /** The stream records whose effects are not all in the bucket yet: retry them. */
  failedRecordIds: string[];
}

const MAX_RENDERS = 5;

/**
 * Brings the site bucket up to date with one batch of table changes: every affected file is
 * rendered once, however many changes touch it.
 *
 * Concurrency: two invocations may render the same feed at once, and the older render may
 * land last. So each unit notes the version of the state it rendered (a feed's newest
 * entries with their article revisions, which every ingest transaction rewrites; an
 * article's revision) and reads it again after writing. If it moved, the table changed
 * while we rendered and our files may be older than someone else's: render again. The last
 * writer of any file therefore always wrote from the newest state, and an older render can
 * never be what stays in the bucket.
 */
export async function publishChanges(
  changes: readonly ArticleChange[],
  deps: PublishDeps,
): Promise<PublishResult> {
  const result: PublishResult = {
    written: [],
    deleted: [],
    unchanged: 0,
    failures: [],
    failedRecordIds: [],
  };
  if (changes.length === 0) return result;
  const affected = affectedBy(changes);
  const unitDeps = { feeds: deps.feeds, config: deps.config, articles: articleCache() };
  const units: RenderUnit[] = [
    ...[...affected.feeds.values()].map(({ feed, causes }) => feedUnit(feed, causes, unitDeps)),
    ...[...affected.pages.values()].map(({ id, causes }) => pageUnit(id, causes, unitDeps)),
    listingsUnit(affected.siteCauses, unitDeps),
  ];
  const failed = new Set<string>();
  await eachLimited(units, deps.concurrency ?? 8, async (unit) => {
    try {
      await renderUntilStable(unit, deps.bucket, result);
    } catch (error) {
      result.failures.push({ unit: unit.name, error });
      for (const cause of unit.causes) failed.add(cause);
    }
  });
  result.failedRecordIds = changes.map((c) => c.recordId).filter((id) => failed.has(id));
  result.written.sort();
  result.deleted.sort();
  return result;
}

async function renderUntilStable(
  unit: RenderUnit,
  bucket: SiteBucket,
  result: PublishResult,
): Promise<void> {
  for (let render = 1; render <= MAX_RENDERS; render++) {
    const { version: before, files } = await unit.render();
    const { put, remove } = files;
    const outcomes = await Promise.allSettled([
      ...put.map(async (file) =>
        (await bucket.put(file)) ? result.written.push(file.path) : result.unchanged++,
      ),
      ...remove.map(async (path) => (await bucket.delete(path)) && result.deleted.push(path)),
    ]);
    // Every file was attempted; one failed PUT does not cost the others.
    const failure = outcomes.find((o) => o.status === 'rejected');
    if (failure) throw failure.reason;
    if ((await unit.version()) === before) return;
  }
  throw new ConcurrentChangeError(unit.name, MAX_RENDERS);
}
