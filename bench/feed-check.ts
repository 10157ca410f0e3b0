import { guidFromId } from '../shared/articles/object-key.ts';
import { feedPath } from '../shared/feeds/site-layout.ts';
import type { DynamoArticleTable } from '../shared/stores/article-table.ts';
import { getSiteFile, rssGuids } from './site-http.ts';

export interface FeedCheck {
  feeds: number;
  /** Articles the site-wide feed's meta counts. */
  articles: number;
  /** Feeds whose served RSS is not the table's newest items, in order. */
  stale: string[];
}

/**
 * Whether every feed the table knows is served as the table says it should be: the RSS at
 * its path lists exactly the newest `itemLimit` entries of the feed's index, newest first.
 */
export async function checkFeeds(
  table: DynamoArticleTable,
  site: { s3Endpoint: string; bucket: string; itemLimit: number },
): Promise<FeedCheck> {
  const metas = (await table.listFeedMetas()).filter((m) => m.count > 0);
  const stale: string[] = [];
  await Promise.all(
    metas.map(async ({ feed }) => {
      const key = feed.kind === 'all' ? 'all' : `${feed.kind}/${feed.slug}`;
      const expected = (await table.latestIds(key, site.itemLimit)).map(guidFromId);
      const rss = await getSiteFile(site.s3Endpoint, site.bucket, feedPath(feed, 'rss'));
      const served = rss === undefined ? [] : rssGuids(rss);
      if (served.join('\n') !== expected.join('\n')) stale.push(key);
    }),
  );
  const all = metas.find((m) => m.feed.kind === 'all');
  return { feeds: metas.length, articles: all?.count ?? 0, stale: stale.sort() };
}
