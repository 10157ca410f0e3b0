import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import type { SiteConfig } from '../../../shared/config/site.ts';
import { ConcurrentChangeError } from '../../../shared/publish/errors.ts';
import { publishChanges } from '../../../shared/publish/publish-changes.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { labels, removeArticle, saveArticle, testArticle } from '../../support/fakes/articles.ts';
import { InMemorySiteBucket } from '../../support/fakes/site-bucket.ts';

const SITE: SiteConfig = {
  url: 'https://news.example.com/',
  title: 'Example News',
  description: 'Tests of feedpub',
  language: 'en',
  itemLimit: 10,
};

const FEED_FILES = ['rss.xml', 'atom.xml', 'feed.json'];
const LISTINGS = ['404.html', 'feeds.opml', 'tags/index.html'];
const feedFiles = (dir: string) => FEED_FILES.map((file) => `${dir}${file}`);

const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}T00:00:00.000Z`;

/** The table and bucket publish works on; `publish` takes every change since the last call. */
function rig() {
  const store = new InMemoryArticleTable();
  const bucket = new InMemorySiteBucket();
  const deps = { feeds: store, bucket, config: SITE };
  const publish = () => publishChanges(store.takeChanges(), deps);
  const save = (article: Article) => saveArticle(store, article);
  return { store, bucket, deps, publish, save };
}

describe('publishChanges on the in-memory table and bucket', () => {
  it('renders each file a batch affects once, however many changes touch it', async () => {
    const { bucket, publish, save } = rig();
    for (let i = 0; i < 60; i++) {
      const tags = labels(`T${i % 4}`, `T${(i + 1) % 4}`);
      await save(
        testArticle(`a${i}`, { tags, authors: labels(`W${i % 2}`), published: day(1 + (i % 28)) }),
      );
    }

    const result = await publish();

    expect(result.failures).toEqual([]);
    const puts = bucket.pathsOf('put');
    expect(puts.length).toBe(new Set(puts).size);
    expect(puts.sort()).toEqual(
      [
        ...feedFiles(''),
        'index.html',
        ...['t0', 't1', 't2', 't3'].flatMap((t) => feedFiles(`tags/${t}/`)),
        ...['w0', 'w1'].flatMap((w) => feedFiles(`authors/${w}/`)),
        ...Array.from({ length: 60 }, (_, i) => `articles/a${i}.html`),
        ...LISTINGS,
      ].sort(),
    );
    expect(result.written).toEqual(puts.sort());
    expect(bucket.text('feed.json')).toContain('"Title of a27"');
    expect(JSON.parse(bucket.text('feed.json') ?? '{}').items).toHaveLength(SITE.itemLimit);
  });

  it('writes nothing when a batch renders the same bytes again', async () => {
    const { store, deps, save } = rig();
    await save(testArticle('a', { tags: labels('X') }));
    const changes = store.takeChanges();
    const first = await publishChanges(changes, deps);

    const again = await publishChanges(changes, deps);

    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(first.written.length);
  });

  it('renders a feed again when the table moves while it is being written', async () => {
    const { bucket, publish, save } = rig();
    await save(testArticle('first', { published: day(1) }));
    let moved = false;
    bucket.beforePut = async (file) => {
      if (file.path !== 'rss.xml' || moved) return;
      moved = true;
      // Another ingest commits while this render's files are on their way to the bucket.
      await save(testArticle('late', { published: day(2) }));
    };

    const result = await publish();

    expect(result.failures).toEqual([]);
    expect(bucket.pathsOf('put').filter((p) => p === 'rss.xml')).toHaveLength(2);
    for (const path of [...feedFiles(''), 'index.html'])
      expect(bucket.text(path)).toContain('Title of late');
  });

  it('gives up on a feed the table moves under at every render, failing only its records', async () => {
    const { store, bucket, deps, save } = rig();
    // Newer articles fill the site feed, so only the tag feed shows the article that moves.
    for (let i = 0; i < SITE.itemLimit; i++)
      await save(testArticle(`new${i}`, { published: day(10 + i) }));
    await save(testArticle('y-old', { tags: labels('Y'), published: day(1) }));
    store.takeChanges();
    await save(testArticle('x', { tags: labels('X'), published: day(2) }));
    await save(testArticle('y', { tags: labels('Y'), published: day(3) }));
    const changes = store.takeChanges();
    let edits = 0;
    bucket.beforePut = async (file) => {
      if (file.path !== 'tags/y/rss.xml') return;
      edits += 1;
      await save(
        testArticle('y-old', { tags: labels('Y'), published: day(1), title: `Edit ${edits}` }),
      );
    };

    const result = await publishChanges(changes, deps);

    expect(result.failures.map((f) => [f.unit, f.error instanceof ConcurrentChangeError])).toEqual([
      ['feed tag/y', true],
    ]);
    expect(result.failedRecordIds).toEqual([changes[1]?.recordId]);
    expect(bucket.paths()).toEqual(
      expect.arrayContaining([...feedFiles('tags/x/'), 'articles/y.html', 'rss.xml']),
    );
  });

  it('fails only the records of a file whose PUT fails, and writes every other file', async () => {
    const { store, bucket, deps, save } = rig();
    await save(testArticle('x', { tags: labels('X'), published: day(1) }));
    await save(testArticle('y', { tags: labels('Y'), published: day(2) }));
    const changes = store.takeChanges();
    bucket.beforePut = (file) => {
      if (file.path === 'tags/x/rss.xml') throw new Error('S3 is slow today');
    };

    const result = await publishChanges(changes, deps);

    expect(result.failures.map((f) => f.unit)).toEqual(['feed tag/x']);
    expect(result.failedRecordIds).toEqual([changes[0]?.recordId]);
    expect(bucket.paths()).toEqual(
      expect.arrayContaining([
        'tags/x/atom.xml',
        'tags/x/feed.json',
        ...feedFiles('tags/y/'),
        ...feedFiles(''),
        'articles/x.html',
        'articles/y.html',
        ...LISTINGS,
      ]),
    );
    expect(bucket.paths()).not.toContain('tags/x/rss.xml');
  });

  it("deletes a tag's and an author's feeds with their last article; the site feed stays, empty", async () => {
    const { store, bucket, publish, save } = rig();
    await save(testArticle('a', { tags: labels('X'), authors: labels('Ann') }));
    await save(testArticle('b', { tags: labels('Y') }));
    await publish();
    expect(bucket.text('feeds.opml')).toContain('tags/x/');

    await removeArticle(store, 'a');
    const result = await publish();

    expect(result.deleted).toEqual(
      [...feedFiles('tags/x/'), ...feedFiles('authors/ann/'), 'articles/a.html'].sort(),
    );
    expect(bucket.paths()).not.toContain('tags/x/rss.xml');
    expect(bucket.text('feeds.opml')).not.toContain('tags/x/');
    expect(bucket.text('feeds.opml')).toContain('tags/y/');
    expect(bucket.text('rss.xml')).not.toContain('Title of a');
    expect(bucket.text('rss.xml')).toContain('Title of b');

    await removeArticle(store, 'b');
    await publish();
    expect(JSON.parse(bucket.text('feed.json') ?? '{}').items).toEqual([]);
    expect(bucket.paths()).not.toContain('tags/y/feed.json');
  });
});
