import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import { releaseDue } from '../../../shared/release/release-due.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { labels, saveArticle, testArticle } from '../../support/fakes/articles.ts';

const NOW = new Date('2026-06-05T00:00:00.000Z');

function scheduled(id: string, published: string, patch: Partial<Article> = {}): Article {
  return testArticle(id, { status: 'scheduled', published, updated: published, ...patch });
}

async function tableWith(...articles: Article[]) {
  const store = new InMemoryArticleTable();
  for (const article of articles) await saveArticle(store, article);
  store.takeChanges();
  return store;
}

describe('releaseDue on the in-memory table', () => {
  it('makes due articles live in their feeds, oldest first, and leaves the others waiting', async () => {
    const store = await tableWith(
      scheduled('later', '2026-06-03T00:00:00.000Z', { tags: labels('X') }),
      scheduled('sooner', '2026-06-02T00:00:00.000Z'),
      scheduled('future', '2026-07-01T00:00:00.000Z', { tags: labels('X') }),
    );

    const { released } = await releaseDue({ store, now: () => NOW });

    expect(released).toEqual(['sooner', 'later']);
    expect((await store.getArticle('later'))?.article.status).toBe('live');
    expect(await store.latestEntries('all', 10)).toEqual([
      { id: 'later', rev: 2 },
      { id: 'sooner', rev: 2 },
    ]);
    expect((await store.feedPage('tag/x', 5)).total).toBe(1);
    expect((await store.getArticle('future'))?.article.status).toBe('scheduled');
    expect(await store.dueScheduled('2026-12-31T00:00:00.000Z', 10)).toEqual(['future']);
    // The stream carries each release to publish like any other change.
    expect(
      store.takeChanges().map((c) => [c.after?.id, c.before?.status, c.after?.status]),
    ).toEqual([
      ['sooner', 'scheduled', 'live'],
      ['later', 'scheduled', 'live'],
    ]);
  });

  it('withdraws a live story whose expiry has passed, telling its feeds; one still due waits', async () => {
    const store = await tableWith(
      testArticle('offer', { expires: '2026-06-04T00:00:00.000Z', tags: labels('Deals') }),
      testArticle('sale', { expires: '2026-06-30T00:00:00.000Z' }),
    );

    const { released, expired } = await releaseDue({ store, now: () => NOW });

    expect([released, expired]).toEqual([[], ['offer']]);
    // Dated when it left (this run, later than its expiry): readers get the whole window.
    expect((await store.getArticle('offer'))?.article).toMatchObject({
      status: 'withdrawn',
      withdrawn: { at: NOW.toISOString(), note: 'This story has expired.' },
    });
    expect(await store.latestEntries('all', 10)).toEqual([{ id: 'sale', rev: 1 }]);
    expect(await store.withdrawnEntries('gone:tag/deals', '2026-06-01', 10)).toEqual([
      { id: 'offer', rev: 2 },
    ]);
    expect(await store.dueScheduled('2026-12-31T00:00:00.000Z', 10)).toEqual(['sale']);
    expect((await releaseDue({ store, now: () => NOW })).expired).toEqual([]);
  });

  it('drains every due article in one run, a page of `batch` at a time', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `a${i}`);
    const store = await tableWith(
      ...ids.map((id, i) => scheduled(id, `2026-06-0${1 + (i % 4)}T00:00:0${i}.000Z`)),
      scheduled('future', '2026-07-01T00:00:00.000Z'),
    );
    const pages: number[] = [];
    store.beforeRead = (read) => {
      if (read === 'dueScheduled') pages.push(1);
    };

    const { released } = await releaseDue({ store, now: () => NOW, batch: 2 });

    expect([...released].sort()).toEqual(ids);
    // Pages of 2, 2, 2 and the last short one.
    expect(pages).toHaveLength(4);
    expect((await releaseDue({ store, now: () => NOW, batch: 2 })).released).toEqual([]);
    expect((await store.getArticle('future'))?.article.status).toBe('scheduled');
  });

  it('stops between pages when time runs out; the next run takes the rest', async () => {
    const store = await tableWith(
      scheduled('a', '2026-06-01T00:00:00.000Z'),
      scheduled('b', '2026-06-02T00:00:00.000Z'),
      scheduled('c', '2026-06-03T00:00:00.000Z'),
    );
    const deps = { store, now: () => NOW, batch: 2, timeLeft: () => false };

    expect((await releaseDue(deps)).released).toEqual(['a', 'b']);
    expect((await releaseDue(deps)).released).toEqual(['c']);
    expect((await releaseDue(deps)).released).toEqual([]);
  });

  it('leaves an article re-uploaded meanwhile to the next run, which releases the new version', async () => {
    const store = await tableWith(scheduled('a', '2026-06-01T00:00:00.000Z'));
    store.beforeCommit = async () => {
      const current = await store.getArticle('a');
      if (current?.article.title !== 'Re-uploaded')
        await saveArticle(
          store,
          scheduled('a', '2026-06-01T00:00:00.000Z', { title: 'Re-uploaded' }),
        );
    };

    const first = await releaseDue({ store, now: () => NOW });
    const second = await releaseDue({ store, now: () => NOW });

    expect(first.released).toEqual([]);
    expect(second.released).toEqual(['a']);
    expect(await store.getArticle('a')).toMatchObject({
      rev: 3,
      article: { status: 'live', title: 'Re-uploaded' },
    });
  });

  it('does not release an article made a draft meanwhile', async () => {
    const store = await tableWith(scheduled('a', '2026-06-01T00:00:00.000Z'));
    store.beforeCommit = () =>
      saveArticle(store, scheduled('a', '2026-06-01T00:00:00.000Z', { status: 'draft' })).then(
        () => undefined,
      );

    expect((await releaseDue({ store, now: () => NOW })).released).toEqual([]);
    store.beforeCommit = undefined;
    expect((await releaseDue({ store, now: () => NOW })).released).toEqual([]);
    expect((await store.getArticle('a'))?.article.status).toBe('draft');
    expect(await store.latestEntries('all', 10)).toEqual([]);
  });

  it('does not release an article re-dated or made a draft between listing and reading it', async () => {
    const store = await tableWith(
      scheduled('redated', '2026-06-01T00:00:00.000Z'),
      scheduled('drafted', '2026-06-02T00:00:00.000Z'),
    );
    store.beforeRead = async (read) => {
      if (read !== 'getArticle') return;
      store.beforeRead = undefined;
      await saveArticle(store, scheduled('redated', '2026-08-01T00:00:00.000Z'));
      await saveArticle(
        store,
        scheduled('drafted', '2026-06-02T00:00:00.000Z', { status: 'draft' }),
      );
    };

    expect((await releaseDue({ store, now: () => NOW })).released).toEqual([]);
    expect((await store.getArticle('redated'))?.article.status).toBe('scheduled');
    expect((await store.getArticle('drafted'))?.article.status).toBe('draft');
    expect(await store.latestEntries('all', 10)).toEqual([]);
  });

  it('lets a failure that is not a conflict through', async () => {
    const store = await tableWith(scheduled('a', '2026-06-01T00:00:00.000Z'));
    store.beforeCommit = () => {
      throw new Error('DynamoDB is down');
    };

    await expect(releaseDue({ store, now: () => NOW })).rejects.toThrow('DynamoDB is down');
    expect((await store.getArticle('a'))?.article.status).toBe('scheduled');
  });
});
