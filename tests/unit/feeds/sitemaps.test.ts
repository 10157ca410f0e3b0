import { describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../shared/config/site.ts';
import {
  newsLanguage,
  renderDaySitemap,
  renderNewsSitemap,
  renderPagesSitemap,
  renderRobots,
  renderSitemapIndex,
} from '../../../shared/feeds/sitemaps.ts';
import { testArticle } from '../../support/fakes/articles.ts';
import {
  SITEMAP_INDEX_XSD,
  SITEMAP_XSD,
  writeTemp,
  xpathCount,
  xpathString,
  xsdProblems,
} from './xml-tools.ts';

const SITE: SiteConfig = {
  url: 'https://news.example.com/blog/',
  title: 'Example & "News" <Daily>',
  description: 'Tests',
  language: 'pt-BR',
  itemLimit: 10,
};
const loc = "*[local-name()='url']";

describe('sitemaps', () => {
  const day = renderDaySitemap(SITE, [
    testArticle('2026/12/first', { updated: '2026-12-02T09:00:00.000Z' }),
    testArticle('ünïcode & spaces', { updated: '2026-12-02T10:30:00.000Z' }),
  ]);
  const index = renderSitemapIndex(SITE, [
    { day: '2026-11-30', lastmod: '2026-11-30T08:00:00.000Z' },
    { day: '2026-12-02', lastmod: '2026-12-02T10:30:00.000Z' },
  ]);
  const pages = renderPagesSitemap(SITE);

  it('are valid against the sitemaps.org schemas (xmllint)', () => {
    const files = writeTemp({ 'day.xml': day, 'pages.xml': pages, 'index.xml': index });
    const urlsets = xsdProblems(SITEMAP_XSD, [files['day.xml'] ?? '', files['pages.xml'] ?? '']);
    expect([...urlsets.values()].flat()).toEqual([]);
    expect([...xsdProblems(SITEMAP_INDEX_XSD, [files['index.xml'] ?? '']).values()].flat()).toEqual(
      [],
    );
    // The check can fail: a urlset is not an index.
    expect(
      [...xsdProblems(SITEMAP_INDEX_XSD, [files['day.xml'] ?? '']).values()].flat(),
    ).not.toEqual([]);
  });

  it("list each day's stories at their page URL with their last change; the index, newest day first", () => {
    expect(xpathString(day, `/*/${loc}[1]/*[local-name()='loc']`)).toBe(
      'https://news.example.com/blog/articles/2026/12/first.html',
    );
    expect(xpathString(day, `/*/${loc}[2]/*[local-name()='loc']`)).toBe(
      'https://news.example.com/blog/articles/%C3%BCn%C3%AFcode%20%26%20spaces.html',
    );
    expect(xpathString(day, `/*/${loc}[2]/*[local-name()='lastmod']`)).toBe(
      '2026-12-02T10:30:00.000Z',
    );
    const sitemaps = "*[local-name()='sitemap']/*[local-name()='loc']";
    expect(xpathCount(index, `/*/${sitemaps}`)).toBe(3);
    expect(xpathString(index, `/*/*[local-name()='sitemap'][1]/*[local-name()='loc']`)).toBe(
      'https://news.example.com/blog/sitemaps/pages.xml',
    );
    expect(xpathString(index, `/*/*[local-name()='sitemap'][2]/*[local-name()='loc']`)).toBe(
      'https://news.example.com/blog/sitemaps/2026-12-02.xml',
    );
    expect(xpathCount(pages, `/*/${loc}`)).toBe(2);
  });

  it('Google News: each story with the publication, its language code, date and title', () => {
    const news = renderNewsSitemap(SITE, [
      testArticle('fresh', { title: 'Fresh <news> & more', published: '2026-12-03T08:00:00.000Z' }),
      testArticle('zh', { language: 'zh-Hant-TW', published: '2026-12-03T07:00:00.000Z' }),
    ]);
    const files = writeTemp({ 'news.xml': news });
    // The news elements are in Google's namespace, which the sitemaps.org schema leaves to its
    // own: check the urlset part by the schema, the news part by Google's rules below.
    const stripped = news.replace(/\n\s*<news:news>[\s\S]*?<\/news:news>/g, '');
    const plain = writeTemp({ 'plain.xml': stripped });
    expect([...xsdProblems(SITEMAP_XSD, [plain['plain.xml'] ?? '']).values()].flat()).toEqual([]);
    expect(files['news.xml']).toBeDefined();
    const n = (path: string) => `*[local-name()='news']/${path}`;
    const first = `/*/${loc}[1]/`;
    expect(
      xpathString(news, `${first}${n("*[local-name()='publication']/*[local-name()='name']")}`),
    ).toBe('Example & "News" <Daily>');
    expect(
      xpathString(news, `${first}${n("*[local-name()='publication']/*[local-name()='language']")}`),
    ).toBe('pt');
    expect(xpathString(news, `${first}${n("*[local-name()='publication_date']")}`)).toBe(
      '2026-12-03T08:00:00.000Z',
    );
    expect(xpathString(news, `${first}${n("*[local-name()='title']")}`)).toBe(
      'Fresh <news> & more',
    );
    expect(
      xpathString(
        news,
        `/*/${loc}[2]/${n("*[local-name()='publication']/*[local-name()='language']")}`,
      ),
    ).toBe('zh-tw');
  });

  it('Google News with no story of the last two days: the newest story, without its news metadata', () => {
    const quiet = renderNewsSitemap(SITE, [], testArticle('last-week'));
    const files = writeTemp({ 'quiet.xml': quiet });
    // A valid sitemap (one url), and nothing Google News would read as a new story.
    expect([...xsdProblems(SITEMAP_XSD, [files['quiet.xml'] ?? '']).values()].flat()).toEqual([]);
    expect(xpathCount(quiet, `/*/${loc}`)).toBe(1);
    expect(xpathString(quiet, `/*/${loc}[1]/*[local-name()='loc']`)).toBe(
      'https://news.example.com/blog/articles/last-week.html',
    );
    expect(quiet).not.toContain('<news:news>');
    // Recent stories win over the stand-in.
    const busy = renderNewsSitemap(
      SITE,
      [testArticle('fresh', { published: '2026-12-03T08:00:00.000Z' })],
      testArticle('last-week'),
    );
    expect(busy).toContain('articles/fresh.html');
    expect(busy).not.toContain('last-week');
  });

  it('news language codes as Google News takes them', () => {
    expect(
      ['en-GB', 'pt-BR', 'zh', 'zh-Hans-CN', 'zh-TW', 'zh-Hant', 'fil', undefined].map((tag) =>
        newsLanguage(tag),
      ),
    ).toEqual(['en', 'pt', 'zh-cn', 'zh-cn', 'zh-tw', 'zh-tw', 'fil', 'en']);
    // No ISO 639 code in the tag: the site's language, else English.
    expect(
      [
        ['x-private', 'de-AT'],
        ['i-klingon', 'zh-TW'],
        ['i-klingon', undefined],
        [undefined, 'fr'],
        ['x-private', 'x-other'],
      ].map(([tag, site]) => newsLanguage(tag, site)),
    ).toEqual(['de', 'zh-tw', 'en', 'fr', 'en']);
  });

  it('robots.txt allows everything and names the sitemaps (the news one while it exists)', () => {
    expect(renderRobots(SITE, true)).toBe(
      'User-agent: *\nAllow: /\n\nSitemap: https://news.example.com/blog/sitemap.xml\nSitemap: https://news.example.com/blog/news-sitemap.xml\n',
    );
    expect(renderRobots(SITE, false)).not.toContain('news-sitemap');
  });
});
