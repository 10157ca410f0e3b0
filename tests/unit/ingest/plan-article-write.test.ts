import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import { planArticleWrite } from '../../../shared/articles/stored.ts';

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
  it('adds a new live article to the site, tag and author feeds; tag and author counts +1', () => {
    const plan = planArticleWrite(undefined, article());
    expect(feeds(plan.entries.put)).toEqual(['all', 'author/ann', 'tag/x', 'tag/y']);
    expect(plan.entries.put.every((e) => e.rev === 1)).toBe(true);
    expect(plan.entries.delete).toEqual([]);
    expect(feeds(plan.feedMeta)).toEqual(['author/ann', 'tag/x', 'tag/y']);
    expect(plan.feedMeta.map((m) => m.countDelta)).toEqual([1, 1, 1]);
    expect(plan.expectedRev).toBeUndefined();
    expect(plan.put?.rev).toBe(1);
  });

  it('on a content change rewrites every entry with the new revision, counts untouched', () => {
    const plan = planArticleWrite(
      { article: article(), rev: 3 },
      article({ title: 'B', contentHash: 'h2' }),
    );
    expect(feeds(plan.entries.put)).toEqual(['all', 'author/ann', 'tag/x', 'tag/y']);
    expect(plan.entries.put.every((e) => e.rev === 4)).toBe(true);
    expect(plan.entries.delete).toEqual([]);
    expect(plan.feedMeta).toEqual([]);
    expect(plan.expectedRev).toBe(3);
    expect(plan.put?.rev).toBe(4);
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
    const deltas = Object.fromEntries(
      plan.feedMeta.map((m) => [m.feed.kind === 'all' ? 'all' : m.feed.slug, m.countDelta]),
    );
    expect(deltas).toEqual({ y: -1, z: 1 });
  });

  it('re-keys every entry when the published date changes', () => {
    const plan = planArticleWrite(
      { article: article(), rev: 1 },
      article({ published: '2026-02-01T00:00:00.000Z' }),
    );
    expect(plan.entries.put).toHaveLength(4);
    expect(plan.entries.delete).toHaveLength(4);
    expect(plan.feedMeta).toEqual([]);
  });

  it('removes a deleted article from every feed', () => {
    const plan = planArticleWrite({ article: article(), rev: 2 }, undefined);
    expect(plan.deleteId).toBe('a');
    expect(plan.entries.delete).toHaveLength(4);
    expect(plan.feedMeta.map((m) => m.countDelta)).toEqual([-1, -1, -1]);
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
