import type { DynamoDBStreamEvent } from 'aws-lambda';
import { feedsOf } from '../shared/articles/article.ts';
import type { SiteConfig } from '../shared/config/site.ts';
import { localS3Client } from '../shared/local/clients.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { startPipeline } from '../shared/local/pipeline.ts';
import { articleChanges } from '../shared/stores/article-stream.ts';
import { DynamoArticleTable } from '../shared/stores/article-table.ts';
import type { BulkRun } from './bulk-bench.ts';
import { generateCorpus } from './corpus.ts';
import { NaivePublisher } from './naive-publisher.ts';
import { withOwnResources } from './names.ts';
import { atLeast, type Results } from './results.ts';
import { countPuts } from './sdk-meters.ts';
import { round } from './stats.ts';
import { uploadAll } from './upload.ts';
import { waitForFeeds } from './wait-for-feeds.ts';

/** Every naive publish of one article PUTs 3 files per feed, its page and the index. */
const naivePuts = (feeds: number) => feeds * 3 + 2;

/**
 * The same bulk upload (same seed, same articles) through our ingest and the naive publisher,
 * driven by the table stream one article at a time, as a stream-triggered Lambda looping over
 * its records would. It gets as long as our whole run took (`budgetMs`); what it has not
 * published by then is counted, not published, so the benchmark ends in time.
 */
export async function naiveBench(
  base: EmbeddedAws,
  results: Results,
  site: SiteConfig,
  ours: BulkRun,
  { seed, concurrency, budgetMs }: { seed: number; concurrency: number; budgetMs: number },
): Promise<void> {
  const aws = await withOwnResources(base, 'naive');
  const s3 = localS3Client(aws.endpoints.s3);
  const puts = countPuts(s3, aws.names.siteBucket);
  const count = { published: 0, live: 0, rulePuts: 0, publishedRulePuts: 0 };
  let deadline = Number.POSITIVE_INFINITY;
  let lastPublishMs = 0;
  const table = new DynamoArticleTable({ client: aws.dynamo, tableName: aws.names.table });
  const naive = new NaivePublisher({ table, s3, bucket: aws.names.siteBucket, site });
  const publishHandler = async (event: DynamoDBStreamEvent) => {
    for (const change of articleChanges(event.Records)) {
      if (change.after?.status !== 'live') continue;
      const rule = naivePuts(feedsOf(change.after).length);
      count.live += 1;
      count.rulePuts += rule;
      if (performance.now() >= deadline) continue;
      await naive.publishArticle(change.after);
      count.published += 1;
      count.publishedRulePuts += rule;
      lastPublishMs = performance.now();
    }
    return { batchItemFailures: [] };
  };
  // Our real ingest, wired as `npm start` wires it; only the publisher is the naive one.
  const ingest = await startPipeline({
    aws,
    site,
    releaseIntervalMs: 0,
    publishHandler: () => publishHandler,
  });
  try {
    const specs = generateCorpus({ seed, count: ours.articles, folder: 'bulk' });
    const start = performance.now();
    deadline = start + budgetMs;
    await uploadAll(s3, aws.names.inboxBucket, specs, concurrency);
    await ingest.settle();
    const complete = count.published === ours.articles;
    if (complete && !(await waitForFeeds(aws, site.itemLimit)).ok)
      throw new Error('naive run did not converge');
    if (count.live !== ours.articles || puts.keys.length !== count.publishedRulePuts)
      throw new Error(
        `naive run miscounted: ${JSON.stringify({ ...count, puts: puts.keys.length })}`,
      );
    const elapsedMs = (complete ? lastPublishMs : deadline) - start;
    const wallMs = complete ? elapsedMs : (elapsedMs * ours.articles) / count.published;
    results.add('naive_published_in_budget', {
      value: count.published,
      unit: 'articles',
      note: `of ${ours.articles}, in ${round(budgetMs / 1000)} s (ours published all in ${round(ours.wallMs / 1000)} s); ${puts.keys.length} PUTs measured`,
    });
    results.add('naive_site_puts', {
      value: count.rulePuts,
      unit: 'PUTs',
      note: `${round(count.rulePuts / ours.articles)}/article for all ${ours.articles} (3 per feed + page + index, as measured exactly on the ${count.published} published); ours ${ours.sitePuts}`,
    });
    results.add('naive_puts_ratio', {
      value: round(count.rulePuts / ours.sitePuts),
      unit: 'x',
      goal: atLeast(10),
      note: 'naive PUTs / our PUTs, same articles',
    });
    results.add(complete ? 'naive_wall_s' : 'naive_wall_s_projected', {
      value: round(wallMs / 1000),
      unit: 's',
      note: complete
        ? `ours ${round(ours.wallMs / 1000)} s`
        : `its rate so far × ${ours.articles}: a lower bound, later articles have fuller feeds`,
    });
    results.add('naive_time_ratio', { value: round(wallMs / ours.wallMs), unit: 'x' });
  } finally {
    await ingest.stop();
    s3.destroy();
  }
}
