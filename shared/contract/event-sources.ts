import { EDGE_SECONDS } from './edge.ts';
import { ARTICLE_PK_PREFIX } from './table.ts';

/**
 * How Lambda feeds the two functions: the settings of both event-source mappings, read by the
 * CDK stack (infra/) and by the local runtime (shared/local/), so what production does, the
 * local runtime and the suite do too. Plain data: no SDK or CDK types. (Deliveries of one
 * inbox message before its dead-letter queue: INGEST_MAX_RECEIVES in inbox.ts.)
 */

/** The inbox queue → ingest mapping. */
export const INGEST_EVENTS = {
  /** Messages per invocation (one S3 event each). */
  batchSize: 10,
  /** No batching window: an upload is ingested as soon as it is seen (freshness). */
  maxBatchingWindowSeconds: 0,
  /**
   * Invocations at once (SQS maximum concurrency, 2–1000). Bounds the table's write rate and
   * the account concurrency a bulk import can take: 50 × 10 messages per invocation.
   */
  maxConcurrency: 50,
  timeoutSeconds: 30,
  /**
   * The function's memory, in MB: two parse workers (192 MB of heap each, see
   * shared/parsing/parse-pool.ts) beside the handler, and the CPU share that comes with it.
   */
  memoryMb: 1024,
} as const;

/** The table stream → publish mapping. */
export const PUBLISH_EVENTS = {
  /**
   * The mapping's filter: only article items' records reach publish (not feed entries, sources,
   * or publish's own ledger and meta writes, which would otherwise invoke it again).
   */
  partitionKeyPrefix: ARTICLE_PK_PREFIX,
  batchSize: 500,
  /**
   * No window (Lambda's choices are whole seconds): a batch goes out as soon as a poll (four a
   * second) finds records, so an upload is in the feeds within seconds. A burst does not render
   * a feed once per article: records pile up while a lane is busy (bigger batches), and across
   * lanes one render of a feed covers every claim made before it (RenderLedger), so a busy feed
   * is rendered about once per render time. Measured with `npm run load`: a 1 s window cost
   * about a second of freshness for no fewer renders.
   */
  maxBatchingWindowSeconds: 0,
  /**
   * Concurrent batches per stream shard (1–10); records of one article (one partition key)
   * stay in order, in one of them. Four, measured on 2 cores (2026-12-04, with the rendered
   * items kept): two lanes converged sooner after `npm run load`'s burst (20.7 against 25.2 s,
   * freshness p95 2,531 against 2,667 ms) but wrote more site files in the bulk run (every batch
   * that runs while an import is still arriving rewrites the feeds it touches:
   * `naive_puts_ratio` 9.6 against 10.0), and halve what one shard publishes; eight were
   * worse at everything.
   */
  parallelizationFactor: 4,
  retryAttempts: 10,
  bisectBatchOnError: true,
  timeoutSeconds: 120,
  /**
   * The function's memory, in MB. Publish renders and hashes on one thread and is CPU-bound
   * (`npm run bench`, `publish_batch_*`: a 500-record batch is mostly that thread's CPU);
   * Lambda gives a full vCPU at 1,769 MB and CPU in proportion below it, so below it a batch
   * costs the same GB-seconds at any size, only slower, and above it one thread gains nothing.
   */
  memoryMb: 1769,
} as const;

/**
 * The hub-notice queue → announce mapping. Publish queues a notice per hub (config.hubs) for
 * each batch that changed a feed, naming those feeds, and returns: the wait for the edge (below)
 * is the queue's, so it never holds a stream lane. Announce pings each hub with the feeds of its
 * notices in the batch.
 */
export const ANNOUNCE_EVENTS = {
  /**
   * A notice is delivered this long after publish sent it, that is, after its batch's last
   * write: the edge keeps a feed EDGE_SECONDS.feed, plus a second for rounding and a request on
   * its way, so a hub that fetches at once gets the new bytes. (SQS counts whole seconds.)
   */
  delaySeconds: EDGE_SECONDS.feed + 1,
  /** Notices per invocation: their feeds are merged, so a busy minute makes fewer pings. */
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  /** The minimum SQS allows: pings are light, and a hub is not to be flooded. */
  maxConcurrency: 2,
  timeoutSeconds: 30,
  /** The function's memory, in MB: the smallest of ours (FeedpubFunction's default). */
  memoryMb: 512,
  /** Receives before the notice queue's dead letters (a hub refused every attempt of each). */
  maxReceives: 3,
} as const;

/**
 * The two schedules: EventBridge rules when deployed (infra/publishing.ts), timers in
 * `feedpub dev` (shared/local/pipeline.ts). Release every minute, so a story scheduled or
 * embargoed until 09:00 is in the feeds by about 09:01 (~43,000 small runs a month, cents).
 * The site frame (PUBLISH_SITE_EVENT) every 5 minutes: it reads the site feed and listings
 * again (~170 read units), and what it mends (a fresh deploy's empty site, a deleted index, a
 * withdrawal whose announcement window is over) can wait that long.
 */
export const SCHEDULES = { releaseEveryMinutes: 1, siteFrameEveryMinutes: 5 } as const;

/**
 * What the schedule sends publish, besides its stream batches: render the site's feed and
 * listings from the table as it is (publishSite), so a fresh deploy answers `/` and `/rss.xml`
 * within one tick, and a deleted index comes back. Idempotent; it writes only what changed.
 */
export const PUBLISH_SITE_EVENT = { feedpub: 'publish-site' } as const;

/**
 * What an operator sends publish (Lambda Invoke; locally, the same handler) to render again
 * from the table without an upload: every article (`all`) or these ids, with every feed and
 * listing they are in. `feedpub republish` sends it, and `feedpub redrive` turns the publish
 * dead-letter queue's records into one. Idempotent: unchanged files are not written.
 */
export interface RepublishEvent {
  feedpub: 'republish';
  all?: true;
  ids?: string[];
}

export const REPUBLISH_EVENT_KIND = 'republish' as const;

/** What publish answers a RepublishEvent (`feedpub republish` and `redrive` print it). */
export interface RepublishSummary {
  /** Articles rendered again. */
  articles: number;
  written: number;
  deleted: number;
  unchanged: number;
  /** Ids asked for that the table does not hold: nothing rendered for them. */
  notFound: string[];
  /**
   * Set when not everything is rendered yet: out of time or a render failed (the schedule's
   * next tick goes on from where it stopped), or another publisher holds the job.
   */
  pending?: 'out of time' | 'failures' | 'another publisher';
  /** Ids named but not rendered yet (out of time): send them again in another request. */
  remaining?: string[];
}
