import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../shared/config/site.ts';
import { ArticleCache } from '../../../shared/publish/article-cache.ts';
import { publishChanges } from '../../../shared/publish/publish-changes.ts';
import { keepingRenderer, type Renderer } from '../../../shared/publish/renderer.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { labels, saveArticle, testArticle } from '../../support/fakes/articles.ts';
import { InMemorySiteBucket } from '../../support/fakes/site-bucket.ts';

/** A feed holds the newest 10. */
const SITE: SiteConfig = {
  url: 'https://cache.example.com/',
  title: 'Cached News',
  description: 'What a warm publisher reads',
  language: 'en-GB',
  itemLimit: 10,
};

const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}T00:00:00.000Z`;

/** The in-memory table, noting every article read (by id) and failing reads on demand. */
class ReadLog extends InMemoryArticleTable {
  readonly read: string[] = [];
  failReads = false;
  override async getArticles(ids: string[]) {
    if (this.failReads) throw new Error('throttled');
    this.read.push(...ids);
    return super.getArticles(ids);
  }
}

function rig(articles?: ArticleCache, renderer?: Renderer) {
  const store = new ReadLog();
  const bucket = new InMemorySiteBucket();
  const deps = { feeds: store, ledger: store, bucket, config: SITE, articles, renderer };
  const publish = () => publishChanges(store.takeChanges(), deps);
  return { store, bucket, publish };
}

const article = (n: number, rev = 0) =>
  testArticle(`a${n}`, {
    tags: labels('News'),
    published: day(1 + (n % 28)),
    title: rev === 0 ? `Story ${n}` : `Story ${n}, corrected ${rev}`,
  });

describe('ArticleCache: the articles a publish container has read', () => {
  it('a warm publisher reads only the articles its earlier batches did not', async () => {
    const { store, publish } = rig(new ArticleCache());
    for (let n = 1; n <= 8; n++) await saveArticle(store, article(n));
    expect((await publish()).failures).toEqual([]);
    store.read.length = 0;

    await saveArticle(store, article(9));
    expect((await publish()).failures).toEqual([]);

    // The site and tag feeds show a1…a9: only a9 (new) is read.
    expect(new Set(store.read)).toEqual(new Set(['a9']));
  });

  it('without one, every batch reads every article it shows', async () => {
    const { store, publish } = rig();
    for (let n = 1; n <= 8; n++) await saveArticle(store, article(n));
    await publish();
    store.read.length = 0;

    await saveArticle(store, article(9));
    await publish();

    expect(new Set(store.read)).toEqual(new Set(Array.from({ length: 9 }, (_, i) => `a${i + 1}`)));
  });

  it('a new revision is read, and the feeds show it, never the cached one', async () => {
    const { store, bucket, publish } = rig(new ArticleCache());
    for (let n = 1; n <= 3; n++) await saveArticle(store, article(n));
    await publish();
    store.read.length = 0;

    await saveArticle(store, article(2, 1));
    expect((await publish()).failures).toEqual([]);

    expect(store.read).toContain('a2');
    for (const path of ['rss.xml', 'atom.xml', 'tags/news/rss.xml']) {
      const titles = parseFeed(bucket.text(path) ?? '').items.map((item) => item.title);
      expect(titles, path).toContain('Story 2, corrected 1');
      expect(titles, path).not.toContain('Story 2');
    }
  });

  it('with the feed items it wrote kept too, publishes the bytes of a cold publisher, batch after batch', async () => {
    const warm = rig(new ArticleCache(), keepingRenderer());
    const cold = rig();
    const both = async (step: (store: ReadLog) => Promise<unknown>) => {
      for (const { store, publish } of [warm, cold]) {
        await step(store);
        expect((await publish()).failures).toEqual([]);
      }
    };
    // Past the item limit (archive pages), new stories, a correction, a withdrawal.
    await both(async (store) => {
      for (let n = 1; n <= 14; n++) await saveArticle(store, article(n));
    });
    await both((store) => saveArticle(store, article(15)));
    await both((store) => saveArticle(store, article(12, 1)));
    await both(async (store) => {
      await saveArticle(store, article(16));
      await saveArticle(store, { ...article(13), status: 'withdrawn', withdrawn: { at: day(27) } });
    });

    const paths = cold.bucket.pathsOf('put');
    expect(new Set(warm.bucket.pathsOf('put'))).toEqual(new Set(paths));
    for (const path of paths) expect(warm.bucket.text(path), path).toBe(cold.bucket.text(path));
    const titles = parseFeed(warm.bucket.text('atom.xml') ?? '').items.map((item) => item.title);
    expect(titles).toContain('Story 12, corrected 1');
    expect(titles).not.toContain('Story 13');
  });

  it('a failed read is not kept: the next batch reads again and renders', async () => {
    const { store, bucket, publish } = rig(new ArticleCache());
    await saveArticle(store, article(1));
    store.failReads = true;
    const failed = await publish();
    expect(failed.failures.length).toBeGreaterThan(0);

    store.failReads = false;
    await saveArticle(store, article(2));
    expect((await publish()).failures).toEqual([]);

    expect(store.read).toEqual(expect.arrayContaining(['a1', 'a2']));
    const titles = parseFeed(bucket.text('rss.xml') ?? '').items.map((item) => item.title);
    expect(titles).toEqual(expect.arrayContaining(['Story 1', 'Story 2']));
  });

  it('lets the least recently used go past its byte budget', async () => {
    const story = (id: string) =>
      Promise.resolve(testArticle(id, { contentHtml: 'x'.repeat(4096) }));
    const one = new ArticleCache();
    one.set('a@1', story('a'));
    await Promise.resolve();
    const each = one.heldBytes;
    expect(each).toBeGreaterThan(4096);

    const cache = new ArticleCache({ maxBytes: 3 * each });
    for (const id of ['a', 'b', 'c']) cache.set(`${id}@1`, story(id));
    await Promise.resolve();
    expect(cache.size).toBe(3);
    // a used again: b is now the least recently used.
    await cache.get('a@1');
    cache.set('d@1', story('d'));
    await Promise.resolve();

    expect(['a@1', 'b@1', 'c@1', 'd@1'].filter((key) => cache.has(key))).toEqual([
      'a@1',
      'c@1',
      'd@1',
    ]);
    expect(cache.heldBytes).toBe(3 * each);
  });

  it('reads again what it has held longer than its age limit', async () => {
    let now = 0;
    const cache = new ArticleCache({ maxAgeMs: 60_000, now: () => now });
    cache.set('a@1', Promise.resolve(testArticle('a')));
    now = 60_000;
    expect(cache.has('a@1')).toBe(true);
    now = 60_001;
    expect(cache.has('a@1')).toBe(false);
    expect(cache.get('a@1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
