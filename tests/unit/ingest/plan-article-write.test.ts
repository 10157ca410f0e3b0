import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import { isGone, planArticleWrite } from '../../../shared/articles/stored.ts';

const article = (patch: Partial<Article> = {}): Article => ({
  id: 'a',
  guid: 'urn:uuid:0',
  sourceKey: 'articles/a.md',
  title: 'A',
  summary: '',
  contentHtml: '<p>A</p>',
  tags: [
    { slug: 'x', name: 'X' },
    { slug: 'y', name: 'Y' },
  ],
  authors: [{ slug: 'ann', name: 'Ann' }],
  published: '2026-01-01T00:00:00.000Z',
  updated: '2026-01-01T00:00:00.000Z',
  status: 'live',
  contentHash: 'h1',
  ...patch,
});

const feeds = (entries: readonly { feed: { kind: string; slug?: string } }[]) =>
  entries.map((e) => (e.feed.slug ? `${e.feed.kind}/${e.feed.slug}` : e.feed.kind)).sort();

describe('planArticleWrite', () => {
  // Feed metas (tag and author counts) are publish's: no plan carries one, so the points
  // about count deltas became points about which feeds an article's entries join and leave.
  it('adds a new live article to the site, tag and author feeds', () => {
    const plan = planArticleWrite(undefined, article());
    expect(feeds(plan.entries.put)).toEqual(['all', 'author/ann', 'tag/x', 'tag/y']);
    expect(plan.entries.put.every((e) => e.rev === 1)).toBe(true);
    expect(plan.entries.delete).toEqual([]);
    expect(plan.expectedRev).toBeUndefined();
    expect(plan.put).toEqual({ article: article(), rev: 1 });
    // No count change rides along: publish keeps the metas, so ingests share no item.
    expect(plan).not.toHaveProperty('feedMeta');
    expect(plan).not.toHaveProperty('deleteId');
  });

  it('on a content change rewrites every entry with the new revision, in the same feeds', () => {
    const plan = planArticleWrite(
      { article: article(), rev: 3 },
      article({ title: 'B', contentHash: 'h2' }),
    );
    expect(feeds(plan.entries.put)).toEqual(['all', 'author/ann', 'tag/x', 'tag/y']);
    expect(plan.entries.put.every((e) => e.rev === 4)).toBe(true);
    expect(plan.entries.delete).toEqual([]);
    expect(plan.expectedRev).toBe(3);
    expect(plan.put.rev).toBe(4);
  });

  it('moves a dropped tag out and a new tag in', () => {
    const plan = planArticleWrite(
      { article: article(), rev: 1 },
      article({
        tags: [
          { slug: 'x', name: 'X' },
          { slug: 'z', name: 'Z' },
        ],
      }),
    );
    expect(feeds(plan.entries.delete)).toEqual(['tag/y']);
    expect(feeds(plan.entries.put)).toEqual(['all', 'author/ann', 'tag/x', 'tag/z']);
    // The old entry goes as it was written (rev 1); the kept feeds are rewritten in place.
    expect(plan.entries.delete).toEqual([
      {
        feed: { kind: 'tag', slug: 'y', name: 'Y' },
        list: 'live',
        sortKey: '2026-01-01T00:00:00.000Z#a',
        id: 'a',
        rev: 1,
        updated: '2026-01-01T00:00:00.000Z',
      },
    ]);
  });

  it('re-keys every entry when the published date changes', () => {
    const plan = planArticleWrite(
      { article: article(), rev: 1 },
      article({ published: '2026-02-01T00:00:00.000Z' }),
    );
    expect(plan.entries.put).toHaveLength(4);
    expect(plan.entries.delete).toHaveLength(4);
    expect(feeds(plan.entries.delete)).toEqual(feeds(plan.entries.put));
  });

  it('removes a deleted article from every feed and leaves a tombstone without content', () => {
    const before = {
      article: article({ image: 'https://example.com/a.png', link: 'https://example.com/a' }),
      rev: 2,
    };
    const at = '2026-03-01T10:00:00.000Z';
    const plan = planArticleWrite(before, undefined, at);
    expect(feeds(plan.entries.delete)).toEqual(['all', 'author/ann', 'tag/x', 'tag/y']);
    expect(plan.entries.delete.every((e) => e.list === 'live')).toBe(true);
    // Readers saw it: each of its feeds lists it as withdrawn, dated when the file went.
    expect(feeds(plan.entries.put)).toEqual(['all', 'author/ann', 'tag/x', 'tag/y']);
    expect(plan.entries.put.every((e) => e.list === 'gone' && e.sortKey === `${at}#a`)).toBe(true);
    expect(plan.expectedRev).toBe(2);
    expect(plan.put.rev).toBe(3);
    const { image: _image, link: _link, ...identity } = before.article;
    expect(plan.put.article).toEqual({
      ...identity,
      status: 'deleted',
      summary: '',
      contentHtml: '',
      withdrawn: { at },
    });
    expect(plan.put.article).not.toHaveProperty('image');
    expect(plan.put.article).not.toHaveProperty('link');
    expect(isGone(plan.put)).toBe(true);
    expect(isGone(before)).toBe(false);
    expect(isGone(undefined)).toBe(true);
  });

  it('takes a scheduled article off the schedule when it is deleted', () => {
    const plan = planArticleWrite({ article: article({ status: 'scheduled' }), rev: 1 }, undefined);
    expect(plan.schedule).toEqual({
      put: undefined,
      delete: { sortKey: '2026-01-01T00:00:00.000Z#a', id: 'a' },
    });
    // Never public: it leaves no trace in any feed.
    expect(plan.entries).toEqual({ put: [], delete: [] });
    expect(plan.put.article.status).toBe('deleted');
    expect(plan.put.article).not.toHaveProperty('withdrawn');
    expect(plan.put.article.tags).toEqual([]);
  });

  it('continues the revision when a file comes back after a tombstone', () => {
    const tombstone = planArticleWrite({ article: article(), rev: 5 }, undefined).put;
    const plan = planArticleWrite(tombstone, article({ title: 'Back' }));
    // Revisions never restart: `a@1` after a re-upload can never pass for the old `a@1`.
    expect(plan.expectedRev).toBe(6);
    expect(plan.put.rev).toBe(7);
    expect(plan.put.article.title).toBe('Back');
    expect(feeds(plan.entries.put)).toEqual(['all', 'author/ann', 'tag/x', 'tag/y']);
    expect(plan.entries.put.every((e) => e.rev === 7 && e.list === 'live')).toBe(true);
    // Back in its feeds, it is no longer listed as withdrawn.
    expect(feeds(plan.entries.delete)).toEqual(['all', 'author/ann', 'tag/x', 'tag/y']);
    expect(plan.entries.delete.every((e) => e.list === 'gone')).toBe(true);
    expect(plan.schedule).toEqual({ put: undefined, delete: undefined });
  });

  it('refuses a removal without the article it removes', () => {
    expect(() => planArticleWrite(undefined, undefined)).toThrow(/needs the article/);
  });

  it('keeps drafts out of feeds and schedules future articles', () => {
    expect(planArticleWrite(undefined, article({ status: 'draft' })).entries.put).toEqual([]);
    const scheduled = planArticleWrite(undefined, article({ status: 'scheduled' }));
    expect(scheduled.entries.put).toEqual([]);
    expect(scheduled.schedule.put).toEqual({ sortKey: '2026-01-01T00:00:00.000Z#a', id: 'a' });
    const released = planArticleWrite(
      { article: article({ status: 'scheduled' }), rev: 1 },
      article(),
    );
    expect(released.schedule.delete?.id).toBe('a');
    expect(released.entries.put).toHaveLength(4);
  });
});
