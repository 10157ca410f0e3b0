import { beforeAll, describe, expect, it } from 'vitest';
import type { FeedRef } from '../../../shared/articles/article.ts';
import type { FeedFormat } from '../../../shared/contract/site-layout.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { article, latestArticles, site } from '../../fixtures/feeds/articles.ts';
import { jsonFeedProblems, rssProblems } from './feed-checks.ts';
import {
  a,
  jingProblems,
  writeTemp,
  xmllintProblems,
  xpathCount,
  xpathString,
} from './xml-tools.ts';

const SNAPSHOTS = '../../fixtures/feeds/snapshots';
const tag: FeedRef = { kind: 'tag', slug: 'libya', name: 'Libya' };
const author: FeedRef = { kind: 'author', slug: 'ayse-demir', name: 'Ayşe Demir' };

const cases: Record<string, { feed: FeedRef; articles: typeof latestArticles }> = {
  site: { feed: { kind: 'all' }, articles: latestArticles },
  tag: {
    feed: tag,
    articles: latestArticles.filter((x) => x.tags.some((t) => t.slug === 'libya')),
  },
  author: { feed: author, articles: [article()] },
  empty: { feed: { kind: 'all' }, articles: [] },
};
const rendered = Object.fromEntries(
  Object.entries(cases).map(([name, c]) => [name, renderFeed({ ...c, site })]),
) as Record<string, Record<FeedFormat, string>>;
const ext: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };

describe('renderFeed on fixed fixtures', () => {
  let lint: Map<string, string[]>;
  let jing: Map<string, string[]>;
  const paths = writeTemp(
    Object.fromEntries(
      Object.entries(rendered).flatMap(([name, out]) => [
        [`${name}.rss.xml`, out.rss],
        [`${name}.atom.xml`, out.atom],
      ]),
    ),
  );
  beforeAll(() => {
    lint = xmllintProblems(Object.values(paths));
    jing = jingProblems(
      Object.keys(paths)
        .filter((n) => n.includes('.atom.'))
        .map((n) => paths[n] ?? ''),
    );
  });

  it.each(Object.keys(cases))('%s: matches the snapshot files', async (name) => {
    for (const format of ['rss', 'atom', 'json'] as const) {
      await expect(rendered[name]?.[format]).toMatchFileSnapshot(
        `${SNAPSHOTS}/${name}.${ext[format]}`,
      );
    }
  });

  it.each(Object.keys(cases))(
    '%s: well-formed, valid Atom, RSS and JSON Feed contracts',
    (name) => {
      const out = rendered[name] as Record<FeedFormat, string>;
      expect(lint.get(paths[`${name}.rss.xml`] ?? '')).toEqual([]);
      expect(lint.get(paths[`${name}.atom.xml`] ?? '')).toEqual([]);
      expect(jing.get(paths[`${name}.atom.xml`] ?? '')).toEqual([]);
      expect(rssProblems(out.rss, selfOf(name, 'rss'))).toEqual([]);
      expect(jsonFeedProblems(out.json, selfOf(name, 'json'))).toEqual([]);
    },
  );
});

function selfOf(name: string, format: FeedFormat): string {
  const dir = { site: '', tag: 'tags/libya/', author: 'authors/ayse-demir/', empty: '' }[name];
  return `${site.url}${dir}${ext[format]}`;
}

