import type { DynamoDBRecord } from 'aws-lambda';
import { guidFromId, idFromKey } from '../shared/articles/object-key.ts';
import type { SiteConfig } from '../shared/config/site.ts';
import { feedPath } from '../shared/contract/site-layout.ts';
import { itemId } from '../shared/feeds/item-id.ts';
import { localDynamoClients, localS3Client } from '../shared/local/clients.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { startPipeline } from '../shared/local/pipeline.ts';
import { HttpHubNotifier } from '../shared/stores/http-hub-notifier.ts';
import { type CpuSpent, sampleCpu } from './cpu-meter.ts';
import { type Convergence, waitForConvergence } from './load-convergence.ts';
import { articleRecords, FeedWatcher, HandlerProbe, LocalHub, SiteChanges } from './load-probes.ts';
import { LoadUploader } from './load-uploader.ts';
import { finalState, type LoadOp, planWorkload } from './load-workload.ts';

/**
 * The load scenario, shared by `npm run load` and its short form in the test suite (only the
 * sizes differ): a sustained rate of mixed uploads through the S3 API, then a burst, into the
 * local Lambda-like runtime; then wait until the site is what the table says.
 */

export interface LoadOptions {
  site: SiteConfig;
  seed: number;
  /** Operations per second in the sustained phase, and for how long. */
  rate: number;
  seconds: number;
  burst: number;
  /** Requests open at once during the burst: enough to be a burst, few enough for s3rver. */
  burstInFlight: number;
  /** No key is overwritten or deleted sooner than this after its last write. */
  minAgeSeconds: number;
  /** Longest wait for the sustained phase's articles to be listed before the burst. */
  drainMs: number;
  /** Longest wait after the last upload for the site to equal the table. */
  convergeMs: number;
  log?: (line: string) => void;
}

export interface LoadRun {
  ops: LoadOp[];
  uploads: number;
  uploadErrors: string[];
  sustainedSeconds: number;
  maxIssueLagMs: number;
  burstSeconds: number;
  deadLetters: number;
  streamFailedRecords: number;
  /** On-failure calls of the stream runtime without records (its own errors). */
  streamErrors: string[];
  ingest: HandlerProbe;
  publish: HandlerProbe;
  /** Upload → listed in the site feed, per new article of the sustained phase (ms). */
  freshness: number[];
  /** Of those, never listed while watched (their sample is how long they were watched). */
  neverListed: string[];
  feedWrites: { watched: number; unreadable: number; announced: number };
  /** The site's WebSub hub: pings it took, feeds they named, notices given up on. */
  hub: { pings: number; topics: number; deadLetters: number };
  convergence: Convergence;
  /** The CPU of the burst: its first upload → converged (undefined: it did not converge). */
  burstCpu: CpuSpent | undefined;
  /** Keys whose article in the table is not their last upload (or still live once deleted). */
  tableMismatches: string[];
  wallSeconds: number;
}

const FEED_PATH = feedPath({ kind: 'all' }, 'json');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const itemOf = (key: string) => {
  const id = idFromKey(key);
  return itemId(guidFromId(id), id);
};

