import type { SiteConfig } from '../shared/config/site.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import type { Pipeline } from '../shared/local/pipeline.ts';
import type { HandlerProbe, SiteChanges } from './load-probes.ts';
import { compareSiteWithTable, type SiteComparison } from './site-vs-table.ts';

/**
 * After the last upload: wait until every feed, page and listing in the site bucket is what a
 * fresh render of the table says, and date the moment it became so.
 */

export interface Convergence {
  converged: boolean;
  /**
   * Converged: last upload → the later of the site's last change (s3rver's notification) and
   * the end of the last ingest; after that neither the site nor the articles moved, and the
   * check found them equal. Not converged: how long it waited (a lower bound).
   */
  seconds: number;
  /** Last upload → the start of the check that found them equal: an upper bound. */
  checkedSeconds: number;
  checks: number;
  /** The last check. */
  comparison: SiteComparison;
  /** Why it stopped waiting, when it did not converge. */
  gaveUp?: string;
}

interface Probes {
  ingest: HandlerProbe;
  publish: HandlerProbe;
  changes: SiteChanges;
}

export interface ConvergenceOptions {
  aws: EmbeddedAws;
  site: SiteConfig;
  pipeline: Pipeline;
  probes: Probes;
  /** performance.now() when S3 answered the last upload. */
  lastUploadAt: number;
  deadlineMs: number;
  /** Stop early when the pipeline has had nothing to do for this long and the site is still wrong. */
  idleMs?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves false after `ms`, unless `done` wins first; the timer goes either way. */
async function beforeDeadline(done: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([done.then(() => true), late]);
  } finally {
    // A pending deadline would keep `npm run load` alive for minutes after its results.
    clearTimeout(timer);
  }
}

/** Anything the pipeline did: a new value means it was not quiet. */
const activity = ({ ingest, publish, changes }: Probes) =>
  `${ingest.invocations}/${publish.invocations}/${changes.count}/${ingest.active}/${publish.active}`;

export async function waitForConvergence(options: ConvergenceOptions): Promise<Convergence> {
  const { aws, site, pipeline, probes, lastUploadAt } = options;
  const deadline = lastUploadAt + options.deadlineMs;
  const idleMs = options.idleMs ?? 15_000;
  const since = (at: number) => Math.max(0, at - lastUploadAt) / 1000;
  for (let checks = 1; ; checks++) {
    const settled = await beforeDeadline(
      pipeline.settle(),
      Math.max(0, deadline - performance.now()),
    );
    const before = activity(probes);
    const checkedAt = performance.now();
    const comparison = await compareSiteWithTable(aws, site);
    const after = activity(probes);
    const quiet =
      settled && before === after && probes.ingest.active === 0 && probes.publish.active === 0;
    if (quiet && comparison.stale.length === 0) {
      const lastChange = Math.max(probes.changes.lastAt, probes.ingest.lastEndedAt);
      return {
        converged: true,
        seconds: since(lastChange),
        checkedSeconds: since(checkedAt),
        checks,
        comparison,
      };
    }
    const now = performance.now();
    const lastActive = Math.max(
      probes.changes.lastAt,
      probes.ingest.lastEndedAt,
      probes.publish.lastEndedAt,
    );
    const gaveUp =
      now >= deadline
        ? `no convergence within ${options.deadlineMs / 1000} s of the last upload`
        : quiet && now - lastActive > idleMs
          ? `pipeline idle for ${Math.round((now - lastActive) / 1000)} s with the site still wrong`
          : undefined;
    if (gaveUp)
      return {
        converged: false,
        seconds: since(now),
        checkedSeconds: since(now),
        checks,
        comparison,
        gaveUp,
      };
    options.log?.(
      `check ${checks} at +${since(checkedAt).toFixed(1)} s: ${comparison.stale.length} stale files${settled ? '' : ' (pipeline busy)'}`,
    );
    await sleep(500);
  }
}
