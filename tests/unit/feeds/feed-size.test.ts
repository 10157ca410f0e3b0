import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import type { FeedFormat } from '../../../shared/contract/site-layout.ts';
import { MAX_FEED_BYTES, mostThatFit, renderFeed } from '../../../shared/feeds/render-feed.ts';
import { article, site } from '../../fixtures/feeds/articles.ts';
import { jsonFeedProblems, rssProblems } from './feed-checks.ts';
import { a, jingProblems, writeTemp, xmllintProblems, xpathString } from './xml-tools.ts';

/** 50 articles of ~300 KB each (a long story with markup): 15 MB of content at full length. */
function heavyArticles(): Article[] {
  const paragraph = (n: number) =>
    `<p>Paragraph ${n} of the inquiry's report: <em>witnesses</em> & "sources" said the harbour works were late. ${'word '.repeat(60)}</p>`;
  const body = Array.from({ length: 700 }, (_, n) => paragraph(n)).join('\n');
  return Array.from({ length: 50 }, (_, i) =>
    article({
      id: `2026/12/report-${i}`,
      guid: `urn:uuid:00000000-0000-5000-8000-${String(i).padStart(12, '0')}`,
      title: `Report ${i}`,
      summary: `Summary of report ${i}.`,
      contentHtml: `<h2>Report ${i}</h2>\n${body}`,
      published: new Date(Date.UTC(2026, 11, 1) - i * 3_600_000).toISOString(),
      updated: new Date(Date.UTC(2026, 11, 1) - i * 3_600_000).toISOString(),
    }),
  );
}

const bytes = (documents: Record<FeedFormat, string>) =>
  Object.fromEntries(Object.entries(documents).map(([k, v]) => [k, Buffer.byteLength(v)]));

describe('a feed never exceeds MAX_FEED_BYTES', () => {
  const articles = heavyArticles();
  const out = renderFeed({ feed: { kind: 'all' }, site, articles });

  it('keeps every format under 2 MB, and the newest items in full', () => {
    for (const size of Object.values(bytes(out))) expect(size).toBeLessThanOrEqual(MAX_FEED_BYTES);
    // The newest item carries its whole story; the oldest its summary and a link.
    expect(xpathString(out.rss, "//item[1]/*[local-name()='encoded']")).toContain('Paragraph 699');
    const last = xpathString(out.rss, "//item[50]/*[local-name()='encoded']");
    expect(last).not.toContain('Paragraph 0');
    expect(last).toContain('Summary of report 49.');
    expect(last).toContain('Read the full story');
    expect(last).toContain('https://news.example.com/articles/2026/12/report-49.html');
  });

  it('shortens the same items in all three formats, and keeps all 50', () => {
    const fullIn = (text: string) => text.split('Paragraph 699').length - 1;
    const full = fullIn(out.rss);
    expect(full).toBeGreaterThan(0);
    expect(full).toBeLessThan(50);
    expect(fullIn(out.atom)).toBe(full);
    const json = JSON.parse(out.json) as { items: { content_html: string }[] };
    expect(json.items).toHaveLength(50);
    expect(json.items.filter((item) => item.content_html.includes('Paragraph 699'))).toHaveLength(
      full,
    );
    expect(xpathString(out.atom, `count(/${a('feed')}/${a('entry')})`)).toBe('50');
  });

  it('stays valid: well-formed XML, Atom against its schema, the RSS and JSON Feed checks', () => {
    const paths = writeTemp({ 'big.rss.xml': out.rss, 'big.atom.xml': out.atom });
    const lint = xmllintProblems(Object.values(paths));
    expect([...lint.values()].flat()).toEqual([]);
    expect([...jingProblems([paths['big.atom.xml'] as string]).values()].flat()).toEqual([]);
    expect(rssProblems(out.rss, `${site.url}rss.xml`)).toEqual([]);
    expect(jsonFeedProblems(out.json, `${site.url}feed.json`)).toEqual([]);
  });

  it('leaves a feed that fits as it is', () => {
    const small = renderFeed({ feed: { kind: 'all' }, site, articles: [article()] });
    expect(small.rss).not.toContain('Read the full story');
  });
});

describe('mostThatFit, the search for how many items keep their full content', () => {
  it('finds the largest count that fits from any guess, as a search of every count would', () => {
    for (let count = 1; count <= 40; count += 1)
      for (let limit = 0; limit <= count; limit += 1)
        for (const guess of [
          -3,
          0,
          1,
          limit - 1,
          limit,
          limit + 1,
          count - 1,
          count + 5,
          Number.NaN,
        ]) {
          const tried: number[] = [];
          const found = mostThatFit(count, guess, (n) => {
            tried.push(n);
            return n < limit;
          });
          // The most below `count` that fit (0 when none does), never trying `count` itself.
          expect(found).toBe(Math.max(0, Math.min(limit, count) - 1));
          expect(tried.every((n) => n >= 0 && n < count)).toBe(true);
          expect(new Set(tried).size).toBe(tried.length);
        }
  });

  it('tries nothing with fewer than two counts', () => {
    for (const count of [0, 1])
      expect(
        mostThatFit(count, 0, () => {
          throw new Error('tried');
        }),
      ).toBe(0);
  });

  it('takes two tries when the guess is the answer, and few when it is near', () => {
    const triesFrom = (guess: number) => {
      let tries = 0;
      mostThatFit(150, guess, (n) => {
        tries += 1;
        return n <= 60;
      });
      return tries;
    };
    expect(triesFrom(60)).toBe(2);
    expect(triesFrom(61)).toBe(2);
    expect(triesFrom(58)).toBeLessThanOrEqual(4);
    // A bisection from nothing takes 7-8 tries over 150.
    expect(triesFrom(0)).toBeGreaterThan(4);
  });
});
