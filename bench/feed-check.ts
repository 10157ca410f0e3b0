import type { FeedRef } from '../shared/articles/article.ts';
import { feedKey } from '../shared/articles/article.ts';
import { guidFromId } from '../shared/articles/object-key.ts';
import { feedPath } from '../shared/contract/site-layout.ts';
import { subscriptionLength, subscriptionMost } from '../shared/publish/archive-pages.ts';
import type { DynamoArticleTable } from '../shared/stores/article-table.ts';
import { getSiteFile, rssGuids, SiteReadError } from './site-http.ts';

export interface FeedCheck {
  feeds: number;
  /** Feeds whose served RSS is not the table's newest items, in order. */
  stale: string[];
}

/**
 * Whether every feed the table knows (the site feed, and each tag or author feed holding
 * articles) is served as the table says: the RSS at its path lists exactly the entries of the
 * feed's index its subscription document shows (subscriptionLength: the newest `itemLimit`, or
 * the open archive page whole), newest first.
 */
export async function checkFeeds(
  table: DynamoArticleTable,
  site: { s3Endpoint: string; bucket: string; itemLimit: number },
): Promise<FeedCheck> {
  const metas = (await table.listFeedMetas()).filter((m) => m.count > 0);
  const feeds: FeedRef[] = [{ kind: 'all' }, ...metas.map((m) => m.feed)];
  const stale: string[] = [];
  await Promise.all(
    feeds.map(async (feed) => {
      const entries = await table.latestEntries(feedKey(feed), subscriptionMost(site.itemLimit));
      const ids = entries.map((e) => e.id);
      const expected = ids.slice(0, subscriptionLength(ids, site.itemLimit)).map(guidFromId);
      const rss = await getSiteFile(site.s3Endpoint, site.bucket, feedPath(feed, 'rss')).catch(
        (error: unknown) => {
          // Caught mid-overwrite (see SiteReadError): stale for now, read again.
          if (error instanceof SiteReadError) return undefined;
          throw error;
        },
      );
      const served = rss === undefined ? [] : rssGuids(rss);
      if (served.join('\n') !== expected.join('\n')) stale.push(feedKey(feed));
    }),
  );
  return { feeds: feeds.length, stale: stale.sort() };
}
