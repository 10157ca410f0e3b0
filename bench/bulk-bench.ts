import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteConfig } from '../shared/config/site.ts';
import { localS3Client } from '../shared/local/clients.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { type InboxMirror, startInboxMirror } from '../shared/local/inbox-mirror.ts';
import { type Pipeline, startPipeline } from '../shared/local/pipeline.ts';
import { writeArticleFiles } from './article-files.ts';
import { type ArticleSpec, generateCorpus } from './corpus.ts';
import { type CpuSpent, cpuBound, cpuNote, meterCpu, requestMix } from './cpu-meter.ts';
import { freshnessBench } from './freshness-bench.ts';
import { withOwnResources } from './names.ts';
import { atLeast, atMost, type Results } from './results.ts';
import { countPuts } from './sdk-meters.ts';
import { round, since, sleep } from './stats.ts';
import { uploadAll } from './upload.ts';
import { waitForFeeds } from './wait-for-feeds.ts';

export interface BulkRun {
  articles: number;
  wallMs: number;
  sitePuts: number;
}

/** What one bulk delivery did, from its first byte sent to every feed verified. */
interface Delivery {
  /** When the last article was handed over (uploaded, or written to the folder). */
  deliveredMs: number;
  settledMs: number;
  /** Up to every feed verified over HTTP; the settle time when the first check passed. */
  wallMs: number;
  sitePuts: string[];
  feeds: number;
  /** The CPU the run took, first byte to settled, and the pipeline's requests. */
  cpu: CpuSpent & { requests: Map<string, number> };
}

/**
 * Our pipeline (the real ingest and publish handlers, as `npm start` wires them) given the
 * articles of `specs` by `deliver`; waits until ingest has an outcome for every one and the
 * pipeline has settled, then checks that every one was published and every feed matches the
 * table; then runs `after` on the same, now idle, pipeline. `failed` ends the wait early with
 * the error of a delivery that went wrong after `deliver` returned (a folder's files are
 * uploaded later).
 */
async function deliverInBulk(
  aws: EmbeddedAws,
  site: SiteConfig,
  specs: readonly ArticleSpec[],
  deliver: (specs: readonly ArticleSpec[]) => Promise<void>,
  {
    after = async () => {},
    failed = () => undefined,
  }: { after?: (pipeline: Pipeline) => Promise<void>; failed?: () => unknown } = {},
): Promise<Delivery> {
  // The pipeline's adapters use aws.s3: count before it starts.
  const puts = countPuts(aws.s3, aws.names.siteBucket);
  const meter = meterCpu(aws);
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
  try {
    const start = performance.now();
    meter.start();
    await deliver(specs);
    const deliveredMs = since(start);
    // A folder's files reach the bucket after they are written: wait for their ingests first.
    const ingested = () => [...outcomes.values()].reduce((sum, n) => sum + n, 0);
    const deadline = performance.now() + 10 * 60_000;
    while (ingested() < specs.length && performance.now() < deadline) {
      const error = failed();
      if (error) throw error;
      await sleep(50);
    }
    await pipeline.settle();
    const settledMs = since(start);
    const settledCpu = meter.stop();
    const check = await waitForFeeds(aws, site.itemLimit);
    const verifiedMs = since(start);
    // Over the same stretch as the wall time: to the settle, or to the check that passed.
    const cpu = check.firstPassed ? settledCpu : meter.stop();
    if (!check.ok || outcomes.get('published') !== specs.length)
      throw new Error(
        `bulk run did not converge: ${JSON.stringify({ outcomes: [...outcomes], check })}`,
      );
    const sitePuts = [...puts.keys];
    await after(pipeline);
    return {
      deliveredMs,
      settledMs,
      // The state at settle() was already right unless the first check had to wait.
      wallMs: check.firstPassed ? settledMs : verifiedMs,
      sitePuts,
      feeds: check.feeds,
      cpu,
    };
  } finally {
    await pipeline.stop();
  }
}

/** A rate figure, with the CPU the run took (and why the goal was missed, if the CPU says). */
function addRateFigures(
  results: Results,
  run: Delivery,
  count: number,
  {
    name,
    goal,
    note,
    sender,
    suffix = '',
  }: { name: string; goal: number; note: string; sender: string; suffix?: string },
) {
  results.add(name, {
    value: round(count / (run.wallMs / 1000), 1),
    unit: 'articles/s',
    goal: atLeast(goal),
    note: `${note}${cpuBound(run.cpu, count / goal)}`,
  });
  const { requests } = run.cpu;
  results.add(`bulk_cpu_s${suffix}`, {
    value: round(run.cpu.totalS, 1),
    unit: 's',
    note: `${cpuNote(run.cpu, sender)}; ${requestMix(requests, 'dynamodb')}; ${requestMix(requests, 's3', 4)}; ${requestMix(requests, 'streams', 2)}`,
  });
  results.add(`bulk_cpu_floor_s${suffix}`, {
    value: round(run.cpu.floorS, 1),
    unit: 's',
    note: `bulk_cpu_s${suffix} / ${run.cpu.cores} cores: the least wall time this work allows here; the run took ${round(run.wallMs / 1000, 1)} s`,
  });
}

