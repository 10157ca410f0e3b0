import { afterEach, describe, expect, it } from 'vitest';
import { type LoadRun, runLoad } from '../../bench/load-scenario.ts';
import { finalState } from '../../bench/load-workload.ts';
import type { EmbeddedAws } from '../../shared/local/embedded-aws.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { SEED, scale } from '../support/reliability-config.ts';
import { startEmulators, warmUpStream } from '../support/reliability-pipeline.ts';

/**
 * The short form of `npm run load` (bench/load-scenario.ts, the same scenario at a smaller
 * size): a few seconds of mixed uploads at a steady rate, then a burst, through the S3 API into
 * the Lambda-like local runtime. Nothing here is timed: it checks what must hold at any speed.
 */

const RATE = 10;
const SECONDS = scale(4, 30);
const BURST = scale(40, 500);

describe('load through the S3 API (short npm run load)', () => {
  const started: EmbeddedAws[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((aws) => aws.stop()));
  });

  it(`${RATE}/s for ${SECONDS} s, then a burst of ${BURST}: nothing fails, the site ends as the table says`, async () => {
    const aws = await startEmulators('load');
    started.push(aws);
    await warmUpStream(aws);

    const run = await runLoad(aws, {
      site: TEST_SITE,
      seed: SEED,
      rate: RATE,
      seconds: SECONDS,
      burst: BURST,
      burstInFlight: 16,
      minAgeSeconds: 0.5,
      // Freshness is not asserted here: the burst follows the steady phase at once.
      drainMs: 0,
      // A deadline that only catches a hang: the test waits for a condition, not for time.
      convergeMs: 5 * 60_000,
    });

    console.info(`load: ${summary(run)}`);
    expect({
      uploadErrors: run.uploadErrors,
      dlqMessages: run.deadLetters + run.streamFailedRecords,
      failedRecords: { ingest: run.ingest.failedRecords, publish: run.publish.failedRecords },
      converged: run.convergence.gaveUp ?? 'yes',
      staleFiles: run.convergence.comparison.examples,
      tableMismatches: run.tableMismatches,
      hubNoticeDeadLetters: run.hub.deadLetters,
    }).toEqual({
      uploadErrors: [],
      dlqMessages: 0,
      failedRecords: { ingest: 0, publish: 0 },
      converged: 'yes',
      staleFiles: [],
      tableMismatches: [],
      hubNoticeDeadLetters: 0,
    });
    // The site names a hub, as production does by default: it heard of the changes.
    expect(run.hub.pings).toBeGreaterThan(0);
    // Else the run proved nothing about concurrency.
    expect(run.ingest.maxActive).toBeGreaterThanOrEqual(2);
    expect(run.publish.maxActive).toBeGreaterThanOrEqual(2);
    // The comparison really compared a site: every live article's page and more.
    const liveKeys = [...finalState(run.ops).values()].filter((title) => title !== undefined);
    expect(run.convergence.comparison.expectedFiles).toBeGreaterThan(liveKeys.length);
  });
});

function summary(run: LoadRun): string {
  return JSON.stringify({
    uploads: run.uploads,
    kinds: run.ops.map((op) => op.kind[0]).join(''),
    ingest: {
      invocations: run.ingest.invocations,
      maxActive: run.ingest.maxActive,
      longestMs: Math.round(run.ingest.longestMs),
    },
    publish: {
      invocations: run.publish.invocations,
      maxActive: run.publish.maxActive,
      longestMs: Math.round(run.publish.longestMs),
    },
    files: run.convergence.comparison.actualFiles,
    checks: run.convergence.checks,
  });
}