export async function runLoad(aws: EmbeddedAws, options: LoadOptions): Promise<LoadRun> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const sustainedOps = Math.round(options.rate * options.seconds);
  const ops = planWorkload({
    seed: options.seed,
    sustainedOps,
    burstOps: options.burst,
    minAgeOps: Math.round(options.rate * options.minAgeSeconds),
    folder: 'load',
  });
  // The pipeline gets clients of its own, so the probes on them see only what it sends.
  const clients = {
    s3: localS3Client(aws.endpoints.s3),
    ...localDynamoClients(aws.endpoints.dynamodb),
  };
  const feed = new FeedWatcher(clients.s3, aws.names.siteBucket, FEED_PATH);
  const changes = new SiteChanges(aws, FEED_PATH);
  const ingest = new HandlerProbe();
  const publish = new HandlerProbe(articleRecords);
  let streamFailedRecords = 0;
  const streamErrors: string[] = [];
  const hub = await LocalHub.start();
  const site = { ...options.site, hubs: [hub.url] };
  const pipeline = await startPipeline({
    aws: { ...aws, ...clients },
    site,
    releaseIntervalMs: 0,
    notifier: new HttpHubNotifier(),
    ingestHandler: (real) => ingest.wrap(real),
    publishHandler: (real) => publish.wrap(real),
    onStreamFailure: (records: DynamoDBRecord[], error: unknown) => {
      streamFailedRecords += articleRecords(records);
      if (records.length === 0) streamErrors.push(String(error));
    },
  });
  const uploaderClient = localS3Client(aws.endpoints.s3);
  const uploader = new LoadUploader(uploaderClient, aws.names.inboxBucket);
  const progress = setInterval(() => log(status(uploader, ingest, publish, feed)), 30_000);
  // The burst's CPU, read from its first upload on (stopped however the run ends).
  let cpu: ReturnType<typeof sampleCpu> | undefined;
  try {
    const sustainedStart = performance.now();
    await uploader.atRate(ops.slice(0, sustainedOps), options.rate);
    const sustainedSeconds = (performance.now() - sustainedStart) / 1000;
    log(
      `sustained phase done in ${sustainedSeconds.toFixed(1)} s; ${status(uploader, ingest, publish, feed)}`,
    );

    // Freshness is about the sustained phase: its last articles get listed (or the wait ends)
    // before the burst's newer ones push them out of the site feed's newest entries.
    const live = finalState(uploader.sent.map((s) => s.op));
    const samples = uploader.sent
      .filter((s) => s.op.kind === 'new')
      .map((s) => ({ ...s, item: itemOf(s.op.key), live: live.get(s.op.key) !== undefined }));
    const drainEnd = performance.now() + options.drainMs;
    const unlisted = () => samples.filter((s) => !feed.firstListed.has(s.item));
    while (performance.now() < drainEnd && unlisted().some((s) => s.live)) await sleep(100);
    const watchedUntil = performance.now();
    const freshness = samples.map(
      (s) => (feed.firstListed.get(s.item) ?? watchedUntil) - s.issuedAt,
    );
    const neverListed = unlisted().map(
      (s) =>
        `${s.op.key}${s.live ? '' : ' (deleted since)'} at +${Math.round((s.issuedAt - sustainedStart) / 1000)} s`,
    );

    const burstStart = performance.now();
    cpu = sampleCpu(aws);
    await uploader.burst(ops.slice(sustainedOps), options.burstInFlight);
    const lastUploadAt = uploader.lastAckedAt;
    const burstSeconds = (lastUploadAt - burstStart) / 1000;
    log(`burst of ${options.burst} sent in ${burstSeconds.toFixed(1)} s; waiting for the site`);

    const convergence = await waitForConvergence({
      aws,
      site,
      pipeline,
      probes: { ingest, publish, changes },
      lastUploadAt,
      deadlineMs: options.convergeMs,
      log,
    });
    cpu.stop();
    const convergedAt = lastUploadAt + convergence.seconds * 1000;
    const expected = finalState(uploader.sent.map((s) => s.op));
    return {
      ops,
      uploads: uploader.sent.length,
      uploadErrors: uploader.errors,
      sustainedSeconds,
      maxIssueLagMs: uploader.maxLagMs,
      burstSeconds,
      deadLetters: pipeline.queue.deadLetters.length,
      streamFailedRecords,
      streamErrors,
      ingest,
      publish,
      freshness,
      neverListed,
      feedWrites: {
        watched: feed.writes,
        unreadable: feed.unreadable,
        announced: changes.feedWrites,
      },
      hub: {
        pings: hub.pings,
        topics: hub.topics.size,
        deadLetters: pipeline.hubNotices?.deadLetters.length ?? 0,
      },
      convergence,
      burstCpu: convergence.converged ? cpu.between(burstStart, convergedAt) : undefined,
      tableMismatches: mismatches(expected, convergence.comparison.tableArticles),
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    cpu?.stop();
    clearInterval(progress);
    changes.stop();
    await pipeline.stop();
    await hub.close();
    for (const client of [uploaderClient, clients.s3, clients.dynamo, clients.streams])
      client.destroy();
  }
}

function status(
  uploader: LoadUploader,
  ingest: HandlerProbe,
  publish: HandlerProbe,
  feed: FeedWatcher,
) {
  return [
    `${uploader.sent.length} uploads`,
    `ingest ${ingest.invocations} invocations (max ${ingest.maxActive} at once, ${ingest.failedRecords} failed records)`,
    `publish ${publish.invocations} (max ${publish.maxActive}, ${publish.failedRecords} failed)`,
    `${feed.firstListed.size} items ever in the site feed`,
  ].join('; ');
}

/** Keys whose table article is not what their last upload says. */
function mismatches(
  expected: ReadonlyMap<string, string | undefined>,
  articles: readonly { id: string; title: string; status: string }[],
): string[] {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const found: string[] = [];
  for (const [key, title] of expected) {
    const article = byId.get(idFromKey(key));
    const live = article?.status === 'live' ? article.title : undefined;
    if (live !== title)
      found.push(`${key}: want ${title ?? 'nothing'}, table has ${live ?? 'nothing'}`);
  }
  return found;
}
