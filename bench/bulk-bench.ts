import type { SiteConfig } from '../shared/config/site.ts';
import { localS3Client } from '../shared/local/clients.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { startPipeline } from '../shared/local/pipeline.ts';
import { generateCorpus } from './corpus.ts';
import { freshnessBench } from './freshness-bench.ts';
import { withOwnResources } from './names.ts';
import { atLeast, atMost, type Results } from './results.ts';
import { countPuts } from './sdk-meters.ts';
import { round, since } from './stats.ts';
import { uploadAll } from './upload.ts';
import { waitForFeeds } from './wait-for-feeds.ts';

export interface BulkRun {
  articles: number;
  wallMs: number;
  sitePuts: number;
}

/**
 * Our pipeline (the real ingest and publish handlers, as `npm start` wires them) given a bulk
 * upload: figures ingest_rate and site_puts_*, then freshness on the same, now idle, pipeline.
 */
export async function bulkBench(
  base: EmbeddedAws,
  results: Results,
  site: SiteConfig,
  { count, seed, concurrency }: { count: number; seed: number; concurrency: number },
): Promise<BulkRun> {
  const aws = await withOwnResources(base, 'ours');
  // The pipeline's adapters use aws.s3: count before it starts.
  const puts = countPuts(aws.s3, aws.names.siteBucket);
  const outcomes = new Map<string, number>();
  const pipeline = await startPipeline({
    aws,
    site,
    releaseIntervalMs: 0,
    onIngest: (o) => {
      const name = o.kind === 'applied' ? o.report.status : o.kind;
      outcomes.set(name, (outcomes.get(name) ?? 0) + 1);
    },
  });
  const uploader = localS3Client(aws.endpoints.s3);
  try {
    const specs = generateCorpus({ seed, count, folder: 'bulk' });
    const start = performance.now();
    await uploadAll(uploader, aws.names.inboxBucket, specs, concurrency);
    const uploadedMs = since(start);
    await pipeline.settle();
    const settledMs = since(start);
    const check = await waitForFeeds(aws, site.itemLimit);
    const verifiedMs = since(start);
    const published = outcomes.get('published') ?? 0;
    if (!check.ok || published !== count)
      throw new Error(
        `bulk run did not converge: ${JSON.stringify({ outcomes: [...outcomes], check })}`,
      );
    // The state at settle() was already right unless the first check had to wait.
    const wallMs = check.firstPassed ? settledMs : verifiedMs;
    const sitePuts = puts.keys.length;
    const distinct = new Set(puts.keys).size;
    results.add('ingest_rate', {
      value: round(count / (wallMs / 1000), 1),
      unit: 'articles/s',
      goal: atLeast(100),
      note: `${count} uploads (${concurrency} in flight) done at ${round(uploadedMs / 1000)} s, pipeline settled at ${round(settledMs / 1000)} s; ${check.feeds} feeds verified over HTTP`,
    });
    results.add('ours_wall_s', { value: round(wallMs / 1000), unit: 's' });
    results.add('site_puts', { value: sitePuts, unit: 'PUTs', note: 'site bucket, bulk run' });
    results.add('site_puts_per_article', { value: round(sitePuts / count), unit: 'PUTs/article' });
    results.add('site_puts_minimum', {
      value: distinct,
      unit: 'PUTs',
      note: 'distinct site keys written: each had to change at least once',
    });
    results.add('site_puts_ratio', {
      value: round(sitePuts / distinct),
      unit: 'x',
      goal: atMost(1.2),
      note: 'actual PUTs / distinct keys',
    });
    await freshnessBench(aws, pipeline, results, { seed: seed + 1, samples: 20 });
    return { articles: count, wallMs, sitePuts };
  } finally {
    uploader.destroy();
    await pipeline.stop();
  }
}
