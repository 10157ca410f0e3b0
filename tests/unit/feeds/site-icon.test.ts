import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../shared/config/site.ts';
import { renderArticlePage } from '../../../shared/feeds/article-page.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { testArticle } from '../../support/fakes/articles.ts';
import { jingProblems, writeTemp, xmllintProblems } from './xml-tools.ts';

const SITE: SiteConfig = {
  url: 'https://news.example.com/blog/',
  title: 'Example & Co',
  description: 'Tests',
  language: 'en',
  itemLimit: 10,
  icon: '/media/icon.png?v=2&size=512',
};
const ICON = 'https://news.example.com/blog/media/icon.png?v=2&size=512';

describe("the site's icon", () => {
  const out = renderFeed({ feed: { kind: 'all' }, site: SITE, articles: [testArticle('a')] });

  it('is every feed’s image as a reader sees it, and the pages’ favicon', () => {
    expect(parseFeed(out.rss).image?.url).toBe(ICON);
    expect(parseFeed(out.atom).image?.url).toBe(ICON);
    expect(JSON.parse(out.json)).toMatchObject({ icon: ICON, favicon: ICON });
    expect(renderArticlePage(testArticle('a'), SITE)).toContain(
      '<link rel="icon" href="https://news.example.com/blog/media/icon.png?v=2&amp;size=512">',
    );
  });

  it('keeps the feeds valid (RSS image with its title and link; Atom icon and logo)', () => {
    const files = writeTemp({ 'rss.xml': out.rss, 'atom.xml': out.atom });
    expect([...xmllintProblems(Object.values(files)).values()].flat()).toEqual([]);
    expect([...jingProblems([files['atom.xml'] ?? '']).values()].flat()).toEqual([]);
    expect(out.rss).toMatch(
      /<image>\s*<title>Example &amp; Co<\/title>\s*<url>[^<]+<\/url>\s*<link>https:\/\/news\.example\.com\/blog\/<\/link>\s*<\/image>/,
    );
    expect(out.atom).toContain(`<icon>${ICON.replace('&', '&amp;')}</icon>`);
  });

  it('is absent when not set', () => {
    const plain = renderFeed({
      feed: { kind: 'all' },
      site: { ...SITE, icon: undefined },
      articles: [testArticle('a')],
    });
    expect(plain.rss).not.toContain('<image>');
    expect(plain.atom).not.toContain('<icon>');
    expect(JSON.parse(plain.json)).not.toHaveProperty('icon');
  });
});
