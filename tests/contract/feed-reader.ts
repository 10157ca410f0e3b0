import { describe, expect, it } from 'vitest';
import { planArticleWrite } from '../../shared/articles/stored.ts';
import { writeShard } from '../../shared/contract/table.ts';
import type { ArticleStore } from '../../shared/ports/article-store.ts';
import type { FeedReader } from '../../shared/ports/feed-reader.ts';
import { labels, removeArticle, saveArticle, testArticle } from '../support/fakes/articles.ts';

type Table = ArticleStore & FeedReader;

const at = (day: number) => `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
/** The i-th of 40 timestamps in a month, ascending: day and hour of it (`DDTHH:00:00.000Z`). */
const day = (i: number) =>
  `${String(1 + Math.floor(i / 2)).padStart(2, '0')}T${i % 2 ? '12' : '00'}:00:00.000Z`;

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

    it('merges the newest entries of a feed from all its partitions, in order', async () => {
      const table = await makeTable();
      const ids = Array.from({ length: 30 }, (_, i) => `article-${i}`);
      // Dates out of id order, two per day, so the merge must order by date then id.
      for (const [i, id] of ids.entries())
        await saveArticle(table, testArticle(id, { published: at(1 + ((i * 7) % 15)) }));
      const newestFirst = [...ids].sort((a, b) => {
        const day = (id: string) => (Number(id.slice(8)) * 7) % 15;
        return day(b) - day(a) || (a < b ? 1 : -1);
      });
      expect((await table.latestEntries('all', 30)).map((e) => e.id)).toEqual(newestFirst);
      expect((await table.latestEntries('all', 7)).map((e) => e.id)).toEqual(
        newestFirst.slice(0, 7),
      );
    });

    it('finds the newest entries when one partition holds all of them', async () => {
      const table = await makeTable();
      // Ids that share a write shard: a merge that took only its share from each partition
      // would miss most of the newest; the older ones are spread over the other partitions.
      const crowded: string[] = [];
      const spread: string[] = [];
      for (let i = 0; crowded.length < 40 || spread.length < 40; i++) {
        const id = `crowd-${String(i).padStart(4, '0')}`;
        if (writeShard(id) === 0) {
          if (crowded.length < 40) crowded.push(id);
        } else if (spread.length < 40) spread.push(id);
      }
      for (const [i, id] of crowded.entries())
        await saveArticle(table, testArticle(id, { published: `2026-02-${day(i)}` }));
      for (const [i, id] of spread.entries())
        await saveArticle(table, testArticle(id, { published: `2026-01-${day(i)}` }));
      const newestFirst = [...crowded].reverse();
      expect((await table.latestEntries('all', 30)).map((e) => e.id)).toEqual(
        newestFirst.slice(0, 30),
      );
      const head = await table.feedHead('all', 45);
      expect(head.entries.map((e) => e.id)).toEqual([
        ...newestFirst,
        ...[...spread].reverse().slice(0, 5),
      ]);
      expect(await head.total()).toBe(80);
      // A head of 10 reads the crowded partition only in part: the rest is counted.
      expect(await (await table.feedHead('all', 10)).total()).toBe(80);
      expect(
        (await table.entriesSince('all', '2026-02-01T00:00:00.000Z', 25)).map((e) => e.id),
      ).toEqual(newestFirst.slice(0, 25));
    });

    it('walks a feed either way from any entry, across all its partitions, reading as it goes', async () => {
      const table = await makeTable();
      // More than a walk reads from one partition at a time, so partitions are read again.
      const ids = Array.from({ length: 200 }, (_, i) => `walk-${String(i).padStart(3, '0')}`);
      for (const [i, id] of ids.entries())
        await saveArticle(table, testArticle(id, { published: at(1 + (i % 28)) }));
      const all = async (start: Parameters<FeedReader['walkEntries']>[1], take = 1000) => {
        const seen: { id: string; sortKey: string }[] = [];
        for await (const entry of table.walkEntries('all', start)) {
          seen.push({ id: entry.id, sortKey: entry.sortKey });
          if (seen.length === take) break;
        }
        return seen;
      };
      const oldestFirst = ids
        .map((id, i) => ({ id, sortKey: `${at(1 + (i % 28))}#${id}` }))
        .sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1));
      const newestFirst = [...oldestFirst].reverse();
      expect(await all({ order: 'oldest first' })).toEqual(oldestFirst);
      expect(await all({ order: 'newest first' })).toEqual(newestFirst);
      expect(await all({ order: 'newest first' }, 5)).toEqual(newestFirst.slice(0, 5));

      const middle = oldestFirst[100]?.sortKey as string;
      const bound = (inclusive: boolean) => ({ key: middle, inclusive });
      expect(await all({ order: 'oldest first', bound: bound(true) })).toEqual(
        oldestFirst.slice(100),
      );
      expect(await all({ order: 'oldest first', bound: bound(false) })).toEqual(
        oldestFirst.slice(101),
      );
      expect(await all({ order: 'newest first', bound: bound(true) })).toEqual(
        newestFirst.slice(99),
      );
      expect(await all({ order: 'newest first', bound: bound(false) }, 3)).toEqual(
        newestFirst.slice(100, 103),
      );
      // A bound between entries, and walks of a feed that has none.
      expect(await all({ order: 'oldest first', bound: { key: at(28), inclusive: true } })).toEqual(
        oldestFirst.filter((e) => e.sortKey > at(28)),
      );
      expect(
        await table
          .walkEntries('tag/none', { order: 'newest first' })
          [Symbol.asyncIterator]()
          .next(),
      ).toEqual({ done: true, value: undefined });
    });

    it("reads a feed's head: its newest page, its count, and a walk on from them to its end", async () => {
      const table = await makeTable();
      // Enough that a page of 1 or 7 leaves every partition with more to read, and one of 50
      // reads some to their end and not others.
      const ids = Array.from({ length: 200 }, (_, i) => `head-${String(i).padStart(3, '0')}`);
      for (const [i, id] of ids.entries())
        await saveArticle(table, testArticle(id, { published: at(1 + (i % 28)) }));
      const walked = async (walk: AsyncIterable<{ id: string; sortKey: string }>, take = 1000) => {
        const seen: { id: string; sortKey: string }[] = [];
        for await (const { id, sortKey } of walk) {
          seen.push({ id, sortKey });
          if (seen.length === take) break;
        }
        return seen;
      };
      const newestFirst = await walked(table.walkEntries('all', { order: 'newest first' }));
      expect(newestFirst).toHaveLength(200);

      for (const limit of [1, 7, 50, 200, 300]) {
        const head = await table.feedHead('all', limit);
        const page = await table.feedPage('all', limit);
        expect(
          head.entries.map(({ id, rev }) => ({ id, rev })),
          `limit ${limit}`,
        ).toEqual(page.entries);
        expect(head.entries.map((e) => e.sortKey)).toEqual(
          newestFirst.slice(0, limit).map((e) => e.sortKey),
        );
        expect(await head.total()).toBe(200);
        // A walk stopped early, then another from the top, each all of it in order.
        expect(await walked(head.walk(), 60)).toEqual(newestFirst.slice(0, 60));
        expect(await walked(head.walk())).toEqual(newestFirst);
      }
      const none = await table.feedHead('tag/none', 50);
      expect({ entries: none.entries, total: await none.total() }).toEqual({
        entries: [],
        total: 0,
      });
      expect(await walked(none.walk())).toEqual([]);
    });

    it('counts the articles of a feed with its newest page, and an ingest writes no shared feed item', async () => {
      const table = await makeTable();
      for (let i = 0; i < 23; i++)
        await saveArticle(table, testArticle(`a${i}`, { tags: labels(i % 2 ? 'Odd' : 'X') }));
      await saveArticle(table, testArticle('d', { status: 'draft', tags: labels('X') }));
      // A page of 1 fills every partition (each is counted), one of 50 none (counted by the page).
      for (const limit of [1, 50]) {
        const all = await table.feedPage('all', limit);
        expect({ limit, total: all.total, shown: all.entries.length }).toEqual({
          limit,
          total: 23,
          shown: Math.min(limit, 23),
        });
        expect((await table.feedPage('tag/x', limit)).total).toBe(12);
        expect((await table.feedPage('tag/odd', limit)).total).toBe(11);
        expect((await table.feedPage('tag/none', limit)).total).toBe(0);
      }
      await removeArticle(table, 'a0');
      expect((await table.feedPage('tag/x', 5)).total).toBe(11);
      // Names and counts of tag and author feeds are publish's (RenderLedger.saveFeedMeta).
      expect(await table.listFeedMetas()).toEqual([]);
      expect(await table.getFeedMeta('tag/x')).toBeUndefined();
    });

    it('keeps a removed article as a tombstone whose revision goes on counting', async () => {
      const table = await makeTable();
      await saveArticle(table, testArticle('a', { tags: labels('X') }));
      await removeArticle(table, 'a', '2026-02-01T00:00:00.000Z');
      const gone = await table.getArticle('a');
      expect(gone?.rev).toBe(2);
      // Readers saw it: the tombstone keeps its labels and the date it went, for its feeds.
      expect(gone?.article).toMatchObject({
        id: 'a',
        status: 'deleted',
        contentHtml: '',
        tags: labels('X'),
        withdrawn: { at: '2026-02-01T00:00:00.000Z' },
      });
      expect(await table.latestEntries('tag/x', 10)).toEqual([]);
      await table.commit({ articles: [planArticleWrite(gone, testArticle('a'))] });
      expect(await table.latestEntries('all', 10)).toEqual([{ id: 'a', rev: 3 }]);
      expect(await table.withdrawnEntries('gone:all', '', 10)).toEqual([]);
    });

    it("lists a feed's withdrawn stories from a date on, newest withdrawal first", async () => {
      const table = await makeTable();
      const days = ['2026-01-05', '2026-01-20', '2026-01-10', '2026-01-01'];
      for (const [i, day] of days.entries()) {
        await saveArticle(table, testArticle(`w${i}`, { tags: labels(i % 2 ? 'Odd' : 'Even') }));
        await removeArticle(table, `w${i}`, `${day}T00:00:00.000Z`);
      }
      await saveArticle(table, testArticle('live', { tags: labels('Odd') }));

      expect(await table.withdrawnEntries('gone:all', '2026-01-05', 10)).toEqual([
        { id: 'w1', rev: 2 },
        { id: 'w2', rev: 2 },
        { id: 'w0', rev: 2 },
      ]);
      expect(await table.withdrawnEntries('gone:all', '2026-01-05', 2)).toHaveLength(2);
      expect(await table.withdrawnEntries('gone:tag/odd', '', 10)).toEqual([
        { id: 'w1', rev: 2 },
        { id: 'w3', rev: 2 },
      ]);
      // The live list does not see them, nor they the live one.
      expect(await table.latestEntries('tag/odd', 10)).toEqual([{ id: 'live', rev: 1 }]);
    });

    it("lists a day's entries oldest first, across all partitions, each with its article's last change", async () => {
      const table = await makeTable();
      const hour = (day: number, h: number) =>
        at(day).replace('T00', `T${String(h).padStart(2, '0')}`);
      for (let i = 0; i < 12; i++)
        await saveArticle(
          table,
          testArticle(`s${i}`, { published: hour(5, 23 - i), updated: hour(5, 23 - i) }),
        );
      await saveArticle(table, testArticle('before', { published: hour(4, 23) }));
      await saveArticle(table, testArticle('after', { published: at(6) }));
      // A revision moves the last change; the entry keeps its place.
      await saveArticle(table, testArticle('s3', { published: hour(5, 20), updated: at(9) }));

      const day = await table.entriesStartingWith('all', '2026-01-05');

      expect(day.map((e) => e.id)).toEqual(Array.from({ length: 12 }, (_, i) => `s${11 - i}`));
      expect(day.find((e) => e.id === 's3')).toEqual({ id: 's3', rev: 2, updated: at(9) });
      expect(day.find((e) => e.id === 's0')).toEqual({ id: 's0', rev: 1, updated: hour(5, 23) });
      expect(await table.entriesStartingWith('all', '2026-01-07')).toEqual([]);
    });

    it("lists a feed's entries since a date, newest first, the site feed's with their story's headline", async () => {
      const table = await makeTable();
      const hour = (h: number) => at(5).replace('T00', `T${String(h).padStart(2, '0')}`);
      for (let i = 0; i < 12; i++)
        await saveArticle(
          table,
          testArticle(`s${i}`, { published: hour(i), tags: labels('X'), title: `Story ${i}` }),
        );
      await saveArticle(table, testArticle('fr', { published: hour(20), language: 'fr-FR' }));
      await saveArticle(table, testArticle('old', { published: at(1) }));
      // A revision retitles its entry.
      await saveArticle(table, testArticle('s3', { published: hour(3), title: 'Retitled' }));

      const since = await table.entriesSince('all', at(5), 5);

      expect(since).toEqual([
        { id: 'fr', rev: 1, sortKey: `${hour(20)}#fr`, title: 'Title of fr', language: 'fr-FR' },
        ...[11, 10, 9, 8].map((i) => ({
          id: `s${i}`,
          rev: 1,
          sortKey: `${hour(i)}#s${i}`,
          title: `Story ${i}`,
        })),
      ]);
      const all = await table.entriesSince('all', at(5), 100);
      expect(all.map((e) => e.id)).toEqual([
        'fr',
        ...Array.from({ length: 12 }, (_, i) => `s${11 - i}`),
      ]);
      expect(all.find((e) => e.id === 's3')).toMatchObject({ rev: 2, title: 'Retitled' });
      // A tag's entries name their story only.
      expect((await table.entriesSince('tag/x', at(5), 1))[0]).toEqual({
        id: 's11',
        rev: 1,
        sortKey: `${hour(11)}#s11`,
      });
    });

    it('reads headlines (the fields listings and sitemaps show, no content) in the order asked, past 100 ids', async () => {
      const table = await makeTable();
      await saveArticle(table, testArticle('a', { title: 'A', language: 'de', updated: at(3) }));
      await saveArticle(table, testArticle('b', { title: 'B', summary: 'Not a headline field' }));
      const missing = Array.from({ length: 100 }, (_, i) => `missing-${i}`);

      const headlines = await table.getHeadlines(['b', ...missing, 'a']);

      expect(headlines).toEqual([
        { id: 'b', title: 'B', published: at(1), updated: at(1), status: 'live' },
        { id: 'a', title: 'A', published: at(1), updated: at(3), language: 'de', status: 'live' },
      ]);
      expect(await table.getHeadlines([])).toEqual([]);
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

    it('reads articles at the revisions their entries name, or later ones, in the order asked', async () => {
      const table = await makeTable();
      await saveArticle(table, testArticle('a', { title: 'First' }));
      await saveArticle(table, testArticle('b'));
      await saveArticle(table, testArticle('a', { title: 'Second' }));
      const entries = await table.latestEntries('all', 10);
      const revs = new Map(entries.map((e) => [e.id, e.rev]));
      expect(Object.fromEntries(revs)).toEqual({ a: 2, b: 1 });

      const found = await table.getArticles(['b', 'missing', 'a'], [1, 1, 1]);

      // `a` at revision 1 or later: its latest, as a strongly consistent read gives it.
      expect(found.map((s) => [s.article.id, s.rev, s.article.title])).toEqual([
        ['b', 1, testArticle('b').title],
        ['a', 2, 'Second'],
      ]);
      expect(await table.getArticles(['a', 'b'], [2, 1])).toEqual(
        await table.getArticles(['a', 'b']),
      );
    });

    it('refuses what DynamoDB refuses: a repeated id in one read, a limit below 1', async () => {
      const table = await makeTable();
      await saveArticle(table, testArticle('a'));
      const invalid = { name: 'ValidationException' };
      await expect(table.getArticles(['a', 'a'])).rejects.toMatchObject(invalid);
      await expect(table.latestEntries('all', 0)).rejects.toMatchObject(invalid);
      await expect(table.feedHead('all', 0)).rejects.toMatchObject(invalid);
      await expect(table.dueScheduled(at(1), 0)).rejects.toMatchObject(invalid);
    });
  });
}
