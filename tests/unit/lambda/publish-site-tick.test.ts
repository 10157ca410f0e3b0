import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { PUBLISH_SITE_EVENT } from '../../../shared/contract/event-sources.ts';
import { createPublishHandler } from '../../../shared/lambda/publish-handler.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { InMemorySiteBucket } from '../../support/fakes/site-bucket.ts';
import { TEST_SITE } from '../../support/pipeline.ts';

function handlerOn(bucket: InMemorySiteBucket) {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const table = new InMemoryArticleTable();
  return createPublishHandler(
    { feeds: table, ledger: table, bucket, config: TEST_SITE },
    {
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'feedpub-test', serviceName: 'publish' }),
    },
  );
}

describe('publish, on the schedule tick (a fresh deploy, no article yet)', () => {
  it('writes the home page, the listings and the site feeds, empty and valid', async () => {
    const bucket = new InMemorySiteBucket();
    await handlerOn(bucket)(PUBLISH_SITE_EVENT);
    expect(bucket.paths()).toEqual(
      [
        '404.html',
        'atom.xml',
        'feed.json',
        'feeds.opml',
        'index.html',
        'robots.txt',
        'rss.xml',
        'sitemap.xml',
        'sitemaps/pages.xml',
        'tags/index.html',
      ].sort(),
    );
    // A new site's sitemap index names its own pages; no news sitemap until there is news.
    expect(bucket.text('sitemap.xml')).toContain('/sitemaps/pages.xml</loc>');
    expect(bucket.text('robots.txt')).not.toContain('news-sitemap.xml');
    expect(bucket.text('rss.xml')).toContain('<channel>');
    expect(JSON.parse(bucket.text('feed.json') ?? '{}')).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      items: [],
    });
  });

  it('writes nothing on the next tick when nothing changed', async () => {
    const bucket = new InMemorySiteBucket();
    const handler = handlerOn(bucket);
    await handler(PUBLISH_SITE_EVENT);
    const writes = bucket.calls.filter((c) => c.changed).length;
    await handler(PUBLISH_SITE_EVENT);
    expect(bucket.calls.filter((c) => c.changed)).toHaveLength(writes);
  });

  it('refuses an event that is neither a stream batch, the tick nor a republish request', async () => {
    const handler = handlerOn(new InMemorySiteBucket());
    await expect(handler({ feedpub: 'other' } as never)).rejects.toThrow(
      'neither a stream batch, a tick nor a republish request',
    );
  });
});
