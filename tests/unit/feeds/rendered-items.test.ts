import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import type { FeedInput } from '../../../shared/feeds/feed-view.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { RenderedItems } from '../../../shared/feeds/rendered-items.ts';
import { site } from '../../fixtures/feeds/articles.ts';
import { hostileCases } from '../../fixtures/feeds/hostile-articles.ts';
import { testArticle } from '../../support/fakes/articles.ts';
import { canonicalJson } from './feed-checks.ts';

/**
 * A publish container keeps the feed items it wrote (RenderedItems) and takes them instead of
 * writing them again: the documents must be the very bytes a render that writes every item
 * gives, whichever feed, position or render wrote an item first.
 */

const day = (n: number) => `2026-03-${String(28 - n).padStart(2, '0')}T08:00:00.000Z`;
const stories: Article[] = Array.from({ length: 12 }, (_, n) =>
  testArticle(`story-${n}`, {
    title: `Story ${n}: <b>bold</b> & ]]> \u2028 line`,
    summary: `Summary ${n} \u2029 ]]>`,
    contentHtml: `<p>Story ${n}</p>\n<p>"quoted" \u2028 and ]]> and \\ backslash</p>`,
    tags: [
      { slug: `tag-${n % 3}`, name: `Tag ${n % 3}` },
      { slug: 'all-of-them', name: 'All <of> them' },
    ],
    ...(n % 4 === 0 ? { image: `https://news.example.com/media/${n}.png` } : {}),
    published: day(n),
    updated: day(n),
  }),
);

/** Feeds that share stories at other positions, as a site feed, a tag feed and archives do. */
const inputs: FeedInput[] = [
  { feed: { kind: 'all' }, site, articles: stories.slice(0, 8) },
  { feed: { kind: 'all' }, site, articles: stories.slice(1, 9) },
  {
    feed: { kind: 'tag', slug: 'all-of-them', name: 'All <of> them' },
    site,
    articles: stories.filter((_, n) => n % 2 === 0),
  },
  {
    feed: { kind: 'all' },
    site: { ...site, hubs: ['https://hub.example.com/'] },
    articles: stories.slice(4),
    archive: { page: '2026-03-20-abc', newer: '2026-03-24-def' },
  },
  { feed: { kind: 'all' }, site, articles: [...stories].reverse() },
  // The same article objects under other settings: summaries only, another address.
  { feed: { kind: 'all' }, site: { ...site, feedContent: 'summary' }, articles: stories },
  {
    feed: { kind: 'all' },
    site: { ...site, url: 'https://other.example.org/news/' },
    articles: stories,
  },
  { feed: { kind: 'all' }, site, articles: stories.slice(0, 1) },
  { feed: { kind: 'all' }, site, articles: [] },
  ...hostileCases.map((c) => ({
    feed: c.feed,
    site: { ...site, ...c.site },
    articles: c.articles,
  })),
];

describe('feed items kept between renders', () => {
  it('give the same bytes as writing every item, in any order of renders', () => {
    const written = new RenderedItems();
    const fresh = inputs.map((input) => renderFeed(input));
    // Twice over, the second time with every item already kept, and once backwards.
    for (const order of [inputs, inputs, [...inputs].reverse()])
      for (const input of order)
        expect(renderFeed(input, written)).toEqual(fresh[inputs.indexOf(input)]);
    expect(written.size.items).toBeGreaterThan(0);
  });

  it('writes the JSON Feed exactly as JSON.stringify with an indent of 2 (the < of a <script escaped)', () => {
    for (const input of inputs) {
      const { json } = renderFeed(input, new RenderedItems());
      expect(json).toBe(canonicalJson(JSON.parse(json)));
    }
  });

  it('writes only the new story when a feed moves on by one', () => {
    const written = new RenderedItems();
    renderFeed({ feed: { kind: 'all' }, site, articles: stories.slice(1, 9) }, written);
    const before = written.size.items;
    const next = { feed: { kind: 'all' } as const, site, articles: stories.slice(0, 8) };
    expect(renderFeed(next, written)).toEqual(renderFeed(next));
    // Atom and JSON Feed: the new story; RSS writes its first item with the channel, so the one
    // the new story pushed down is kept now.
    expect(written.size.items - before).toBe(3);
  });

  it('shortens the same items when full content is over the size limit', () => {
    const big = 'x'.repeat(300_000);
    const heavy = stories.slice(0, 9).map((story) => ({
      ...story,
      contentHtml: `<p>${big}</p>`,
    }));
    const input: FeedInput = { feed: { kind: 'all' }, site, articles: heavy };
    const written = new RenderedItems();
    const fresh = renderFeed(input);
    expect(fresh.json.length).toBeLessThan(2_000_000);
    expect(renderFeed(input, written)).toEqual(fresh);
    expect(renderFeed(input, written)).toEqual(fresh);
  });

  it('keeps apart stories that differ only in their content, or where it ends', () => {
    // The digest hashes the other fields' JSON, a line break, then the content as it is: a
    // summary ending in what a content could begin with must not meet that content.
    const written = new RenderedItems();
    const [one] = stories;
    if (!one) throw new Error('no story');
    const variants = [
      { ...one, contentHtml: '<p>A</p>' },
      { ...one, contentHtml: '<p>B</p>' },
      { ...one, summary: `${one.summary}\n<p>A</p>`, contentHtml: '' },
      { ...one, summary: `${one.summary}\n`, contentHtml: '<p>A</p>' },
    ];
    for (const variant of variants) {
      const input: FeedInput = {
        feed: { kind: 'all' },
        site,
        articles: [variant, ...stories.slice(1, 3)],
      };
      expect(renderFeed(input, written)).toEqual(renderFeed(input));
    }
  });

  it('writes characters beyond the BMP whole, wherever they fall in an item', () => {
    // Items are kept as UTF-8 and documents put together from pieces: a character cut between
    // two pieces would come out as two U+FFFD.
    const astral = stories.slice(0, 4).map((story, n) => ({
      ...story,
      title: `😀${story.title}𝄞`,
      summary: `𝄞${story.summary}😀`,
      contentHtml: `😀<p>${n}</p>𝄞`,
      tags: [{ slug: 'emoji', name: '😀 Emoji 𝄞' }],
    }));
    const written = new RenderedItems();
    for (const feed of [
      { kind: 'all' },
      { kind: 'tag', slug: 'emoji', name: '😀 Emoji 𝄞' },
    ] as const) {
      const input: FeedInput = { feed, site, articles: astral };
      const fresh = renderFeed(input);
      for (const text of Object.values(fresh)) {
        expect(text).not.toContain('\uFFFD');
        expect(text).toContain('😀');
      }
      expect(renderFeed(input, written)).toEqual(fresh);
      expect(renderFeed(input, written)).toEqual(fresh);
    }
  });

  it('keeps no more than its size, the least recently used going first', () => {
    const written = new RenderedItems(50_000);
    for (const input of inputs.slice(0, 5)) renderFeed(input, written);
    expect(written.size.bytes).toBeLessThanOrEqual(50_000);
    expect(written.size.items).toBeGreaterThan(0);
    // What it still has and what it let go both render right.
    for (const input of inputs.slice(0, 5))
      expect(renderFeed(input, written)).toEqual(renderFeed(input));
  });
});
