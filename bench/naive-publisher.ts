import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Article, type FeedRef, feedKey, feedsOf } from '../shared/articles/article.ts';
import type { SiteConfig } from '../shared/config/site.ts';
import {
  articlePath,
  CONTENT_TYPE,
  FEED_FORMATS,
  feedPath,
  INDEX_PATH,
} from '../shared/contract/site-layout.ts';
import { renderArticlePage } from '../shared/feeds/article-page.ts';
import { renderIndex } from '../shared/feeds/index-page.ts';
import { renderFeedBytes } from '../shared/feeds/render-feed.ts';
import type { DynamoArticleTable } from '../shared/stores/article-table.ts';

/**
 * The design most serverless feed samples use, kept here only to compare against: for every
 * article that changes, regenerate every feed it is in (site, each tag, each author; all three
 * formats), its page and the index, each from a fresh query, and PUT every file. No
 * coalescing across articles, no skipping of unchanged bytes. It renders with our renderers
 * and reads through our table adapter, so only the publishing strategy differs.
 */
export class NaivePublisher {
  constructor(
    private readonly deps: {
      table: DynamoArticleTable;
      s3: S3Client;
      bucket: string;
      site: SiteConfig;
    },
  ) {}

  private async put(path: string, body: string | Uint8Array, contentType: string): Promise<void> {
    await this.deps.s3.send(
      new PutObjectCommand({
        Bucket: this.deps.bucket,
        Key: path,
        Body: body,
        ContentType: contentType,
      }),
    );
  }

  private async newest(feed: string): Promise<Article[]> {
    const { table, site } = this.deps;
    const entries = await table.latestEntries(feed, site.itemLimit);
    const stored = await table.getArticles(entries.map((e) => e.id));
    return stored.map((s) => s.article);
  }

  private async feed(feed: FeedRef): Promise<void> {
    const articles = await this.newest(feedKey(feed));
    const rendered = renderFeedBytes({ feed, site: this.deps.site, articles });
    await Promise.all(
      FEED_FORMATS.map((f) => this.put(feedPath(feed, f), rendered[f], CONTENT_TYPE[f])),
    );
  }

  private async index(): Promise<void> {
    const [articles, metas] = await Promise.all([
      this.newest('all'),
      this.deps.table.listFeedMetas(),
    ]);
    const listings = [
      { feed: { kind: 'all' } as const },
      ...metas.filter((m) => m.count > 0).map(({ feed, count }) => ({ feed, count })),
    ];
    await this.put(INDEX_PATH, renderIndex(this.deps.site, articles, listings), CONTENT_TYPE.html);
  }

  /** Everything one article touches; returns the number of PUTs. */
  async publishArticle(article: Article): Promise<number> {
    const feeds = feedsOf(article);
    const page = renderArticlePage(article, this.deps.site);
    await Promise.all([
      ...feeds.map((feed) => this.feed(feed)),
      this.put(articlePath(article.id), page, CONTENT_TYPE.html),
      this.index(),
    ]);
    return feeds.length * FEED_FORMATS.length + 2;
  }
}
