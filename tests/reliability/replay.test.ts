import { afterEach, describe, expect, it } from 'vitest';
import { TEST_SITE } from '../support/pipeline.ts';
import { mixedWorkload } from '../support/reliability-articles.ts';
import { prng, SEED, scale, shuffle } from '../support/reliability-config.ts';
import { reportProblems, siteProblems, tableProblems } from '../support/reliability-consistency.ts';
import { type Rig, serveVersions, startRig } from '../support/reliability-pipeline.ts';
import {
  differences,
  fileDifferences,
  pipelineState,
  tableMeaning,
  withoutWithdrawals,
} from '../support/reliability-state.ts';
import {
  deliverInterleaved,
  deliverSerially,
  type RecordedEvent,
  recordWorkload,
} from '../support/reliability-workload.ts';

const KEYS = scale(20, 120);

const finalState = (rig: Rig) => pipelineState(rig.aws);

describe('duplicates and reordering', () => {
  const rigs: Rig[] = [];
  afterEach(async () => {
    await Promise.all(rigs.splice(0).map((rig) => rig.stop()));
  });

  it('the same events, each delivered 2–3 times, shuffled and interleaved, give the serial run’s table and site', async () => {
    const random = prng(SEED);
    // Dates a file does not set come from the events ingest happened to apply, so they differ
    // under reordering (see the suite's report); pinned, the final state must not.
    const recording = await recordWorkload(mixedWorkload(KEYS, random, { pinDates: true }));
    const serial = await startRig({ prepare: ({ s3 }) => serveVersions(s3) });
    const replay = await startRig({ prepare: ({ s3 }) => serveVersions(s3) });
    rigs.push(serial, replay);

    await deliverSerially(serial, recording);
    const deliveries: RecordedEvent[] = recording.events.flatMap((event) =>
      Array.from({ length: 2 + Math.floor(random() * 2) }, () => event),
    );
    await deliverInterleaved(replay, recording, shuffle(deliveries, random), random);

    const expected = await finalState(serial);
    const actual = await finalState(replay);
    console.info(
      `replay: ${recording.events.length} events over ${KEYS} keys, ${deliveries.length} deliveries (${replay.outcomes.length} outcomes: ${summarize(replay)})`,
    );
    expect(tableProblems(expected.state)).toEqual([]);
    expect(siteProblems(expected.site, expected.state, TEST_SITE)).toEqual([]);
    expect(differences(tableMeaning(expected.state), tableMeaning(actual.state))).toEqual([]);
    // Whether a deleted story was ever live (its notice page, its deleted entries, a feed kept
    // for them) depends on the order its events were applied: see withoutWithdrawals.
    expect(
      fileDifferences(withoutWithdrawals(expected.site), withoutWithdrawals(actual.site)),
    ).toEqual([]);
    expect(siteProblems(actual.site, actual.state, TEST_SITE)).toEqual([]);
    expect(tableProblems(actual.state)).toEqual([]);
    expect(reportProblems(actual.reports, actual.state)).toEqual([]);
    expect(replay.pipeline.queue.deadLetters).toEqual([]);
    expect(replay.streamFailures).toEqual([]);
  });
});

function summarize(rig: Rig): string {
  const counts = new Map<string, number>();
  for (const o of rig.outcomes) {
    const name = o.kind === 'applied' ? o.report.status : o.kind;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([k, v]) => `${k} ${v}`).join(', ');
}
