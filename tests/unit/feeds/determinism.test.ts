import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderArticlePage } from '../../../shared/feeds/article-page.ts';
import type { FeedListing } from '../../../shared/feeds/feed-listing.ts';
import { renderIndex } from '../../../shared/feeds/index-page.ts';
import { renderNotFound } from '../../../shared/feeds/not-found-page.ts';
import { renderOpml } from '../../../shared/feeds/opml.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { renderTagsPage } from '../../../shared/feeds/tags-page.ts';
import { article, latestArticles, site } from '../../fixtures/feeds/articles.ts';

const listings: FeedListing[] = [
  { feed: { kind: 'author', slug: 'sam-lee', name: 'Sam Lee' }, count: 1 },
  { feed: { kind: 'tag', slug: 'libya', name: 'Libya' }, count: 2 },
  { feed: { kind: 'all' }, count: 3 },
];

/** Everything the publish step renders, as one string per file. */
function renderAll(): string[] {
  const feeds = [
    renderFeed({ feed: { kind: 'all' }, site, articles: latestArticles }),
    renderFeed({ feed: { kind: 'all' }, site, articles: [] }),
    renderFeed({
      feed: { kind: 'tag', slug: 'libya', name: 'Libya' },
      site,
      articles: [article({ updated: 'bad' })],
    }),
  ].flatMap((f) => [f.rss, f.atom, f.json]);
  return [
    ...feeds,
    ...latestArticles.map((x) => renderArticlePage(x, site)),
    renderIndex(site, latestArticles, listings),
    renderTagsPage(site, listings),
    renderOpml(site, listings),
    renderNotFound(site),
  ];
}

describe('rendering is deterministic', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives byte-identical output for the same input', () => {
    expect(renderAll()).toEqual(renderAll());
  });

  it('does not depend on the clock', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2001-02-03T04:05:06Z'));
    const early = renderAll();
    vi.setSystemTime(new Date('2033-12-31T23:59:59Z'));
    const late = renderAll();
    expect(late).toEqual(early);
    for (const text of early) expect(text).not.toMatch(/2001|2033/);
  });

  it('does not depend on the order listings are given in', () => {
    const reversed = [...listings].reverse();
    expect(renderOpml(site, reversed)).toBe(renderOpml(site, listings));
    expect(renderTagsPage(site, reversed)).toBe(renderTagsPage(site, listings));
  });
});
