import type { Article } from '../shared/articles/article.ts';
import { planArticleWrite } from '../shared/articles/stored.ts';
import type { SiteConfig } from '../shared/config/site.ts';
import { PUBLISH_EVENTS } from '../shared/contract/event-sources.ts';
import type { ArticleChange } from '../shared/ports/feed-reader.ts';
import { publishChanges } from '../shared/publish/publish-changes.ts';
import { committedBy } from '../shared/stores/article-stream.ts';
import { type ArticleSpec, generateCorpus } from './corpus.ts';
import { atMost, type Results } from './results.ts';
import { minuteIso, type Site } from './scaling-bench.ts';
import { mainThreadCpuMs, round, since } from './stats.ts';
import { storedArticle } from './stored-articles.ts';

/** Lambda's CPU at `memoryMb`: a full vCPU from 1,769 MB, in proportion below it. */
const LAMBDA_FULL_VCPU_MB = 1769;
const vcpuShare = (memoryMb: number) => Math.min(1, memoryMb / LAMBDA_FULL_VCPU_MB);

/** At most this share of the publish function's timeout for its largest batch. */
const TIMEOUT_SHARE_GOAL = 0.25;

/** Each kind's two batches: from a new container, then from the same one. */
const ROUNDS = ['new container', 'same again'] as const;

interface BatchRun {
  ms: number;
  /** This thread's CPU time (busy time where /proc is missing): what a publish Lambda computes. */
  cpuMs: number;
  puts: number;
}

/**
 * Where a batch's stories go: `new`, newer than every story in the table (the top of every
 * feed: a burst of news); `archive`, dated among the table's stories, spread over its whole
 * range (an archive imported into a site in service: each lands in an archive page).
 */
const KINDS = {
  new: (spec: ArticleSpec) => minuteIso(spec.index),
  archive: (spec: ArticleSpec, size: number) => minuteIso((spec.index * 7919) % size),
} as const;

/**
 * The largest stream batch (PUBLISH_EVENTS.batchSize records, over every tag and author) into
 * the scaling phase's largest table, for each kind of KINDS: published by a new container
 * (nothing read or rendered yet), then another such batch by the same container. Publish does it
 * on one thread, so that thread's CPU time over Lambda's CPU share at the function's memory is
 * what the batch takes there, assuming a Lambda vCPU as fast as this machine's core and the
 * waits on DynamoDB and S3 overlapped as here; the local wall time also pays for the emulators
 * on the same two cores. The goal is on the costliest of the four batches.
 */
export async function streamBatchBench(
  site: Site,
  results: Results,
  config: SiteConfig,
  { records = PUBLISH_EVENTS.batchSize, first }: { records?: number; first: number },
): Promise<void> {
  const share = vcpuShare(PUBLISH_EVENTS.memoryMb);
  let costliest = 0;
  let next = first;
  for (const [kind, dated] of Object.entries(KINDS)) {
    const container = site.coldContainer();
    const runs: BatchRun[] = [];
    for (const _ of ROUNDS) {
      const specs = generateCorpus({ seed: 11, count: records, folder: 'batch', first: next });
      next += records;
      const articles = specs.map((spec) => storedArticle(spec, dated(spec, site.size)));
      runs.push(await publishBatch(site, articles, config, container));
    }
    const cpuMs = Math.max(...runs.map((run) => run.cpuMs));
    costliest = Math.max(costliest, cpuMs);
    const each = runs
      .map(
        (r, i) =>
          `${ROUNDS[i]} ${round(r.ms / 1000, 1)} s (CPU ${round(r.cpuMs / 1000, 1)} s, ${r.puts} PUTs)`,
      )
      .join('; ');
    results.add(`publish_batch_${kind}_s`, {
      value: round(Math.max(...runs.map((run) => run.ms)) / 1000, 1),
      unit: 's',
      note: `the slower of two publishChanges of ${records} ${kind} stories into ${site.size}: ${each}`,
    });
    results.add(`publish_batch_${kind}_lambda_s`, {
      value: round(cpuMs / share / 1000, 1),
      unit: 's',
      note: `the busier batch's thread CPU / the vCPU share of ${PUBLISH_EVENTS.memoryMb} MB (${round(share)})`,
    });
  }
  results.add('publish_batch_timeout_share', {
    value: round(costliest / share / 1000 / PUBLISH_EVENTS.timeoutSeconds),
    unit: 'x',
    goal: atMost(TIMEOUT_SHARE_GOAL),
    note: `the costliest batch's Lambda time / the function's timeout (${PUBLISH_EVENTS.timeoutSeconds} s)`,
  });
  // The costly kind once more, as Lambda runs it: invocations that defer what they have no
  // time for, retried until nothing is left.
  const specs = generateCorpus({ seed: 11, count: records, folder: 'batch', first: next });
  const articles = specs.map((spec) => storedArticle(spec, KINDS.archive(spec, site.size)));
  const invocations = await publishInInvocations(site, articles, config, site.coldContainer());
  const longest = Math.max(...invocations.map((i) => i.lambdaMs));
  results.add('publish_batch_archive_invocations', {
    value: invocations.length,
    unit: 'invocations',
    note: `${records} archive stories from a new container, deferring at half the timeout (Lambda's clock: this thread's CPU / ${round(share)}): ${invocations.map((i) => `${round(i.lambdaMs / 1000, 1)} s for ${i.records} records, ${i.deferred} deferred`).join('; ')}`,
  });
  results.add('publish_batch_invocation_share', {
    value: round(longest / 1000 / PUBLISH_EVENTS.timeoutSeconds),
    unit: 'x',
    note: `the longest of those invocations / the function's timeout (${PUBLISH_EVENTS.timeoutSeconds} s)`,
  });
}

