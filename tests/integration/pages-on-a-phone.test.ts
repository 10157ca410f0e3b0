import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitizeContent } from '../../shared/articles/sanitize.ts';
import type { SiteConfig } from '../../shared/config/site.ts';
import { CONTENT_SECURITY_POLICY } from '../../shared/contract/edge.ts';
import {
  renderArticlePage,
  renderMovedPage,
  renderWithdrawnPage,
} from '../../shared/feeds/article-page.ts';
import type { FeedListing } from '../../shared/feeds/feed-listing.ts';
import { renderIndex } from '../../shared/feeds/index-page.ts';
import { renderNotFound } from '../../shared/feeds/not-found-page.ts';
import { renderTagsPage } from '../../shared/feeds/tags-page.ts';
import { launchChromium } from '../e2e/chromium.ts';
import { sidewaysLayout } from '../e2e/overflow.ts';
import { article, site } from '../fixtures/feeds/articles.ts';

/**
 * Every page we render, at the width of a phone (an iPhone 12–15: 390 × 844 CSS px, 3 device
 * pixels to one), with the content that breaks layouts: a 12-column table, a 300-character
 * line of code, a 400-character URL, a word longer than the screen, a 2400 px image. Served
 * with the edge's Content-Security-Policy, so a style the CSP blocks counts as a failure.
 */

const PHONE = { width: 390, height: 844 };
const WORD = 'Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft';
const LONG_WORD = WORD.repeat(2);
const LONG_URL = `https://example.org/${'really-long-path-segment/'.repeat(15)}?q=${'x'.repeat(20)}`;
const CODE_LINE = `const total = ${Array.from({ length: 30 }, (_, i) => `amount${i}`).join(' + ')};`;
const WIDE_IMAGE = 'https://media.example.org/panorama.svg';
const WIDE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="2400" height="600" viewBox="0 0 2400 600"><rect width="2400" height="600" fill="#48a"/></svg>`;

const cells = (tag: string, row: number) =>
  Array.from(
    { length: 12 },
    (_, i) => `<${tag}>${row ? `${row * 1000 + i}.50` : `Quarter ${i + 1} revenue`}</${tag}>`,
  ).join('');
const TABLE = `<table><caption>Revenue by quarter</caption><thead><tr>${cells('th', 0)}</tr></thead><tbody>${[1, 2, 3].map((r) => `<tr>${cells('td', r)}</tr>`).join('')}</tbody></table>`;

const hostileSite: SiteConfig = { ...site, title: `The ${WORD} Gazette` };
const hostileArticle = article({
  title: `Harbour ${LONG_WORD} reopens`,
  summary: `Read ${LONG_URL} first.`,
  image: WIDE_IMAGE,
  authors: [{ slug: 'long-name', name: `Ayşe ${WORD}` }],
  tags: [{ slug: 'long-tag', name: LONG_WORD }],
  // Stored as ingest stores it: sanitized (the page guard shows anything else as text).
  contentHtml: sanitizeContent(
    [
      `<p>The figures for the year, ${LONG_WORD}:</p>`,
      TABLE,
      `<pre><code>${CODE_LINE}</code></pre>`,
      `<p>Source: <a href="${LONG_URL}">${LONG_URL}</a>, and inline <code>${LONG_WORD}</code>.</p>`,
      `<h2>${LONG_WORD}</h2>`,
      `<p><img src="${WIDE_IMAGE}" width="2400" height="600" alt="The harbour"></p>`,
      `<blockquote><ul><li><ol><li>${LONG_WORD}</li></ol></li></ul></blockquote>`,
    ].join('\n'),
    site.url,
  ).html,
});
const listings: FeedListing[] = [
  { feed: { kind: 'all' }, count: 1 },
  { feed: { kind: 'tag', slug: 'long-tag', name: LONG_WORD }, count: 1 },
  { feed: { kind: 'author', slug: 'long-name', name: `Ayşe ${WORD}` }, count: 1 },
];

const PAGES: Record<string, string> = {
  'article page': renderArticlePage(hostileArticle, hostileSite),
  index: renderIndex(hostileSite, [hostileArticle, hostileArticle], listings),
  'tags page': renderTagsPage(hostileSite, listings),
  404: renderNotFound(hostileSite),
  'withdrawn notice': renderWithdrawnPage(
    article({
      title: hostileArticle.title,
      status: 'withdrawn',
      withdrawn: { at: '2019-12-08T10:00:00.000Z', note: `See ${LONG_URL}` },
    }),
    hostileSite,
  ),
  'moved notice': renderMovedPage(hostileArticle, LONG_URL, hostileSite),
};

const urlOf = (name: string) => `https://news.example.com/phone/${name.replace(/\W+/g, '-')}.html`;
const SERVED = new Map(Object.entries(PAGES).map(([name, html]) => [urlOf(name), html]));

describe('pages on a phone (Chromium, 390 px)', () => {
  let browser: Browser;
  let context: BrowserContext;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: PHONE,
      screen: PHONE,
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    // The pages as the edge serves them; the image from "anywhere over https"; nothing else.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      const page = SERVED.get(url);
      if (page !== undefined) {
        await route.fulfill({
          contentType: 'text/html; charset=utf-8',
          headers: { 'content-security-policy': CONTENT_SECURITY_POLICY },
          body: page,
        });
      } else if (url === WIDE_IMAGE) {
        await route.fulfill({ contentType: 'image/svg+xml', body: WIDE_SVG });
      } else {
        await route.fulfill({ status: 404, body: '' });
      }
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspErrors.push(message.text());
    });
    await page.goto(urlOf(name));
    return page;
  }

  it.each(Object.keys(PAGES))('%s: nothing wider than the screen', async (name) => {
    const page = await open(name);
    const layout = await sidewaysLayout(page);
    await page.close();

    expect(layout.viewport).toBe(PHONE.width);
    expect(layout.scrollWidth).toBeLessThanOrEqual(PHONE.width);
    expect(layout.overflowing).toEqual([]);
    for (const box of layout.scrollBoxes) expect(box.width).toBeLessThanOrEqual(PHONE.width);
    expect(cspErrors).toEqual([]);
  });

  it('article page: the table and the code scroll in their own boxes, regions a keyboard reaches; images fit, in proportion', async () => {
    const page = await open('article page');
    const layout = await sidewaysLayout(page);
    await page.close();

    expect([CODE_LINE.length, LONG_URL.length, LONG_WORD.length]).toEqual([
      expect.toSatisfy((n: number) => n >= 300),
      expect.toSatisfy((n: number) => n >= 400),
      expect.toSatisfy((n: number) => n >= 150),
    ]);
    // Each in a region of its own a keyboard can reach and a screen reader names.
    expect(layout.scrollBoxes.map((box) => box.holds).sort()).toEqual(['pre', 'table']);
    for (const box of layout.scrollBoxes)
      expect(box).toMatchObject({ tag: 'div', role: 'region', tabindex: '0' });
    expect(layout.scrollBoxes.map((box) => box.label).sort()).toEqual([
      'Code',
      'Revenue by quarter',
    ]);
    for (const box of layout.scrollBoxes) expect(box.content).toBeGreaterThan(PHONE.width);
    expect(layout.images).toHaveLength(2);
    for (const image of layout.images) {
      expect(image.natural).toBe(2400);
      expect(image.width).toBeLessThanOrEqual(PHONE.width);
      expect(image.height).toBeCloseTo(image.width / 4, 0);
    }
  });
});
