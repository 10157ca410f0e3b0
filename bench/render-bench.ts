import { Feed } from 'feed';
import type { Article } from '../shared/articles/article.ts';
import type { SiteConfig } from '../shared/config/site.ts';
import { articlePath, siteUrlOf } from '../shared/contract/site-layout.ts';
import { renderFeedBytes } from '../shared/feeds/render-feed.ts';
import { generateCorpus } from './corpus.ts';
import { atMost, type Results } from './results.ts';
import { median, round } from './stats.ts';
import { storedArticle } from './stored-articles.ts';

/**
 * Our renderFeedBytes (view + three renderers, with the fixes for `feed`'s defects) against bare
 * `feed` given the same 50 articles, in all three formats. Interleaved, alternating which goes
 * first, so drift on a noisy machine hits both alike.
 */

function bareFeed(site: SiteConfig, articles: readonly Article[]): string[] {
  const feed = new Feed({
    title: site.title,
    description: site.description,
    id: site.url,
    link: site.url,
    language: site.language,
    updated: new Date(articles[0]?.updated ?? 0),
    generator: 'feedpub',
    feedLinks: {
      rss: `${site.url}rss.xml`,
      atom: `${site.url}atom.xml`,
      json: `${site.url}feed.json`,
    },
  });
  for (const a of articles) {
    const link = siteUrlOf(site.url, articlePath(a.id));
    feed.addItem({
      title: a.title,
      // atom1() throws on an id that is not a URL, so the bare version uses the link.
      id: link,
      link,
      date: new Date(a.updated),
      published: new Date(a.published),
      description: a.summary,
      content: a.contentHtml,
      category: a.tags.map((t) => ({ name: t.name, term: t.slug })),
      // json1() throws on `author: []`, so an article without authors passes none.
      ...(a.authors.length > 0
        ? { author: a.authors.map((p) => ({ name: p.name, email: p.email })) }
        : {}),
    });
  }
  return [feed.rss2(), feed.atom1(), feed.json1()];
}

/**
 * A document as it leaves a renderer for the bucket: a flat string, its UTF-8 length known
 * (a PUT's Content-Length and body). `feed` returns ropes, xml-js's thousands of concatenations,
 * which cost nothing until something reads them; ours come as their UTF-8 already. Counted on
 * both sides, so each pays for a usable document (bare `feed` still less: its count is no
 * encoding).
 */
function usable(documents: readonly (string | Uint8Array)[]): number {
  return documents.reduce(
    (sum, doc) => sum + (typeof doc === 'string' ? Buffer.byteLength(doc) : doc.length),
    0,
  );
}

function timeOnce(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

export function renderBench(results: Results, site: SiteConfig, iterations = 200): void {
  const specs = generateCorpus({ seed: 6, count: site.itemLimit, folder: 'render' });
  const articles = specs
    .map((spec) => storedArticle(spec, '2026-01-01T00:00:00.000Z'))
    .sort((a, b) => (a.published < b.published ? 1 : -1));
  const ours = () =>
    usable(Object.values(renderFeedBytes({ feed: { kind: 'all' }, site, articles })));
  const bare = () => usable(bareFeed(site, articles));
  const warmUp = Math.ceil(iterations / 5);
  for (let i = 0; i < warmUp; i++) {
    ours();
    bare();
  }
  const oursMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    if (i % 2 === 0) {
      oursMs.push(timeOnce(ours));
      bareMs.push(timeOnce(bare));
    } else {
      bareMs.push(timeOnce(bare));
      oursMs.push(timeOnce(ours));
    }
  }
  const bytes = ours();
  const note = `${articles.length} items, ${Math.round(bytes / 1024)} KB in 3 formats, median of ${iterations} after ${warmUp} warm-up`;
  results.add('render_ours_ms', { value: round(median(oursMs)), unit: 'ms', note });
  results.add('render_bare_feed_ms', { value: round(median(bareMs)), unit: 'ms', note });
  results.add('render_overhead', {
    value: round(median(oursMs) / median(bareMs)),
    unit: 'x',
    goal: atMost(1.2),
    note: 'median(renderFeedBytes) / median(bare feed rss2+atom1+json1), each to usable UTF-8 documents',
  });
}
