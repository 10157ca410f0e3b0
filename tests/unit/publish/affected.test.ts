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
});
