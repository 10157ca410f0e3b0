import type { Article } from '../shared/articles/article.ts';
import type { SiteConfig } from '../shared/config/site.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { publishChanges } from '../shared/publish/publish-changes.ts';
import { InMemoryArticleTable } from '../tests/support/fakes/article-store.ts';
import { saveArticle } from '../tests/support/fakes/articles.ts';
import { InMemorySiteBucket } from '../tests/support/fakes/site-bucket.ts';
import {
  fileDifferences,
  isPageRedirect,
  pageRedirectProblems,
  readBucket,
  readTable,
  withoutHistory,
} from '../tests/support/reliability-state.ts';

/**
 * The site the table calls for, and how far the site bucket is from it. Only the article items
 * are read from the table; everything else (entries, metas, every file) is what the product's
 * own `publishChanges` makes of them when it renders every unit at once into the in-memory
 * fakes, from nothing. This module is the one place that knows how PublishDeps is built.
 */

export interface SiteComparison {
  /** The table's articles (tombstones included), as rendered. */
  tableArticles: Article[];
  expectedFiles: number;
  actualFiles: number;
  /** Paths whose bytes differ, missing ones and ones that should not exist. */
  stale: string[];
  /** A few of them, with where they differ. */
  examples: string[];
}

/** Every file of the site for these articles, rendered from scratch. */
export async function renderSite(
  articles: readonly Article[],
  config: SiteConfig,
): Promise<Map<string, string>> {
  const table = new InMemoryArticleTable();
  for (const article of articles) await saveArticle(table, article);
  const bucket = new InMemorySiteBucket();
  const changes = articles.map((after, i) => ({ recordId: `fresh-${i}`, after }));
  const result = await publishChanges(changes, { feeds: table, ledger: table, bucket, config });
  if (result.failures.length > 0)
    throw new Error(`rendering the table failed: ${String(result.failures[0]?.error)}`);
  return new Map(bucket.paths().map((path) => [path, bucket.text(path) ?? '']));
}

/** The table's articles without the item's bookkeeping. */
async function tableArticles(aws: EmbeddedAws): Promise<Article[]> {
  const state = await readTable(aws.dynamo, aws.names.table);
  return [...state.articles.values()].map(({ rev: _rev, ...article }) => article as Article);
}

/** The site bucket, file by file, against a fresh render of the table's current articles. */
export async function compareSiteWithTable(
  aws: EmbeddedAws,
  config: SiteConfig,
): Promise<SiteComparison> {
  const articles = await tableArticles(aws);
  const expected = await renderSite(articles, config);
  const actual = await readBucket(aws.s3, aws.names.siteBucket);
  // A redirect left where an archive page was is no render's (which pages existed depends on
  // the order of the publishes): it counts only when it leads nowhere.
  const broken = pageRedirectProblems(actual, config.url);
  const stale = [...new Set([...expected.keys(), ...actual.keys()])]
    // The sitemap index's dates are history (the newest `updated` a day has had), which no fresh
    // render has.
    .filter(
      (path) => withoutHistory(path, expected.get(path)) !== withoutHistory(path, actual.get(path)),
    )
    .filter((path) => expected.has(path) || !isPageRedirect(actual, path))
    .concat(broken.map((problem) => problem.slice(0, problem.indexOf(' '))))
    .sort();
  return {
    tableArticles: articles,
    expectedFiles: expected.size,
    actualFiles: actual.size,
    stale,
    examples: fileDifferences(expected, actual, 5),
  };
}
