import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { site as SITE } from '../../fixtures/feeds/articles.ts';
import { testArticle } from '../../support/fakes/articles.ts';
import { jsonFeedProblems } from './feed-checks.ts';
import { jingProblems, writeTemp, xmllintProblems, xpathString } from './xml-tools.ts';

const LEAD = 'https://news.example.com/media/2026/12/quay/lead.0123456789ab.jpg';
const uploaded = testArticle('quay', {
  image: LEAD,
  media: [
    { key: 'articles/2026/12/quay/lead.jpg', url: LEAD, type: 'image/webp', size: 123456 },
    { key: 'articles/2026/12/quay/other.png', url: 'https://news.example.com/media/o.png' },
  ],
});
const external = testArticle('ext', { image: 'https://cdn.example.org/photos/quay.png' });
const unknownType = testArticle('unk', { image: 'https://cdn.example.org/photo?id=3' });

function render(...articles: ReturnType<typeof testArticle>[]) {
  return renderFeed({ feed: { kind: 'all' }, site: SITE, articles });
}

describe('the lead image as an enclosure and an attachment', () => {
  it('carries an uploaded image’s real type and size in RSS, Atom and JSON Feed', () => {
    const out = render(uploaded);
    expect(xpathString(out.rss, '//item/enclosure/@url')).toBe(LEAD);
    expect(xpathString(out.rss, '//item/enclosure/@type')).toBe('image/webp');
    expect(xpathString(out.rss, '//item/enclosure/@length')).toBe('123456');
    expect(xpathString(out.rss, "//item/*[local-name()='content']/@fileSize")).toBe('123456');
    const link = "//*[local-name()='entry']/*[local-name()='link'][@rel='enclosure']";
    expect(xpathString(out.atom, `${link}/@href`)).toBe(LEAD);
    expect(xpathString(out.atom, `${link}/@type`)).toBe('image/webp');
    expect(xpathString(out.atom, `${link}/@length`)).toBe('123456');
    const item = JSON.parse(out.json).items[0];
    expect(item.image).toBe(LEAD);
    expect(item.attachments).toEqual([
      { url: LEAD, mime_type: 'image/webp', size_in_bytes: 123456 },
    ]);
    const parsed = parseFeed(out.rss).items[0]?.media[0];
    expect(parsed).toMatchObject({ url: LEAD, mimeType: 'image/webp', length: 123456 });
  });

  it('gives an external image its type from the extension, and no invented size where it may', () => {
    const out = render(external);
    expect(xpathString(out.rss, '//item/enclosure/@type')).toBe('image/png');
    // RSS requires a length: 0 says "not known".
    expect(xpathString(out.rss, '//item/enclosure/@length')).toBe('0');
    const link = "//*[local-name()='entry']/*[local-name()='link'][@rel='enclosure']";
    expect(xpathString(out.atom, `${link}/@type`)).toBe('image/png');
    expect(out.atom).not.toMatch(/rel="enclosure"[^>]*length=/);
    expect(JSON.parse(out.json).items[0].attachments).toEqual([
      { url: 'https://cdn.example.org/photos/quay.png', mime_type: 'image/png' },
    ]);
    // An attachment needs a mime_type: none when the type cannot be told.
    expect(JSON.parse(render(unknownType).json).items[0].attachments).toBeUndefined();
  });

  it('offers no enclosure for an inbox image of a type never published (SVG), whose placeholder answers 404, nor shows it', () => {
    const placeholder = 'https://news.example.com/media/quay/logo.svg';
    const awaiting = testArticle('wait', {
      image: placeholder,
      media: [{ key: 'articles/quay/logo.svg', url: placeholder }],
    });
    const out = render(awaiting);
    expect(xpathString(out.rss, 'count(//item/enclosure)')).toBe('0');
    expect(out.atom).not.toContain('rel="enclosure"');
    const item = JSON.parse(out.json).items[0];
    expect(item.image).toBeUndefined();
    expect(item.attachments).toBeUndefined();
    expect(item.content_html).not.toContain(placeholder);
    expect(parseFeed(out.rss).items[0]?.media).toEqual([]);
  });

  it('keeps all three feeds valid', () => {
    const out = render(uploaded, external, unknownType);
    const files = writeTemp({ 'rss.xml': out.rss, 'atom.xml': out.atom });
    expect([...xmllintProblems(Object.values(files)).values()].flat()).toEqual([]);
    expect([...jingProblems([files['atom.xml'] ?? '']).values()].flat()).toEqual([]);
    expect(jsonFeedProblems(out.json, `${SITE.url}feed.json`)).toEqual([]);
  });
});

describe('media of a site that moved (a new domain, feedpub dev on another port)', () => {
  it('are served from the site URL of the day, in the lead, the enclosure and the text', () => {
    const old = 'http://127.0.0.1:47200/';
    const at = (root: string) => `${root}media/2026/12/quay/lead.0123456789ab.jpg`;
    const moved = testArticle('quay', {
      image: at(old),
      contentHtml: `<p><img src="${at(old)}" alt="The quay" /> <a href="${old}articles/other.html">other</a></p>`,
      media: [
        { key: 'articles/2026/12/quay/lead.jpg', url: at(old), type: 'image/jpeg', size: 99 },
      ],
    });
    const out = render(moved);
    const now = at(SITE.url);
    expect(xpathString(out.rss, '//item/enclosure/@url')).toBe(now);
    const item = JSON.parse(out.json).items[0];
    expect(item.image).toBe(now);
    expect(item.attachments[0].url).toBe(now);
    expect(item.content_html).toContain(`<img src="${now}" alt="The quay" />`);
    expect(out.rss).not.toContain(`${old}media/`);
    // A link to another page of the old site is as ingest wrote it (README "Changing settings").
    expect(item.content_html).toContain(`${old}articles/other.html`);
  });
});

describe('a media URL on the site of the day, whatever site it was stored under', () => {
  it.each([
    [
      'a file at the top of articles/',
      'https://old.example/',
      'articles/lead.jpg',
      'media/lead.0123456789ab.jpg',
    ],
    [
      'a folder named media',
      'https://old.example/',
      'articles/2026/media/lead.jpg',
      'media/2026/media/lead.0123456789ab.jpg',
    ],
    [
      'a site moved from a folder to the root',
      'https://news.example.com/news/',
      'articles/q/lead.jpg',
      'media/q/lead.0123456789ab.jpg',
    ],
    [
      'names with spaces and accents',
      'http://127.0.0.1:47200/',
      'articles/ü é/lead one.jpg',
      'media/%C3%BC%20%C3%A9/lead%20one.0123456789ab.jpg',
    ],
  ])('%s', (_, old, key, path) => {
    const stored = `${old}${path}`;
    const article = testArticle('quay', {
      image: stored,
      contentHtml: `<p><img src="${stored}" alt="x" /></p>`,
      media: [{ key, url: stored, type: 'image/jpeg', size: 99 }],
    });
    const item = JSON.parse(render(article).json).items[0];
    expect(item.image).toBe(`${SITE.url}${path}`);
    expect(item.content_html).toContain(`<img src="${SITE.url}${path}" alt="x" />`);
  });
});
