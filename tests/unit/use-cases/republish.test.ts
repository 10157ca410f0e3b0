import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import { movedTombstoneOf } from '../../../shared/articles/stored.ts';
import { settingsFingerprint } from '../../../shared/config/fingerprint.ts';
import type { SiteConfig } from '../../../shared/config/site.ts';
import { publishChanges, publishSite } from '../../../shared/publish/publish-changes.ts';
import { republish, republishIfSettingsChanged } from '../../../shared/publish/republish.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { labels, removeArticle, saveArticle, testArticle } from '../../support/fakes/articles.ts';
import { InMemorySiteBucket } from '../../support/fakes/site-bucket.ts';

const SITE_A: SiteConfig = {
  url: 'https://news.example.com/',
  title: 'Title Alpha',
  description: 'Tests of feedpub',
  language: 'en',
  itemLimit: 5,
};
const SITE_B: SiteConfig = { ...SITE_A, title: 'Title Bravo' };

const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}T00:00:00.000Z`;
const ARTICLES = 40;
/** What a whole-site republish renders: the 39 live, the withdrawn a3 and the moved a7. */
const RENDERED = ARTICLES + 1;

/**
 * A site of 40 articles (archive pages in the site, tag and author feeds), one withdrawn and one
 * moved (a7 to moved/a7: its old page redirects), rendered with SITE_A.
 */
async function renderedSite() {
  const store = new InMemoryArticleTable();
  const bucket = new InMemorySiteBucket();
  const deps = (config: SiteConfig) => ({ feeds: store, ledger: store, bucket, config });
  for (let i = 0; i < ARTICLES; i++)
    await saveArticle(
      store,
      testArticle(`a${i}`, {
        tags: labels(`T${i % 3}`),
        authors: labels(`W${i % 2}`),
        published: day(1 + (i % 28)),
      }),
    );
  await publishChanges(store.takeChanges(), deps(SITE_A));
  await removeArticle(store, 'a3');
  const a7 = (await store.getArticle('a7'))?.article as Article;
  await saveArticle(store, { ...a7, id: 'moved/a7', sourceKey: 'articles/moved/a7.md' });
  await saveArticle(store, movedTombstoneOf(a7, 'moved/a7'));
  await publishChanges(store.takeChanges(), deps(SITE_A));
  await publishSite(deps(SITE_A));
  return { store, bucket, deps };
}

const containing = (bucket: InMemorySiteBucket, text: string) =>
  bucket.paths().filter((path) => bucket.text(path)?.includes(text));

describe('republishing the site when its settings change', () => {
  it('renders every file that shows the old title again, and a second tick writes nothing', async () => {
    const { store, bucket, deps } = await renderedSite();
    // The site was rendered with A before the fingerprint was kept: the first tick records it.
    const first = await republishIfSettingsChanged({ ...deps(SITE_A), chunkSize: 7 });
    expect(first?.pending).toBeUndefined();
    expect(first?.written).toEqual([]);
    expect((await store.siteRendering()).fingerprint).toBe(settingsFingerprint(SITE_A));
    const withA = containing(bucket, 'Title Alpha');
    // Pages, the withdrawn notice, every feed, archive pages, label pages and listings.
    for (const path of [
      'articles/a0.html',
      'articles/a3.html',
      'articles/a7.html',
      'rss.xml',
      'atom.xml',
      'feed.json',
      'tags/t1/rss.xml',
      'tags/t1/index.html',
      'authors/w0/atom.xml',
      'index.html',
      'tags/index.html',
      'feeds.opml',
      '404.html',
    ])
      expect(withA).toContain(path);
    expect(withA.some((path) => path.startsWith('archive/') || path.includes('/archive/'))).toBe(
      true,
    );

    const tick = await republishIfSettingsChanged({ ...deps(SITE_B), chunkSize: 7 });

    expect(tick?.pending).toBeUndefined();
    expect(tick?.articles).toBe(RENDERED);
    expect(containing(bucket, 'Title Alpha')).toEqual([]);
    expect(containing(bucket, 'Title Bravo')).toEqual(withA);
    expect((await store.siteRendering()).fingerprint).toBe(settingsFingerprint(SITE_B));
    const calls = bucket.calls.length;
    expect(await republishIfSettingsChanged({ ...deps(SITE_B), chunkSize: 7 })).toBeUndefined();
    expect(bucket.calls.length).toBe(calls);
  });

  it('goes on from where a run out of time stopped, and records the settings only at the end', async () => {
    const { store, bucket, deps } = await renderedSite();
    await republishIfSettingsChanged({ ...deps(SITE_A), chunkSize: 7 });
    const b = { ...deps(SITE_B), chunkSize: 7, hasTimeFor: () => false };

    const runs = [];
    for (let run = 0; run < 20; run++) {
      const result = await republishIfSettingsChanged(b);
      if (!result) break;
      runs.push(result);
      if (result.pending === undefined) break;
      expect(result.pending).toBe('out of time');
      expect((await store.siteRendering()).fingerprint).toBe(settingsFingerprint(SITE_A));
    }
    // 7 a run: the live list (39) in 6 chunks, the gone list (a3), the moved list (a7), the end.
    expect(runs.map((r) => r.articles)).toEqual([7, 7, 7, 7, 7, 4, 1, 1, 0]);
    expect(containing(bucket, 'Title Alpha')).toEqual([]);
    expect((await store.siteRendering()).fingerprint).toBe(settingsFingerprint(SITE_B));
  });

  it('lets one publisher at a time run the whole-site republish', async () => {
    const { deps } = await renderedSite();
    const both = await Promise.all([
      republishIfSettingsChanged({ ...deps(SITE_B), chunkSize: 7 }),
      republishIfSettingsChanged({ ...deps(SITE_B), chunkSize: 7 }),
    ]);
    expect(both.map((r) => r?.pending).sort()).toEqual(['another publisher', undefined]);
    expect(both.map((r) => r?.articles).sort()).toEqual([0, RENDERED]);
  });
});

describe('republish (RepublishEvent)', () => {
  it('renders the files of the ids it names, and says which the table does not hold', async () => {
    const { bucket, deps } = await renderedSite();
    const result = await republish(
      { feedpub: 'republish', ids: ['a1', 'a1', 'nope'] },
      deps(SITE_B),
    );
    expect(result.articles).toBe(1);
    expect(result.notFound).toEqual(['nope']);
    expect(bucket.text('articles/a1.html')).toContain('Title Bravo');
    expect(bucket.text('tags/t1/rss.xml')).toContain('Title Bravo');
    expect(bucket.text('articles/a2.html')).toContain('Title Alpha');
  });

  it('renders ids a chunk at a time while it has time, and names the rest for another request', async () => {
    const { bucket, deps } = await renderedSite();
    const ids = Array.from({ length: 20 }, (_, i) => `a${i + 10}`);
    const outOfTime = { ...deps(SITE_B), chunkSize: 7, hasTimeFor: () => false };

    const first = await republish({ feedpub: 'republish', ids }, outOfTime);

    // The first chunk always (a request makes progress), then no time for another.
    expect(first.articles).toBe(7);
    expect(first.pending).toBe('out of time');
    expect(first.remaining).toEqual(ids.slice(7));
    let left = first.remaining ?? [];
    const runs = [first.articles];
    while (left.length > 0) {
      const next = await republish({ feedpub: 'republish', ids: left }, outOfTime);
      runs.push(next.articles);
      left = next.remaining ?? [];
    }
    expect(runs).toEqual([7, 7, 6]);
    for (const id of ids) expect(bucket.text(`articles/${id}.html`)).toContain('Title Bravo');
    // With time, all at once.
    const all = await republish({ feedpub: 'republish', ids }, { ...deps(SITE_A), chunkSize: 7 });
    expect([all.articles, all.pending, all.remaining]).toEqual([20, undefined, undefined]);
  });

  it('renders everything for all, even with the settings unchanged', async () => {
    const { bucket, deps } = await renderedSite();
    await republishIfSettingsChanged(deps(SITE_A));
    bucket.calls.length = 0;
    const result = await republish({ feedpub: 'republish', all: true }, deps(SITE_A));
    expect(result.articles).toBe(RENDERED);
    expect(result.written).toEqual([]);
    expect(bucket.calls.some((c) => c.path === 'articles/a39.html')).toBe(true);
  });
});
