import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { site as SITE } from '../../fixtures/feeds/articles.ts';
import { testArticle } from '../../support/fakes/articles.ts';
import { jingProblems, writeTemp, xmllintProblems, xpathCount, xpathString } from './xml-tools.ts';

const TOMBSTONE =
  "*[local-name()='deleted-entry' and namespace-uri()='http://purl.org/atompub/tombstones/1.0']";

const withdrawn = (id: string, at: string, note?: string): Article =>
  testArticle(id, {
    status: 'withdrawn',
    withdrawn: { at, ...(note !== undefined ? { note } : {}) },
  });

describe('RFC 6721 deleted entries in Atom', () => {
  const live = testArticle('live', { title: 'Still here' });
  const gone = [
    withdrawn('legal', '2026-02-03T10:00:00.000Z', 'Legal <review> & "quotes" ]]>'),
    withdrawn('plain', '2026-02-01T10:00:00.000Z'),
  ];
  const out = renderFeed({ feed: { kind: 'all' }, site: SITE, articles: [live], withdrawn: gone });

  it('are valid Atom (jing, the RFC 4287 schema) and well-formed, with items and without', () => {
    const emptied = renderFeed({
      feed: { kind: 'tag', slug: 'x', name: 'X' },
      site: SITE,
      articles: [],
      withdrawn: gone,
    });
    const files = writeTemp({ 'with.xml': out.atom, 'only.xml': emptied.atom });
    const paths = Object.values(files);
    expect([...xmllintProblems(paths).values()].flat()).toEqual([]);
    expect([...jingProblems(paths).values()].flat()).toEqual([]);
  });

  it("name each withdrawn item by the id readers keyed it by, when, its page and the editor's note", () => {
    expect(xpathCount(out.atom, `/*/${TOMBSTONE}`)).toBe(2);
    expect(xpathString(out.atom, `/*/${TOMBSTONE}[1]/@ref`)).toBe('urn:uuid:test-legal');
    expect(xpathString(out.atom, `/*/${TOMBSTONE}[1]/@when`)).toBe('2026-02-03T10:00:00.000Z');
    expect(xpathString(out.atom, `/*/${TOMBSTONE}[1]/*[local-name()='comment']`)).toBe(
      'Legal <review> & "quotes" ]]>',
    );
    expect(xpathString(out.atom, `/*/${TOMBSTONE}[1]/*[local-name()='link']/@href`)).toBe(
      'https://news.example.com/articles/legal.html',
    );
    expect(xpathCount(out.atom, `/*/${TOMBSTONE}[2]/*[local-name()='comment']`)).toBe(0);
  });

  it("move the feed's own date of change when newer than its items, and date a feed of only withdrawals", () => {
    // The live item is older than the newest withdrawal: the feed changed when it was withdrawn.
    const older = testArticle('live', { updated: '2026-01-15T00:00:00.000Z' });
    const both = renderFeed({
      feed: { kind: 'all' },
      site: SITE,
      articles: [older],
      withdrawn: gone,
    });
    expect(xpathString(both.atom, "/*/*[local-name()='updated']")).toBe('2026-02-03T10:00:00.000Z');
    expect(parseFeed(both.rss).updated?.toISOString()).toBe('2026-02-03T10:00:00.000Z');
    const only = renderFeed({
      feed: { kind: 'tag', slug: 'x', name: 'X' },
      site: SITE,
      articles: [],
      withdrawn: gone,
    });
    expect(xpathString(only.atom, "/*/*[local-name()='updated']")).toBe('2026-02-03T10:00:00.000Z');
  });

  it('leave the listed items alone, in Atom as a reader parses it, and are Atom-only', () => {
    expect(parseFeed(out.atom).items.map((item) => item.id)).toEqual(['urn:uuid:test-live']);
    expect(out.rss).not.toContain('deleted');
    expect(out.json).not.toContain('legal');
  });

  it('never name an item the feed lists (a story withdrawn and published again)', () => {
    const again = renderFeed({
      feed: { kind: 'all' },
      site: SITE,
      articles: [testArticle('legal')],
      withdrawn: gone,
    });
    expect(xpathString(again.atom, `/*/${TOMBSTONE}/@ref`)).toBe('urn:uuid:test-plain');
    expect(xpathCount(again.atom, `/*/${TOMBSTONE}`)).toBe(1);
  });

  it('declare the tombstone namespace only when there are some', () => {
    const plain = renderFeed({ feed: { kind: 'all' }, site: SITE, articles: [live] });
    expect(plain.atom).not.toContain('tombstones');
  });
});