function addPutFigures(results: Results, run: Delivery, count: number, suffix = '') {
  const distinct = new Set(run.sitePuts).size;
  results.add(`site_puts${suffix}`, {
    value: run.sitePuts.length,
    unit: 'PUTs',
    note: 'site bucket, bulk run',
  });
  results.add(`site_puts_per_article${suffix}`, {
    value: round(run.sitePuts.length / count),
    unit: 'PUTs/article',
  });
  results.add(`site_puts_minimum${suffix}`, {
    value: distinct,
    unit: 'PUTs',
    note: 'distinct site keys written: each had to change at least once',
  });
  results.add(`site_puts_ratio${suffix}`, {
    value: round(run.sitePuts.length / distinct),
    unit: 'x',
    goal: atMost(1.2),
    note: 'actual PUTs / distinct keys',
  });
}

/**
 * A bulk upload through the S3 API: figures ingest_rate and site_puts_*, then freshness on the
 * same, now idle, pipeline.
 */
export async function bulkBench(
  base: EmbeddedAws,
  results: Results,
  site: SiteConfig,
  { count, seed, concurrency }: { count: number; seed: number; concurrency: number },
): Promise<BulkRun> {
  const aws = await withOwnResources(base, 'ours');
  const uploader = localS3Client(aws.endpoints.s3);
  try {
    const run = await deliverInBulk(
      aws,
      site,
      generateCorpus({ seed, count, folder: 'bulk' }),
      (specs) => uploadAll(uploader, aws.names.inboxBucket, specs, concurrency),
      {
        after: (pipeline) =>
          freshnessBench(aws, pipeline, results, { seed: seed + 1, samples: 20 }),
      },
    );
    addRateFigures(results, run, count, {
      name: 'ingest_rate',
      goal: 100,
      sender: 'the uploader',
      note: `${count} uploads (${concurrency} in flight) done at ${round(run.deliveredMs / 1000)} s, pipeline settled at ${round(run.settledMs / 1000)} s; ${run.feeds} feeds verified over HTTP`,
    });
    results.add('ours_wall_s', { value: round(run.wallMs / 1000), unit: 's' });
    addPutFigures(results, run, count);
    return { articles: count, wallMs: run.wallMs, sitePuts: run.sitePuts.length };
  } finally {
    uploader.destroy();
  }
}

/**
 * The same articles written into `feedpub dev`'s inbox folder, which its mirror uploads (a scan
 * every 400 ms; a file goes once it has looked the same for two): figures ingest_rate_folder.
 */
export async function folderBulkBench(
  base: EmbeddedAws,
  results: Results,
  site: SiteConfig,
  { count, seed }: { count: number; seed: number },
): Promise<void> {
  const aws = await withOwnResources(base, 'folder');
  const dir = await mkdtemp(join(tmpdir(), 'feedpub-bench-inbox-'));
  const inbox = join(dir, 'inbox');
  let mirror: InboxMirror | undefined;
  let uploadError: unknown;
  try {
    await mkdir(inbox);
    mirror = await startInboxMirror({
      dir: inbox,
      s3: aws.s3,
      bucket: aws.names.inboxBucket,
      manifestPath: join(dir, 'mirror.json'),
      onError: (error, path) => {
        uploadError ??= new Error(`inbox mirror: ${path}`, { cause: error });
      },
    });
    const run = await deliverInBulk(
      aws,
      site,
      generateCorpus({ seed, count, folder: 'bulk' }),
      // An editor's copy lands at once (synchronous writes): the mirror's scans then find it.
      async (specs) => {
        writeArticleFiles([inbox], specs);
      },
      { failed: () => uploadError },
    );
    addRateFigures(results, run, count, {
      name: 'ingest_rate_folder',
      goal: 50,
      sender: 'the folder mirror',
      suffix: '_folder',
      note: `${count} files written into the inbox folder in ${round(run.deliveredMs / 1000)} s, pipeline settled at ${round(run.settledMs / 1000)} s; ${run.feeds} feeds verified over HTTP`,
    });
    addPutFigures(results, run, count, '_folder');
  } finally {
    await mirror?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
