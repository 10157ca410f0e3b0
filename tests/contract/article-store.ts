import { describe, expect, it } from 'vitest';
import {
  type ArticleWrite,
  planArticleWrite,
  withUnseenBytes,
} from '../../shared/articles/stored.ts';
import {
  type ArticleStore,
  StaleWriteError,
  WriteTooLargeError,
} from '../../shared/ports/article-store.ts';
import {
  labels,
  removeArticle,
  saveArticle,
  testArticle,
  testSource,
} from '../support/fakes/articles.ts';

const refusedAsInvalid = { name: 'ValidationException' };

/**
 * What ingest and release rely on from the table, for any ArticleStore: run against the
 * DynamoDB adapter and the in-memory fake alike, so the two cannot disagree.
 */
export function articleStoreContract(name: string, makeStore: () => Promise<ArticleStore>) {
  describe(`${name} as an ArticleStore`, () => {
    it('reads nothing for a key or an id it never saw', async () => {
      const store = await makeStore();
      expect(await store.getSource('articles/none.md')).toBeUndefined();
      expect(await store.getArticle('none')).toBeUndefined();
    });

    it('round-trips a source record and an article written in one commit', async () => {
      const store = await makeStore();
      const record = testSource('articles/a.md', {
        id: 'a',
        contentHash: 'h1',
        report: {
          key: 'articles/a.md',
          versionId: 'v1',
          sequencer: '01',
          eventTime: '2026-01-01T00:00:00.000Z',
          status: 'published',
          id: 'a',
          title: 'Title of a',
          warnings: ['tags capped at 12'],
        },
      });
      const article = testArticle('a', {
        tags: labels('Économie', 'War'),
        authors: [
          { slug: 'ann', name: 'Ann', email: 'ann@example.com', url: 'https://ann.example/' },
        ],
        image: 'https://news.example.com/a.png',
        link: 'https://elsewhere.example/a',
        language: 'fr',
      });

      await store.commit({ source: { record }, articles: [planArticleWrite(undefined, article)] });

      expect(await store.getSource('articles/a.md')).toEqual(record);
      const stored = await store.getArticle('a');
      expect(stored).toEqual({ article, rev: 1 });
      // What a caller does with what it read is not the table's business.
      if (stored) stored.article.title = 'changed by the caller';
      expect((await store.getArticle('a'))?.article.title).toBe('Title of a');
    });

    it("finds the story an upload's bytes made last, alone or in one read with an article", async () => {
      const store = await makeStore();
      expect(await store.findByBody('b1')).toBeUndefined();
      expect(await store.getArticleAndBody('a', 'b1')).toEqual({});
      const a = testArticle('a', { bodyHash: 'b1' });
      await store.commit({ articles: [planArticleWrite(undefined, a)] });
      const b = testArticle('b', { bodyHash: 'b2' });
      await store.commit({ articles: [planArticleWrite(undefined, b)] });
      expect(await store.findByBody('b1')).toBe('a');
      expect(await store.getArticleAndBody('a', 'b1')).toEqual({
        article: { article: a, rev: 1 },
        byBody: 'a',
      });
      expect(await store.getArticleAndBody('b', 'b1')).toEqual({
        article: { article: b, rev: 1 },
        byBody: 'a',
      });
      expect(await store.getArticleAndBody('none', 'b2')).toEqual({ byBody: 'b' });
      expect(await store.getArticleAndBody('a', 'none')).toEqual({
        article: { article: a, rev: 1 },
      });
      // The same bytes uploaded again under another story: it is the one they made last.
      const c = testArticle('c', { bodyHash: 'b1' });
      await store.commit({ articles: [planArticleWrite(undefined, c)] });
      expect(await store.findByBody('b1')).toBe('c');
      expect((await store.getArticleAndBody('a', 'b1')).byBody).toBe('c');
    });

    it('reads the source records of many keys in one call, each once, the keys never seen left out', async () => {
      const store = await makeStore();
      // More keys than one DynamoDB BatchGetItem takes (100).
      const keys = Array.from({ length: 130 }, (_, i) => `articles/${i}.md`);
      const seen = [keys[0], keys[99], keys[100], keys[129]].map((key, i) =>
        testSource(key ?? '', { id: `a${i}`, revision: i + 1 }),
      );
      for (const record of seen) await store.commit({ source: { record }, articles: [] });

      const found = await store.getSources([...keys, keys[99] ?? '']);

      expect([...found.keys()].sort()).toEqual(seen.map((r) => r.key).sort());
      for (const record of seen) expect(found.get(record.key)).toEqual(record);
      expect(await store.getSources([])).toEqual(new Map());
      expect(await store.getSources(['articles/none.md'])).toEqual(new Map());
      // What a caller does with what it read is not the table's business.
      const mine = found.get(seen[0]?.key ?? '');
      if (mine) mine.revision = 99;
      expect((await store.getSources([seen[0]?.key ?? ''])).get(seen[0]?.key ?? '')).toEqual(
        seen[0],
      );
    });

    it('commits a write planned for bytes never seen only while no story was made of them', async () => {
      const store = await makeStore();
      const a = testArticle('a', { bodyHash: 'b1' });
      await store.commit({ articles: [withUnseenBytes(planArticleWrite(undefined, a), 'b1')] });
      expect(await store.findByBody('b1')).toBe('a');

      // The same bytes, planned as new at another key: refused, the whole change with it.
      const source = { record: testSource('articles/b.md', { id: 'b' }) };
      const b = testArticle('b', { bodyHash: 'b1' });
      await expect(
        store.commit({ source, articles: [withUnseenBytes(planArticleWrite(undefined, b), 'b1')] }),
      ).rejects.toThrow(StaleWriteError);
      // Checked even when the write indexes other bytes (or none).
      const c = testArticle('c', { bodyHash: 'b2' });
      await expect(
        store.commit({ source, articles: [withUnseenBytes(planArticleWrite(undefined, c), 'b1')] }),
      ).rejects.toThrow(StaleWriteError);
      expect(await store.getSource('articles/b.md')).toBeUndefined();
      expect(await store.getArticle('b')).toBeUndefined();
      expect(await store.getArticle('c')).toBeUndefined();
      expect(await store.findByBody('b1')).toBe('a');
      expect(await store.findByBody('b2')).toBeUndefined();

      // Bytes nobody made a story of pass, whatever the write indexes.
      await store.commit({
        source,
        articles: [withUnseenBytes(planArticleWrite(undefined, c), 'b3')],
      });
      expect(await store.findByBody('b2')).toBe('c');
      expect(await store.findByBody('b3')).toBeUndefined();
      expect(await store.getSource('articles/b.md')).toEqual(source.record);
    });

    it('moves a source record on only from the revision it was read at', async () => {
      const store = await makeStore();
      const key = 'articles/a.md';
      await store.commit({ source: { record: testSource(key, { revision: 1 }) }, articles: [] });
      const next = testSource(key, { revision: 2, sequencer: '02' });
      await store.commit({ source: { record: next, previousRevision: 1 }, articles: [] });
      expect(await store.getSource(key)).toEqual(next);

      const later = (revision: number, id: string) => ({
        record: testSource(key, { revision, sequencer: '03' }),
        articles: [planArticleWrite(undefined, testArticle(id))],
      });
      // Planned as a first event, planned from an older revision, planned for a missing key.
      const { record: asNew, articles: a1 } = later(1, 'x1');
      await expect(store.commit({ source: { record: asNew }, articles: a1 })).rejects.toThrow(
        StaleWriteError,
      );
      const { record: fromOld, articles: a2 } = later(2, 'x2');
      await expect(
        store.commit({ source: { record: fromOld, previousRevision: 1 }, articles: a2 }),
      ).rejects.toThrow(StaleWriteError);
      const missing = testSource('articles/other.md', { revision: 2 });
      await expect(
        store.commit({ source: { record: missing, previousRevision: 1 }, articles: [] }),
      ).rejects.toThrow(StaleWriteError);

      // One transaction: the refused changes' articles were not written either.
      expect(await store.getSource(key)).toEqual(next);
      expect(await store.getSource('articles/other.md')).toBeUndefined();
      expect(await store.getArticle('x1')).toBeUndefined();
      expect(await store.getArticle('x2')).toBeUndefined();
    });

    it("refuses an article write planned against a revision that moved, and the change's source record with it", async () => {
      const store = await makeStore();
      const first = await saveArticle(store, testArticle('a'));
      const second = await saveArticle(store, testArticle('a', { title: 'Second' }));
      expect(second.rev).toBe(2);
      const source = { record: testSource('articles/a.md') };

      const stale: ArticleWrite[] = [
        planArticleWrite(undefined, testArticle('a', { title: 'As if new' })),
        planArticleWrite(first, testArticle('a', { title: 'From rev 1' })),
        planArticleWrite(first, undefined),
      ];
      for (const write of stale) {
        await expect(store.commit({ source, articles: [write] })).rejects.toThrow(StaleWriteError);
      }

      expect(await store.getArticle('a')).toEqual(second);
      expect(await store.getSource('articles/a.md')).toBeUndefined();
    });

    it('keeps tombstones: the deleted key remembers its id, the article item only its identity', async () => {
      const store = await makeStore();
      const key = 'articles/a.md';
      const live = testSource(key, { id: 'a', contentHash: 'h1' });
      await store.commit({
        source: { record: live },
        articles: [planArticleWrite(undefined, testArticle('a'))],
      });
      const stored = await store.getArticle('a');
      const { contentHash: _gone, ...kept } = live;
      const tombstone = { ...kept, revision: 2, sequencer: '02', deleted: true };

      await store.commit({
        source: { record: tombstone, previousRevision: 1 },
        articles: [planArticleWrite(stored, undefined)],
      });

      const record = await store.getSource(key);
      expect(record).toEqual(tombstone);
      expect(record).not.toHaveProperty('contentHash');
      const gone = await store.getArticle('a');
      expect(gone?.rev).toBe(2);
      expect(gone?.article).toMatchObject({ id: 'a', status: 'deleted', contentHtml: '' });
    });

    it('takes up to 100 items in one commit and refuses more with WriteTooLargeError', async () => {
      const store = await makeStore();
      // An article item, its site-feed entry, and an entry per tag (no shared meta item).
      const tags = (n: number) => labels(...Array.from({ length: n }, (_, i) => `t${i}`));
      const hundred = planArticleWrite(undefined, testArticle('a', { tags: tags(98) }));
      const tooMany = planArticleWrite(undefined, testArticle('b', { tags: tags(98) }));

      await store.commit({ articles: [hundred] });
      await expect(
        store.commit({ source: { record: testSource('articles/b.md') }, articles: [tooMany] }),
      ).rejects.toThrow(WriteTooLargeError);

      expect((await store.getArticle('a'))?.article.tags).toHaveLength(98);
      expect(await store.getArticle('b')).toBeUndefined();
      expect(await store.getSource('articles/b.md')).toBeUndefined();
    });

    it('refuses what DynamoDB refuses: an item twice, an empty change, an item over 400 KB', async () => {
      const store = await makeStore();
      const twice = [
        planArticleWrite(undefined, testArticle('a')),
        planArticleWrite(undefined, testArticle('a')),
      ];
      await expect(store.commit({ articles: twice })).rejects.toMatchObject(refusedAsInvalid);
      await expect(store.commit({ articles: [] })).rejects.toMatchObject(refusedAsInvalid);
      const huge = testArticle('huge', { contentHtml: 'x'.repeat(410 * 1024) });
      await expect(
        store.commit({ articles: [planArticleWrite(undefined, huge)] }),
      ).rejects.toMatchObject(refusedAsInvalid);
      expect(await store.getArticle('a')).toBeUndefined();
      expect(await store.getArticle('huge')).toBeUndefined();

      const big = testArticle('big', { contentHtml: 'x'.repeat(390 * 1024) });
      await store.commit({ articles: [planArticleWrite(undefined, big)] });
      expect((await store.getArticle('big'))?.article.contentHtml).toHaveLength(390 * 1024);
    });

    it('keeps media records under an optimistic lock, alone or beside an article', async () => {
      const store = await makeStore();
      const key = 'articles/a/lead.jpg';
      expect(await store.getMedia(key)).toBeUndefined();
      const published = { path: 'media/a/lead.0123456789ab.jpg', type: 'image/jpeg', size: 12 };
      await store.commit({
        articles: [],
        media: [{ record: { key, revision: 1, usedBy: [], published } }],
      });
      expect(await store.getMedia(key)).toEqual({ key, revision: 1, usedBy: [], published });
      const used = { key, revision: 2, usedBy: ['a'], published };
      await store.commit({
        articles: [planArticleWrite(undefined, testArticle('a'))],
        media: [{ record: used, previousRevision: 1 }],
      });
      expect(await store.getMedia(key)).toEqual(used);
      // A writer that read revision 1 is refused, and its article is not written.
      await expect(
        store.commit({
          articles: [planArticleWrite(undefined, testArticle('b'))],
          media: [{ record: { key, revision: 2, usedBy: ['b'] }, previousRevision: 1 }],
        }),
      ).rejects.toBeInstanceOf(StaleWriteError);
      expect(await store.getArticle('b')).toBeUndefined();
      await expect(
        store.commit({ articles: [], media: [{ record: { key, revision: 1, usedBy: [] } }] }),
      ).rejects.toBeInstanceOf(StaleWriteError);
      expect(await store.getMedia(key)).toEqual(used);
    });

    it('lists scheduled articles due by a time, oldest first, up to the limit', async () => {
      const store = await makeStore();
      const scheduled = (id: string, published: string) =>
        saveArticle(store, testArticle(id, { status: 'scheduled', published, updated: published }));
      await scheduled('late', '2026-03-01T00:00:00.000Z');
      await scheduled('second', '2026-02-01T00:00:00.000Z');
      await scheduled('b-first', '2026-01-15T00:00:00.000Z');
      await scheduled('a-first', '2026-01-15T00:00:00.000Z');
      await saveArticle(store, testArticle('live', { published: '2026-01-01T00:00:00.000Z' }));

      const now = '2026-02-01T00:00:00.000Z';
      expect(await store.dueScheduled(now, 10)).toEqual(['a-first', 'b-first', 'second']);
      expect(await store.dueScheduled(now, 2)).toEqual(['a-first', 'b-first']);
      expect(await store.dueScheduled('2026-01-01T00:00:00.000Z', 10)).toEqual([]);

      const stored = await store.getArticle('a-first');
      if (!stored) throw new Error('a-first is missing');
      await saveArticle(store, { ...stored.article, status: 'live' });
      await removeArticle(store, 'second');
      expect(await store.dueScheduled(now, 10)).toEqual(['b-first']);
    });
  });
}
