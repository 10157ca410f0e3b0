import { planArticleWrite } from '../shared/articles/stored.ts';
import type { SiteConfig } from '../shared/config/site.ts';
import { PUBLISH_EVENTS } from '../shared/contract/event-sources.ts';
import { publishChanges } from '../shared/publish/publish-changes.ts';
import { generateCorpus } from './corpus.ts';
import { atMost, type Results } from './results.ts';
import { minuteIso, type Site } from './scaling-bench.ts';
import { round, since } from './stats.ts';
import { storedArticle } from './stored-articles.ts';

/** Lambda's CPU at `memoryMb`: a full vCPU from 1,769 MB, in proportion below it. */
const LAMBDA_FULL_VCPU_MB = 1769;
const vcpuShare = (memoryMb: number) => Math.min(1, memoryMb / LAMBDA_FULL_VCPU_MB);

/** At most this share of the publish function's timeout for its largest batch, cold. */
const TIMEOUT_SHARE_GOAL = 0.25;

interface BatchRun {
  ms: number;
  /** Time this thread was busy (event-loop utilization): what a publish Lambda computes. */
  busyMs: number;
  puts: number;
}

/**
 * The largest stream batch (PUBLISH_EVENTS.batchSize records, new articles over every tag and
 * author) into the scaling phase's largest table, as a bulk import sends it: published by a new
 * container (nothing read or rendered yet), then another such batch by the same container.
 * publish does it on one thread, so that thread's busy time, over Lambda's CPU share at the
 * function's memory, is what the batch takes there; the local wall time also pays for the
 * emulators on the same two cores.
 */
export async function streamBatchBench(
  site: Site,
  results: Results,
  config: SiteConfig,
  { records = PUBLISH_EVENTS.batchSize, first }: { records?: number; first: number },
): Promise<void> {
  const container = site.coldContainer();
  const specs = generateCorpus({ seed: 11, count: 2 * records, folder: 'batch', first });
  const runs: BatchRun[] = [];
  for (const batch of [0, 1]) {
    const articles = specs
      .slice(batch * records, (batch + 1) * records)
      .map((spec) => storedArticle(spec, minuteIso(spec.index)));
    for (const article of articles)
      await site.table.commit({ articles: [planArticleWrite(undefined, article)] });
    site.puts.reset();
    const before = performance.eventLoopUtilization();
    const start = performance.now();
    const result = await publishChanges(
      articles.map((article) => ({ recordId: `batch-${article.id}`, after: article })),
      { feeds: site.table, ledger: site.ledger, config, ...container },
    );
    const ms = since(start);
    const busyMs = performance.eventLoopUtilization(before).active;
    if (result.failures.length > 0)
      throw new Error(`batch publish failed: ${result.failures[0]?.unit}`);
    runs.push({ ms, busyMs, puts: site.puts.keys.length });
  }
  const memory = PUBLISH_EVENTS.memoryMb;
  const share = vcpuShare(memory);
  // The slower of the two decides: the second has the first's articles cached and items kept,
  // but was measured slower as often as faster (a larger table and bucket by then).
  const slowest = runs.reduce((a, b) => (b.busyMs > a.busyMs ? b : a));
  const each = runs
    .map(
      (r, i) =>
        `${i === 0 ? 'new container' : 'same again'} ${round(r.ms / 1000, 1)} s (busy ${round(r.busyMs / 1000, 1)} s, ${r.puts} PUTs)`,
    )
    .join('; ');
  results.add('publish_batch_s', {
    value: round(slowest.ms / 1000, 1),
    unit: 's',
    note: `the slower of two publishChanges of ${records} new articles into ${site.size}, here: ${each}`,
  });
  const lambdaS = slowest.busyMs / share / 1000;
  results.add('publish_batch_lambda_s', {
    value: round(lambdaS, 1),
    unit: 's',
    note: `its thread's busy time / the vCPU share of ${memory} MB (${round(share)}), assuming a Lambda vCPU as fast as this machine's core and network waits overlapped as here`,
  });
  results.add('publish_batch_timeout_share', {
    value: round(lambdaS / PUBLISH_EVENTS.timeoutSeconds),
    unit: 'x',
    goal: atMost(TIMEOUT_SHARE_GOAL),
    note: `publish_batch_lambda_s / the function's timeout (${PUBLISH_EVENTS.timeoutSeconds} s)`,
  });
}
