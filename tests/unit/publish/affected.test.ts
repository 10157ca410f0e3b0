import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import { affectedBy } from '../../../shared/publish/affected.ts';

const article = (id: string, tags: string[], status: Article['status'] = 'live'): Article => ({
  id,
  guid: `urn:uuid:${id}`,
  sourceKey: `articles/${id}.md`,
  title: id,
  summary: '',
  contentHtml: '',
  tags: tags.map((t) => ({ slug: t, name: t })),
  authors: [],
  published: '2026-01-01T00:00:00.000Z',
  updated: '2026-01-01T00:00:00.000Z',
  status,
  contentHash: id,
});

describe('affectedBy coalesces a stream batch', () => {
  it('names each feed and page once however many changes touch it', () => {
    const changes = Array.from({ length: 500 }, (_, i) => ({
      recordId: String(i),
      after: article(`a${i % 50}`, ['x', `t${i % 3}`]),
    }));
    const affected = affectedBy(changes);
    expect([...affected.feeds.keys()].sort()).toEqual([
      'all',
      'tag/t0',
      'tag/t1',
      'tag/t2',
      'tag/x',
    ]);
    expect(affected.pages.size).toBe(50);
    expect(affected.feeds.get('tag/t0')?.causes).toHaveLength(167);
  });

  it('includes the feeds an article left and the site feed even for drafts', () => {
    const affected = affectedBy([
      { recordId: '1', before: article('a', ['old']), after: article('a', ['new'], 'draft') },
    ]);
    expect([...affected.feeds.keys()].sort()).toEqual(['all', 'tag/old']);
    expect([...affected.pages.keys()]).toEqual(['a']);
  });

  it('marks a day whose sitemap lost a story, not one whose stories only changed or came', () => {
    const on = (day: string, a: Article): Article => ({ ...a, published: `${day}T08:00:00.000Z` });
    const affected = affectedBy([
      // Edited in place, published on the 1st.
      {
        recordId: '1',
        before: on('2026-01-01', article('a', [])),
        after: on('2026-01-01', article('a', [])),
      },
      // New on the 2nd.
      { recordId: '2', after: on('2026-01-02', article('b', [])) },
      // Withdrawn from the 3rd.
      {
        recordId: '3',
        before: on('2026-01-03', article('c', [])),
        after: on('2026-01-03', article('c', [], 'withdrawn')),
      },
      // Redated from the 4th to the 5th.
      {
        recordId: '4',
        before: on('2026-01-04', article('d', [])),
        after: on('2026-01-05', article('d', [])),
      },
    ]);
    const removed = Object.fromEntries([...affected.days.values()].map((d) => [d.day, d.removed]));
    expect(removed).toEqual({
      '2026-01-01': false,
      '2026-01-02': false,
      '2026-01-03': true,
      '2026-01-04': true,
      '2026-01-05': false,
    });
  });
});
