import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { renderArticlePage } from '../../../shared/feeds/article-page.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { site as SITE } from '../../fixtures/feeds/articles.ts';
import { testArticle } from '../../support/fakes/articles.ts';
import { writeTemp, xmllintProblems, xpathString } from './xml-tools.ts';

const FIGURE =
  '<figure><img src="https://news.example.com/media/quay.jpg" alt="The east quay &lt;at dawn&gt;"><figcaption>Repairs start on Monday &amp; last ten weeks. Photo: Ana Silva</figcaption></figure>';

describe('the lead image and what is said of it', () => {
  const parsed = parseArticle({
    key: 'articles/quay.md',
    body: Buffer.from(
      '---\ntitle: Quay closes\nimage: /media/quay.jpg\nimage_alt: The east quay <at dawn>\nimage_caption: "Repairs start on Monday & last ten weeks."\nimage_credit: Ana Silva\n---\n\nThe quay closes.\n',
    ),
    siteUrl: SITE.url,
  });
  const article = testArticle('quay', {
    image: parsed.article.image,
    imageText: parsed.article.imageText,
    contentHtml: parsed.article.contentHtml,
  });

  it('reads image_alt, image_caption and image_credit as plain text, with no unknown-field warning', () => {
    expect(parsed.article.imageText).toEqual({
      alt: 'The east quay <at dawn>',
      caption: 'Repairs start on Monday & last ten weeks.',
      credit: 'Ana Silva',
    });
    expect(parsed.warnings).toEqual([]);
  });

  it('is in the page with its alt text, caption and credit', () => {
    expect(renderArticlePage(article, SITE)).toContain(FIGURE);
  });

  it('leads every feed item’s content, as a reader parses it, for readers that ignore media', () => {
    const out = renderFeed({ feed: { kind: 'all' }, site: SITE, articles: [article] });
    // The parser hands over the content with its entities decoded.
    for (const doc of [out.rss, out.atom]) {
      const content = parseFeed(doc).items[0]?.content ?? '';
      expect(content).toMatch(
        /^<figure><img src="https:\/\/news\.example\.com\/media\/quay\.jpg" alt="The east quay <at dawn>"><figcaption>Repairs start on Monday & last ten weeks\. Photo: Ana Silva<\/figcaption><\/figure>\n<p>/,
      );
    }
    expect(JSON.parse(out.json).items[0]).toMatchObject({
      image: 'https://news.example.com/media/quay.jpg',
    });
    expect(JSON.parse(out.json).items[0].content_html.startsWith(FIGURE)).toBe(true);
  });

  it('is Media RSS content in RSS: its type, caption and credit', () => {
    const { rss } = renderFeed({ feed: { kind: 'all' }, site: SITE, articles: [article] });
    const media =
      "//item/*[local-name()='content' and namespace-uri()='http://search.yahoo.com/mrss/']";
    expect(xpathString(rss, `${media}/@url`)).toBe('https://news.example.com/media/quay.jpg');
    expect(xpathString(rss, `${media}/@type`)).toBe('image/jpeg');
    expect(xpathString(rss, `${media}/*[local-name()='description']`)).toBe(
      'Repairs start on Monday & last ten weeks.',
    );
    expect(xpathString(rss, `${media}/*[local-name()='credit']`)).toBe('Ana Silva');
    const files = writeTemp({ 'rss.xml': rss });
    expect([...xmllintProblems(Object.values(files)).values()].flat()).toEqual([]);
  });

  it('says nothing of an image that is not there', () => {
    const plain = renderFeed({ feed: { kind: 'all' }, site: SITE, articles: [testArticle('p')] });
    expect(plain.rss).not.toContain('mrss');
    expect(plain.rss).not.toContain('<figure>');
  });
});

describe('a lead that is audio or video (a podcast episode, a clip)', () => {
  const lead = (image: string, alt: string) =>
    testArticle('ep1', {
      image,
      imageText: { alt, credit: 'Radio Desk' },
      contentHtml: '<p>The first episode.</p>',
    });
  const mp3 = 'https://news.example.com/media/ep1/interview.810232cce08e.mp3';
  const mp4 = 'https://news.example.com/media/ep1/clip.862e8e867283.mp4';

  it('is a player in the page, never an image: no <img>, no share-card or schema.org image', () => {
    const html = renderArticlePage(lead(mp3, 'Episode 1 <audio>'), SITE);
    expect(html).toContain(
      `<figure><audio controls preload="none" src="${mp3}" aria-label="Episode 1 &lt;audio&gt;"><a href="${mp3}">Episode 1 &lt;audio&gt;</a></audio><figcaption>Credit: Radio Desk</figcaption></figure>`,
    );
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/og:image|twitter:image/);
    expect(html).toContain('<meta name="twitter:card" content="summary">');
    expect(html).not.toContain(mp3.replace('https://', '"image":["https://'));
    // With no alt text, the player is named by the story's title: never a nameless control.
    const video = renderArticlePage(lead(mp4, ''), SITE);
    expect(video).toMatch(
      new RegExp(
        `<figure><video controls preload="none" src="${mp4.replace(/[.]/g, '\\.')}" aria-label="${testArticle('ep1', {}).title}"><a href="[^"]+">Watch</a></video>`,
      ),
    );
  });

  it('is an enclosure of its kind in every feed, and no feed calls it an image', () => {
    const out = renderFeed({ feed: { kind: 'all' }, site: SITE, articles: [lead(mp3, 'Ep 1')] });
    const media =
      "//item/*[local-name()='content' and namespace-uri()='http://search.yahoo.com/mrss/']";
    expect(xpathString(out.rss, `${media}/@medium`)).toBe('audio');
    expect(xpathString(out.rss, `${media}/@type`)).toBe('audio/mpeg');
    expect(xpathString(out.rss, '//item/enclosure/@type')).toBe('audio/mpeg');
    const parsed = parseFeed(out.rss).items[0];
    expect(parsed?.media.map((m) => [m.url, m.mimeType])).toContainEqual([mp3, 'audio/mpeg']);
    expect(parsed?.content ?? '').not.toContain('<img');
    const item = JSON.parse(out.json).items[0];
    expect(item.image).toBeUndefined();
    expect(item.attachments).toEqual([{ url: mp3, mime_type: 'audio/mpeg' }]);
    expect(item.content_html).toContain(`<audio controls preload="none" src="${mp3}"`);
    const files = writeTemp({ 'rss.xml': out.rss, 'atom.xml': out.atom });
    expect([...xmllintProblems(Object.values(files)).values()].flat()).toEqual([]);
  });
});
