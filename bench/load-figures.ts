import { cpuBound, cpuNote } from './cpu-meter.ts';
import type { HandlerProbe } from './load-probes.ts';
import type { LoadOptions, LoadRun } from './load-scenario.ts';
import { atLeast, atMost, type Results } from './results.ts';
import { percentile, round } from './stats.ts';

/** The figures of one load run (bench/README.md "Load"). */
export function loadFigures(
  results: Results,
  run: LoadRun,
  options: LoadOptions,
  /** What else ran on the machine, for the last figure's note. */
  machineNote = '',
): void {
  const kinds = countBy(run.ops.map((op) => op.kind));
  results.add('load_uploads', {
    value: run.uploads,
    unit: 'uploads',
    note: `${Math.round(options.rate * options.seconds)} at ${options.rate}/s (took ${round(run.sustainedSeconds, 1)} s, issued up to ${Math.round(run.maxIssueLagMs)} ms late), then ${options.burst} with ${options.burstInFlight} in flight (${round(run.burstSeconds, 1)} s); ${JSON.stringify(kinds)}; ${run.uploadErrors.length} S3 errors${run.uploadErrors.length ? ` (${run.uploadErrors[0]})` : ''}`,
  });
  results.add('load_dlq_messages', {
    value: run.deadLetters + run.streamFailedRecords,
    unit: 'messages',
    goal: atMost(0),
    note: `inbox queue dead letters ${run.deadLetters}, stream on-failure article records ${run.streamFailedRecords}; ${run.streamErrors.length} stream runtime errors${run.streamErrors.length ? ` (${run.streamErrors[0]})` : ''}`,
  });
  const { ingest, publish } = run;
  results.add('load_failed_records', {
    value: ingest.failedRecords + publish.failedRecords,
    unit: 'records',
    goal: atMost(0),
    note: `every attempt counted: ingest ${ingest.failedRecords} of ${ingest.records} records (${ingest.thrownBatches} of ${ingest.invocations} invocations threw), publish ${publish.failedRecords} of ${publish.records} article records (${publish.thrownBatches} of ${publish.invocations} threw)`,
  });
  const c = run.convergence;
  results.add('load_converged_s', {
    value: round(c.seconds, 1),
    unit: 's',
    goal: atMost(10),
    note: c.converged
      ? `last upload → last change of site or table; the check that found them equal started at +${round(c.checkedSeconds, 1)} s (check ${c.checks})${run.burstCpu ? cpuBound(run.burstCpu, 10, { before: run.burstSeconds, from: 'after the last upload' }) : ''}`
      : `NOT converged: ${c.gaveUp}; value = time waited (lower bound)`,
  });
  // What bounds load_converged_s on one machine: how fast the burst is worked off, from its
  // first upload to the site equal to the table (the emulators and handlers share the cores).
  const burstWorkSeconds = run.burstSeconds + c.seconds;
  results.add('load_burst_rate', {
    value: round(options.burst / burstWorkSeconds, 1),
    unit: 'uploads/s',
    note: `${options.burst} uploads, first burst upload → converged in ${round(burstWorkSeconds, 1)} s (sent in ${round(run.burstSeconds, 1)} s)`,
  });
  if (run.burstCpu)
    results.add('load_burst_cpu_s', {
      value: round(run.burstCpu.totalS, 1),
      unit: 's',
      note: `first burst upload → converged: ${cpuNote(run.burstCpu, 'the uploader, the probes')}; over ${run.burstCpu.cores} cores at least ${round(run.burstCpu.floorS, 1)} s of the ${round(burstWorkSeconds, 1)} s it took`,
    });
  const p95 = percentile(run.freshness, 95);
  results.add('load_freshness_p95_ms', {
    value: Math.round(p95),
    unit: 'ms',
    goal: atMost(3000),
    note: `${run.freshness.length} new articles of the sustained phase, PutObject → first feed.json PutObject listing it (${run.feedWrites.watched} seen by SDK middleware on publish's client${run.feedWrites.unreadable ? `, ${run.feedWrites.unreadable} of them unreadable` : ''}, ${run.feedWrites.announced} announced by s3rver); p50 ${Math.round(percentile(run.freshness, 50))} ms, max ${Math.round(Math.max(...run.freshness))} ms; ${run.neverListed.length} never listed (counted as the time watched: a lower bound)${run.neverListed.length ? `: ${run.neverListed.slice(0, 3).join(', ')}` : ''}`,
  });
  const stale = c.comparison.stale;
  results.add('load_stale_files', {
    value: stale.length,
    unit: 'files',
    goal: atMost(0),
    note: `site bucket (${c.comparison.actualFiles} files) against a fresh render of the table's ${c.comparison.tableArticles.length} articles (${c.comparison.expectedFiles} files)${stale.length ? `: ${c.comparison.examples.join('; ')}` : ''}`,
  });
  results.add('load_table_mismatches', {
    value: run.tableMismatches.length,
    unit: 'keys',
    goal: atMost(0),
    note: `keys whose article in the table is not their last upload${run.tableMismatches.length ? `: ${run.tableMismatches.slice(0, 3).join('; ')}` : ''}`,
  });
  results.add('load_hub_pings', {
    value: run.hub.pings,
    unit: 'pings',
    note: `the site's WebSub hub (a local one that takes every ping), naming ${run.hub.topics} distinct feeds; notices merged per announce invocation`,
  });
  results.add('load_hub_notice_dead_letters', {
    value: run.hub.deadLetters,
    unit: 'notices',
    goal: atMost(0),
    note: 'notices the hub-notice queue gave up on',
  });
  results.add('load_max_concurrent_publishes', {
    value: publish.maxActive,
    unit: 'invocations',
    goal: atLeast(2),
    note: invocations(publish),
  });
  results.add('load_max_concurrent_ingests', {
    value: ingest.maxActive,
    unit: 'invocations',
    goal: atLeast(2),
    note: invocations(ingest),
  });
  results.add('load_wall_s', {
    value: round(run.wallSeconds, 1),
    unit: 's',
    ...(machineNote ? { note: machineNote } : {}),
  });
}

function invocations(probe: HandlerProbe): string {
  const mean = probe.invocations ? probe.busyMs / probe.invocations : 0;
  const idle = probe.idleInvocations
    ? ` (${probe.idleInvocations} of them with no article record, not counted: the mapping's filter should have kept them out)`
    : '';
  return `${probe.invocations} invocations${idle}, ${probe.records} records of work; ${Math.round(mean)} ms each on average, longest ${Math.round(probe.longestMs)} ms`;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
