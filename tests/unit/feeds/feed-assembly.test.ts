import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { site } from '../../fixtures/feeds/articles.ts';
import { testArticle } from '../../support/fakes/articles.ts';
import {
  a,
  jingProblems,
  writeTemp,
  xmllintProblems,
  xpathCount,
  xpathString,
} from './xml-tools.ts';

/**
 * RSS items and Atom entries are each written by a `feed` of their own and put together with the
 * feed's head (rss.ts, atom.ts). Text that looks like the lines the documents are cut at must
 * stay text, each item whole and in its place, with the head's own changes made once.
 */

// The lines the renderers cut and edit documents at, as article text.
const LOOKALIKE = [
  '        <item>',
  '    </channel>',
  '    <entry>',
  '</feed>',
  '<rss version="2.0"',
  '<feed xmlns="http://www.w3.org/2005/Atom">',
  '    <link rel="self" href="https://evil.example/"/>',
  '        <atom:link href="https://evil.example/" rel="self" type="application/rss+xml"/>',
  ']]> ]]>',
].join('\n');

const articles: Article[] = Array.from({ length: 7 }, (_, n) =>
  testArticle(`story-${n}`, {
    title: n % 2 === 0 ? `Story ${n} ${LOOKALIKE}` : `Story ${n}`,
    summary: `Summary ${n} ${LOOKALIKE}`,
    contentHtml: `<p>Story ${n}</p>\n${LOOKALIKE}\n<p>end ${n}</p>`,
    tags: [{ slug: `tag-${n}`, name: `Tag ${n} ${LOOKALIKE}` }],
    ...(n % 3 === 0 ? { image: `https://news.example.com/media/${n}.png` } : {}),
    published: `2026-01-0${9 - n}T00:00:00.000Z`,
    updated: `2026-01-0${9 - n}T00:00:00.000Z`,
  }),
);
const withdrawn = [
  testArticle('gone', { status: 'withdrawn', withdrawn: { at: '2026-02-01T00:00:00.000Z' } }),
];
const hubs = ['https://hub.example.com/', 'https://hub2.example.com/?a=1&b=2'];
const feeds = {
  full: renderFeed({
    feed: { kind: 'all' },
    site: { ...site, hubs },
    articles,
    withdrawn,
    archive: { page: '2026-01', older: '2025-12' },
  }),
  one: renderFeed({
    feed: { kind: 'all' },
    site: { ...site, hubs },
    articles: articles.slice(0, 1),
  }),
  none: renderFeed({ feed: { kind: 'all' }, site: { ...site, hubs }, articles: [], withdrawn }),
};

describe('feeds put together from items written one by one', () => {
  it('are well-formed, and valid Atom', () => {
    const files = writeTemp(
      Object.fromEntries(
        Object.entries(feeds).flatMap(([name, out]) => [
          [`${name}.rss.xml`, out.rss],
          [`${name}.atom.xml`, out.atom],
        ]),
      ),
    );
    const paths = Object.values(files);
    expect([...xmllintProblems(paths).values()].flat()).toEqual([]);
    const atoms = paths.filter((path) => path.endsWith('.atom.xml'));
    expect([...jingProblems(atoms).values()].flat()).toEqual([]);
  });

  it('carry every item once, in order, its text whole', () => {
    const { rss, atom } = feeds.full;
    expect(xpathCount(rss, '/rss/channel/item')).toBe(articles.length);
    expect(xpathCount(atom, `/${a('feed')}/${a('entry')}`)).toBe(articles.length);
    articles.forEach((article, i) => {
      const item = `/rss/channel/item[${i + 1}]`;
      const entry = `/${a('feed')}/${a('entry')}[${i + 1}]`;
      expect(xpathString(rss, `${item}/guid`)).toBe(article.guid);
      expect(xpathString(atom, `${entry}/${a('id')}`)).toBe(article.guid);
      const title = article.title.replace(/\s+/g, ' ');
      expect(xpathString(rss, `${item}/title`)).toBe(title);
      expect(xpathString(atom, `${entry}/${a('title')}`)).toBe(title);
      expect(xpathString(rss, `${item}/*[local-name()='encoded']`)).toContain(article.contentHtml);
      expect(xpathString(atom, `${entry}/${a('content')}`)).toContain(article.contentHtml);
    });
  });

  it('make the head changes once: namespaces, self link, archive and hub links, deleted entries', () => {
    const { rss, atom } = feeds.full;
    for (const namespace of ['xmlns:fh=', 'xmlns:media=', 'xmlns:dc=']) {
      expect(rss.split(namespace)).toHaveLength(2);
      expect(rss.split('\n', 2)[1]).toContain(namespace);
    }
    expect(xpathCount(rss, "/rss/channel/*[local-name()='link' and @rel='self']")).toBe(1);
    // An archive page names no hub; a subscription document names each once.
    expect(xpathCount(rss, "/rss/channel/*[local-name()='link' and @rel='hub']")).toBe(0);
    expect(xpathCount(feeds.one.rss, "/rss/channel/*[local-name()='link' and @rel='hub']")).toBe(2);
    expect(xpathCount(rss, "/rss/channel/*[local-name()='link' and @rel='prev-archive']")).toBe(1);
    expect(xpathCount(rss, "//*[local-name()='archive']")).toBe(1);
    expect(xpathCount(atom, `/${a('feed')}/${a('link')}[@rel='self']`)).toBe(1);
    expect(xpathCount(atom, `/${a('feed')}/${a('link')}[@rel='hub']`)).toBe(0);
    expect(xpathCount(feeds.one.atom, `/${a('feed')}/${a('link')}[@rel='hub']`)).toBe(2);
    expect(xpathCount(atom, "//*[local-name()='deleted-entry']")).toBe(1);
    expect(xpathString(atom, '/*/@*[local-name()="lang"]')).toBe('en');
  });

  it('hold one item, or none, as well', () => {
    expect(xpathCount(feeds.one.rss, '/rss/channel/item')).toBe(1);
    expect(xpathCount(feeds.one.atom, `/${a('feed')}/${a('entry')}`)).toBe(1);
    expect(xpathCount(feeds.none.rss, '/rss/channel/item')).toBe(0);
    expect(xpathCount(feeds.none.atom, `/${a('feed')}/${a('entry')}`)).toBe(0);
    expect(xpathCount(feeds.none.atom, "//*[local-name()='deleted-entry']")).toBe(1);
  });
});
