import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { idFromKey } from '../../shared/articles/object-key.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { mixedWorkload } from '../support/reliability-articles.ts';
import { prng, SEED, scale } from '../support/reliability-config.ts';
import { reportProblems, siteProblems, tableProblems } from '../support/reliability-consistency.ts';
import { startCrashingRig } from '../support/reliability-crash.ts';
import {
  embargoedOutcomes,
  embargoMarkers,
  markerProblems,
  watchSiteWrites,
} from '../support/reliability-embargo.ts';
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
  type Op,
  type Recording,
  recordWorkload,
} from '../support/reliability-workload.ts';

const KEYS = scale(30, 120);

const finalState = (rig: Rig) => pipelineState(rig.aws);

describe('faults and crashes', () => {
  let ops: Op[];
  /** The markers of the workload's scheduled versions (dated 2099): no site object may hold one. */
  let markers: string[];
  /** What each rig's watch saw written with a marker (watchSiteWrites): a leak, however brief. */
  const leaks: string[][] = [];
  let recording: Recording;
  let clean: Awaited<ReturnType<typeof finalState>>;
  const rigs: Rig[] = [];
  beforeAll(async () => {
    ops = mixedWorkload(KEYS, prng(SEED + 3), { pinDates: true });
    markers = embargoMarkers(ops);
    recording = await recordWorkload(ops);
    const rig = await startRig({
      prepare: ({ s3 }, aws) => {
        serveVersions(s3);
        leaks.push(watchSiteWrites(s3, aws.names.siteBucket, markers));
      },
    });
    try {
      await deliverAll(rig, recording);
      clean = await finalState(rig);
      // Embargoed stories that stay scheduled, are released, and are deleted while scheduled.
      expect(new Set(embargoedOutcomes(ops, clean.state).values())).toEqual(
        new Set(['scheduled', 'live', 'deleted']),
      );
      expect(leaks.flat()).toEqual([]);
      expect(markerProblems(clean.site, markers)).toEqual([]);
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
    expect(leaks.flat()).toEqual([]);
    expect(markerProblems(actual.site, markers)).toEqual([]);
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
        leaks.push(watchSiteWrites(clients.s3, aws.names.siteBucket, markers));
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
      prepare: ({ s3 }, aws) => {
        leaks.push(watchSiteWrites(s3, aws.names.siteBucket, markers));
      },
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