describe('renderFeed maps articles to items', () => {
  const { rss, atom, json } = rendered.site as Record<FeedFormat, string>;
  const entry = (n: number) => `/${a('feed')}/${a('entry')}[${n}]`;

  it('names its WebSub hubs beside its self link, in all three formats (W3C WebSub §4)', () => {
    const hubs = ['https://pubsubhubbub.appspot.com/', 'https://hub.example/websub?a=1&b=2'];
    const out = renderFeed({ feed: tag, site: { ...site, hubs }, articles: [article()] });
    const self = selfOf('tag', 'rss');
    expect(xpathString(out.rss, "/rss/channel/*[local-name()='link'][@rel='self']/@href")).toBe(
      self,
    );
    for (const [i, hub] of hubs.entries()) {
      const n = i + 1;
      expect(
        xpathString(out.rss, `(/rss/channel/*[local-name()='link'][@rel='hub'])[${n}]/@href`),
      ).toBe(hub);
      expect(xpathString(out.atom, `(/${a('feed')}/${a('link')}[@rel='hub'])[${n}]/@href`)).toBe(
        hub,
      );
    }
    expect(JSON.parse(out.json).hubs).toEqual(hubs.map((url) => ({ type: 'WebSub', url })));
    const paths = writeTemp({ 'hubs.atom.xml': out.atom, 'hubs.rss.xml': out.rss });
    const files = Object.values(paths);
    expect([...xmllintProblems(files).values()].flat()).toEqual([]);
    expect(jingProblems([paths['hubs.atom.xml'] ?? '']).get(paths['hubs.atom.xml'] ?? '')).toEqual(
      [],
    );
    expect(rssProblems(out.rss, self)).toEqual([]);
    expect(jsonFeedProblems(out.json, selfOf('tag', 'json'))).toEqual([]);
    // Without hubs, none is named.
    expect(xpathCount(rendered.tag?.rss ?? '', "//*[@rel='hub']")).toBe(0);
    expect(JSON.parse(rendered.tag?.json ?? '{}').hubs).toBeUndefined();
    // Nor on an archive page: only subscription documents are announced to the hubs.
    const page = renderFeed({
      feed: tag,
      site: { ...site, hubs },
      articles: [article()],
      archive: { page: '2026-01-01-0123456789', newer: '2026-02-01-0123456789' },
    });
    expect(xpathCount(page.atom, "//*[@rel='hub']")).toBe(0);
    expect(xpathCount(page.rss, "//*[@rel='hub']")).toBe(0);
    expect(JSON.parse(page.json).hubs).toBeUndefined();
  });

  it('uses the guid as RSS guid, Atom id and JSON id', () => {
    const guid = latestArticles[1]?.guid;
    expect(xpathString(rss, "/rss/channel/item[2]/guid[@isPermaLink='false']")).toBe(guid);
    expect(xpathString(atom, `${entry(2)}/${a('id')}`)).toBe(guid);
    expect(JSON.parse(json).items[1].id).toBe(guid);
  });

  it('links to the article link when set, else to its page on the site', () => {
    expect(xpathString(rss, '/rss/channel/item[1]/link')).toBe(
      'https://partner.example.org/stories/harbour?ref=feed&lang=en',
    );
    expect(xpathString(atom, `${entry(2)}/${a('link')}[not(@rel)]/@href`)).toBe(
      'https://news.example.com/articles/2019/12/libya-ratifies-turkey-deal.html',
    );
  });

  it('dates the feed by its newest item update, never the clock', () => {
    expect(xpathString(rss, '/rss/channel/lastBuildDate')).toBe('Fri, 10 Jan 2020 08:00:00 GMT');
    expect(xpathString(atom, `/${a('feed')}/${a('updated')}`)).toBe('2020-01-10T08:00:00.000Z');
    expect(xpathString(rendered.empty?.atom ?? '', `/${a('feed')}/${a('updated')}`)).toBe(
      '1970-01-01T00:00:00.000Z',
    );
  });

  it('gives published and updated per item', () => {
    expect(xpathString(atom, `${entry(3)}/${a('published')}`)).toBe('2019-11-20T12:00:00.000Z');
    expect(xpathString(atom, `${entry(3)}/${a('updated')}`)).toBe('2019-12-20T12:00:00.000Z');
    expect(xpathString(rss, '/rss/channel/item[3]/pubDate')).toBe('Wed, 20 Nov 2019 12:00:00 GMT');
  });

  it('writes categories with term and label, never name only', () => {
    expect(xpathString(atom, `${entry(2)}/${a('category')}[2]/@term`)).toBe('security-deal');
    expect(xpathString(atom, `${entry(2)}/${a('category')}[2]/@label`)).toBe('security deal');
    expect(xpathCount(atom, `//${a('category')}[not(@term) or @term='']`)).toBe(0);
    expect(JSON.parse(json).items[1].tags).toEqual(['Libya', 'security deal']);
  });

  it('maps the image to an RSS enclosure, an Atom enclosure link and JSON image', () => {
    expect(xpathString(rss, '/rss/channel/item[3]/enclosure/@type')).toBe('image/webp');
    expect(xpathString(atom, `${entry(2)}/${a('link')}[@rel='enclosure']/@type`)).toBe(
      'image/jpeg',
    );
    expect(JSON.parse(json).items[2].image).toBe('https://news.example.com/media/olives.webp');
  });

  it('carries full content, plain-text titles, authors and language', () => {
    expect(xpathString(rss, '/rss/channel/item[3]/*[local-name()="encoded"]')).toContain(
      '<em>record</em>',
    );
    expect(xpathString(atom, `${entry(3)}/${a('title')}/@type`)).toBe('text');
    expect(xpathString(atom, `${entry(3)}/${a('title')}`)).toBe(
      'Olive harvest: "best in a decade"',
    );
    expect(xpathString(rss, '/rss/channel/item[2]/author')).toBe('ayse@example.com (Ayşe Demir)');
    expect(xpathString(rss, '/rss/channel/item[1]/*[local-name()="creator"]')).toBe('Sam Lee');
    expect(xpathString(atom, `/${a('feed')}/@xml:lang`)).toBe('en');
    expect(JSON.parse(json)).toMatchObject({ language: 'en', items: [{}, {}, { language: 'ar' }] });
    // An entry in another language says so; the others inherit the feed's.
    expect(xpathString(atom, `${entry(3)}/@xml:lang`)).toBe('ar');
    expect(xpathString(atom, `${entry(1)}/@xml:lang`)).toBe('');
  });

  it('titles tag and author feeds after the site', () => {
    expect(xpathString(rendered.tag?.rss ?? '', '/rss/channel/title')).toBe(
      'Example News — tag Libya',
    );
    expect(JSON.parse(rendered.author?.json ?? '').title).toBe('Example News — Ayşe Demir');
    expect(xpathString(rendered.site?.rss ?? '', '/rss/channel/generator')).toBe('feedpub');
  });
});
