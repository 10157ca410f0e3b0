import { describe, expect, it } from 'vitest';
import { feedKey } from '../../shared/articles/article.ts';
import { planArticleWrite } from '../../shared/articles/stored.ts';
import type { ArticleStore } from '../../shared/ports/article-store.ts';
import type { FeedMeta, FeedReader } from '../../shared/ports/feed-reader.ts';
import { labels, removeArticle, saveArticle, testArticle } from '../support/fakes/articles.ts';

type Table = ArticleStore & FeedReader;

const at = (day: number) => `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;

const byKey = (metas: FeedMeta[]) =>
  metas
    .map((m) => ({ key: feedKey(m.feed), feed: m.feed, count: m.count }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));

/**
 * What publish relies on from the table, for any FeedReader. The table is written only
 * through ArticleStore.commit, so the factory makes one object that is both.
 */
export function feedReaderContract(name: string, makeTable: () => Promise<Table>) {
  describe(`${name} as a FeedReader`, () => {
    it("lists a feed's newest entries first, each with its article's revision, up to the limit", async () => {
      const table = await makeTable();
      await saveArticle(table, testArticle('old', { published: at(1) }));
      await saveArticle(table, testArticle('b-same-day', { published: at(5) }));
      await saveArticle(table, testArticle('a-same-day', { published: at(5) }));
      await saveArticle(table, testArticle('new', { published: at(9) }));
      await saveArticle(table, testArticle('old', { published: at(1), title: 'Revised' }));
      await saveArticle(table, testArticle('draft', { published: at(20), status: 'draft' }));

      expect(await table.latestEntries('all', 10)).toEqual([
        { id: 'new', rev: 1 },
        { id: 'b-same-day', rev: 1 },
        { id: 'a-same-day', rev: 1 },
        { id: 'old', rev: 2 },
      ]);
      expect(await table.latestEntries('all', 2)).toEqual([
        { id: 'new', rev: 1 },
        { id: 'b-same-day', rev: 1 },
      ]);
      expect(await table.latestEntries('tag/none', 10)).toEqual([]);
    });

    it('moves entries between feeds as tags change, and drops them when the article goes', async () => {
      const table = await makeTable();
      const article = testArticle('a', { tags: labels('X', 'Y'), authors: labels('Ann') });
      await saveArticle(table, article);
      expect(await table.latestEntries('tag/x', 10)).toEqual([{ id: 'a', rev: 1 }]);
      expect(await table.latestEntries('author/ann', 10)).toEqual([{ id: 'a', rev: 1 }]);

      await saveArticle(table, { ...article, tags: labels('Y', 'Z'), published: at(3) });
      expect(await table.latestEntries('tag/x', 10)).toEqual([]);
      expect(await table.latestEntries('tag/y', 10)).toEqual([{ id: 'a', rev: 2 }]);
      expect(await table.latestEntries('tag/z', 10)).toEqual([{ id: 'a', rev: 2 }]);
      expect(await table.latestEntries('all', 10)).toEqual([{ id: 'a', rev: 2 }]);

      await removeArticle(table, 'a');
      for (const feed of ['all', 'tag/y', 'tag/z', 'author/ann'])
        expect(await table.latestEntries(feed, 10)).toEqual([]);
    });

    it('counts the articles of each tag and author feed, keeps the first spelling, and keeps a feed left empty at 0', async () => {
      const table = await makeTable();
      await saveArticle(
        table,
        testArticle('a', { tags: labels('Space X'), authors: labels('Ann') }),
      );
      await saveArticle(table, testArticle('b', { tags: [{ slug: 'space-x', name: 'SPACE X' }] }));
      expect(await table.getFeedMeta('tag/space-x')).toEqual({
        feed: { kind: 'tag', slug: 'space-x', name: 'Space X' },
        count: 2,
      });
      // The site feed has no meta item.
      expect(await table.getFeedMeta('all')).toBeUndefined();
      expect(await table.getFeedMeta('tag/none')).toBeUndefined();

      await removeArticle(table, 'a');
      expect(byKey(await table.listFeedMetas())).toEqual([
        { key: 'author/ann', feed: { kind: 'author', slug: 'ann', name: 'Ann' }, count: 0 },
        { key: 'tag/space-x', feed: { kind: 'tag', slug: 'space-x', name: 'Space X' }, count: 1 },
      ]);
      // A draft is in no feed: it neither counts nor makes a meta.
      await saveArticle(table, testArticle('d', { status: 'draft', tags: labels('Hidden') }));
      expect(await table.getFeedMeta('tag/hidden')).toBeUndefined();
    });

    it('sums the meta changes of several article writes in one commit', async () => {
      const table = await makeTable();
      const tagged = (id: string) => testArticle(id, { tags: labels('X') });
      await table.commit({
        articles: [
          planArticleWrite(undefined, tagged('a')),
          planArticleWrite(undefined, tagged('b')),
        ],
      });
      expect((await table.getFeedMeta('tag/x'))?.count).toBe(2);
      expect(await table.latestEntries('tag/x', 10)).toHaveLength(2);
    });

    it('reads articles in the order asked, leaving out missing ones, past 100 ids', async () => {
      const table = await makeTable();
      for (const id of ['a', 'b', 'c']) await saveArticle(table, testArticle(id));
      const missing = Array.from({ length: 100 }, (_, i) => `missing-${i}`);
      // Two BatchGets: `b` in the first, `c` before `a` in the second.
      const ids = ['b', ...missing.slice(0, 99), 'c', 'a', ...missing.slice(99)];

      const found = await table.getArticles(ids);

      expect(found.map((s) => s.article.id)).toEqual(['b', 'c', 'a']);
      expect(found[1]).toEqual({ article: testArticle('c'), rev: 1 });
      expect((await table.getArticles(['c', 'b', 'a'])).map((s) => s.article.id)).toEqual([
        'c',
        'b',
        'a',
      ]);
      expect(await table.getArticles([])).toEqual([]);
      expect(await table.getArticle('b')).toEqual({ article: testArticle('b'), rev: 1 });
    });

    it('refuses what DynamoDB refuses: a repeated id in one read, a limit below 1', async () => {
      const table = await makeTable();
      await saveArticle(table, testArticle('a'));
      const invalid = { name: 'ValidationException' };
      await expect(table.getArticles(['a', 'a'])).rejects.toMatchObject(invalid);
      await expect(table.latestEntries('all', 0)).rejects.toMatchObject(invalid);
      await expect(table.dueScheduled(at(1), 0)).rejects.toMatchObject(invalid);
    });
  });
}
