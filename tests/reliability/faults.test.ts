import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { idFromKey } from '../../shared/articles/object-key.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { mixedWorkload } from '../support/reliability-articles.ts';
import { prng, SEED, scale } from '../support/reliability-config.ts';
import { reportProblems, siteProblems, tableProblems } from '../support/reliability-consistency.ts';
import { startCrashingRig } from '../support/reliability-crash.ts';
import { installFaults, PublishOutages } from '../support/reliability-fault-plan.ts';
import { Faults } from '../support/reliability-faults.ts';
import { type Rig, serveVersions, startRig } from '../support/reliability-pipeline.ts';
import {
  differences,
  fileDifferences,
  pipelineState,
  tableMeaning,
  withoutWithdrawals,
} from '../support/reliability-state.ts';
import {
  deliverAll,
  keyIndex,
  type Recording,
  recordWorkload,
} from '../support/reliability-workload.ts';

const KEYS = scale(30, 120);

const finalState = (rig: Rig) => pipelineState(rig.aws);

describe('faults and crashes', () => {
  let recording: Recording;
  let clean: Awaited<ReturnType<typeof finalState>>;
  const rigs: Rig[] = [];
  beforeAll(async () => {
    recording = await recordWorkload(mixedWorkload(KEYS, prng(SEED + 3), { pinDates: true }));
    const rig = await startRig({ prepare: ({ s3 }) => serveVersions(s3) });
    try {
      await deliverAll(rig, recording);
      clean = await finalState(rig);
      expect(tableProblems(clean.state)).toEqual([]);
      expect(siteProblems(clean.site, clean.state, TEST_SITE)).toEqual([]);
    } finally {
      await rig.stop();
    }
  });
  afterEach(async () => {
    await Promise.all(rigs.splice(0).map((rig) => rig.stop()));
  });

  const expectSameAsClean = (actual: Awaited<ReturnType<typeof finalState>>, rig: Rig) => {
    expect(differences(tableMeaning(clean.state), tableMeaning(actual.state))).toEqual([]);
    // Whether a deleted story was ever live (its notice page, its deleted entries, a feed kept
    // for them) depends on the order its events were applied: see withoutWithdrawals.
    expect(
      fileDifferences(withoutWithdrawals(clean.site), withoutWithdrawals(actual.site)),
    ).toEqual([]);
    expect(tableProblems(actual.state)).toEqual([]);
    expect(siteProblems(actual.site, actual.state, TEST_SITE)).toEqual([]);
    expect(reportProblems(actual.reports, actual.state)).toEqual([]);
    expect(rig.pipeline.queue.deadLetters).toEqual([]);
    expect(rig.streamFailures.filter((f) => f.records > 0)).toEqual([]);
  };

  it('S3 and DynamoDB faults on every call path: after retries, the clean run’s table and site', async () => {
    const faults = new Faults(prng(SEED + 4), keyIndex(recording, idFromKey));
    const outages = new PublishOutages();
    const rig = await startRig({
      maxAttempts: 1,
      publishHandler: outages.wrap,
      prepare: (clients, aws) => {
        serveVersions(clients.s3);
        installFaults(clients, faults, aws.names, outages);
      },
    });
    rigs.push(rig);

    await deliverAll(rig, recording);
    const actual = await finalState(rig);

    console.info(
      `faults: ${faults.total} injected over ${recording.events.length} events: ${JSON.stringify(faults.injected)}`,
    );
    expect(faults.total).toBeGreaterThan(scale(30, 100));
    expectSameAsClean(actual, rig);
  });

  it('ingest and publish crashing mid-batch: after the retries, the clean run’s table and site', async () => {
    const rig = await startCrashingRig({
      random: prng(SEED + 5),
      probability: 0.5,
      perRecord: 2,
    });
    rigs.push(rig);

    await deliverAll(rig, recording);
    const actual = await finalState(rig);

    console.info(`crashes: ${JSON.stringify(rig.crashes)} over ${recording.events.length} events`);
    expect(rig.crashes.ingest).toBeGreaterThan(0);
    expect(rig.crashes.publish).toBeGreaterThan(0);
    expectSameAsClean(actual, rig);
  });
});