/** A stream batch's invocation: its Lambda time, its records, how many it left to a retry. */
interface Invocation {
  lambdaMs: number;
  records: number;
  deferred: number;
}

/**
 * Commits the articles, then publishes them as the publish function does one stream batch:
 * each invocation starts no archive page other than a feed's newest once half the timeout is
 * gone (PublishDeps.inTime, as the handler passes it), on a clock of this thread's CPU over
 * Lambda's CPU share (the clock the batch figures use); the records it deferred are sent again,
 * from the first of them on, as Lambda retries a batch, until none is left. Dated as their
 * stream records are (the second after the commit, rounded up), so a retry renders only what
 * the invocations before it did not.
 */
async function publishInInvocations(
  site: Site,
  articles: Article[],
  config: SiteConfig,
  container: ReturnType<Site['coldContainer']>,
): Promise<Invocation[]> {
  await commitAll(site, articles);
  const committedAt = committedBy(Date.now() / 1000);
  let changes: ArticleChange[] = articles.map((article) => ({
    recordId: `batch-${article.id}`,
    after: article,
    committedAt,
  }));
  const share = vcpuShare(PUBLISH_EVENTS.memoryMb);
  const halfMs = (PUBLISH_EVENTS.timeoutSeconds * 1000) / 2;
  const invocations: Invocation[] = [];
  while (changes.length > 0) {
    if (invocations.length === MAX_INVOCATIONS)
      throw new Error(`a batch still deferred records after ${MAX_INVOCATIONS} invocations`);
    const cpu = threadCpu();
    const lambdaMs = () => cpu() / share;
    const result = await publishChanges(changes, {
      feeds: site.table,
      ledger: site.ledger,
      config,
      ...container,
      inTime: () => lambdaMs() < halfMs,
    });
    if (result.failures.length > 0)
      throw new Error(`batch publish failed: ${result.failures[0]?.unit}`);
    const deferred = new Set(result.deferredRecordIds);
    invocations.push({ lambdaMs: lambdaMs(), records: changes.length, deferred: deferred.size });
    const from = changes.findIndex((change) => deferred.has(change.recordId));
    changes = from < 0 ? [] : changes.slice(from);
  }
  return invocations;
}

/** More would mean the retries redo what was done instead of going on from it. */
const MAX_INVOCATIONS = 10;

/** This thread's CPU time since the call (its event loop's busy time where /proc is missing). */
function threadCpu(): () => number {
  const busy = performance.eventLoopUtilization();
  const cpu = mainThreadCpuMs();
  return () => {
    const now = mainThreadCpuMs();
    return cpu !== undefined && now !== undefined
      ? now - cpu
      : performance.eventLoopUtilization(busy).active;
  };
}

async function commitAll(site: Site, articles: Article[]): Promise<void> {
  for (const article of articles)
    await site.table.commit({ articles: [planArticleWrite(undefined, article)] });
}

/** Commits the articles (as ingest would), then publishes them as one stream batch. */
async function publishBatch(
  site: Site,
  articles: Article[],
  config: SiteConfig,
  container: ReturnType<Site['coldContainer']>,
): Promise<BatchRun> {
  await commitAll(site, articles);
  site.puts.reset();
  const cpu = threadCpu();
  const start = performance.now();
  const result = await publishChanges(
    articles.map((article) => ({ recordId: `batch-${article.id}`, after: article })),
    { feeds: site.table, ledger: site.ledger, config, ...container },
  );
  const ms = since(start);
  const cpuMs = cpu();
  if (result.failures.length > 0)
    throw new Error(`batch publish failed: ${result.failures[0]?.unit}`);
  return { ms, cpuMs, puts: site.puts.keys.length };
}
