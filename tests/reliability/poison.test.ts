import { afterEach, describe, expect, it } from 'vitest';
import { INGEST_MAX_RECEIVES } from '../../shared/contract/inbox.ts';
import { objectEventsFromMessage } from '../../shared/ingest/s3-event.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { articleFile, randomSpec } from '../support/reliability-articles.ts';
import { prng, SEED, scale } from '../support/reliability-config.ts';
import { reportProblems, siteProblems, tableProblems } from '../support/reliability-consistency.ts';
import { Faults, s3Error } from '../support/reliability-faults.ts';
import { type Rig, startRig } from '../support/reliability-pipeline.ts';
import { readBucket, readTable } from '../support/reliability-state.ts';

const GOOD = scale(20, 100);
const BROKEN_KEY = 'articles/poison/unreadable.md';

describe('poison messages', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
  });

  it('go to the DLQ: at once when not an S3 event, after the last receive with a failed report when they name a file; nothing else is lost', async () => {
    // The inbox object of one key can never be read (a permanent fault, unlike the others).
    const faults = new Faults(prng(SEED + 6), () => undefined);
    rig = await startRig({
      maxAttempts: 1,
      prepare: ({ s3 }) =>
        faults.install(
          s3,
          (command, input) =>
            command === 'GetObjectCommand' && input.Key === BROKEN_KEY
              ? [
                  {
                    kind: 'GetObject AccessDenied',
                    probability: 1,
                    perSubject: Number.POSITIVE_INFINITY,
                    budget: Number.POSITIVE_INFINITY,
                    error: s3Error('AccessDenied', 403),
                  },
                ]
              : [],
          (_command, input) => String(input.Key),
        ),
    });
    const random = prng(SEED + 7);
    const poison = [
      'this is not an S3 event',
      JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { object: {} } }] }),
      JSON.stringify({
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            eventTime: 'yesterday',
            s3: {
              bucket: { name: rig.aws.names.inboxBucket },
              object: { key: 'articles/x.md', sequencer: '01' },
            },
          },
        ],
      }),
      JSON.stringify({
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            eventTime: '2026-01-01T00:00:00Z',
            s3: {
              bucket: { name: rig.aws.names.inboxBucket },
              object: { key: 'articles/%E0%A4%A.md', sequencer: '01' },
            },
          },
        ],
      }),
    ];

    for (const body of poison) rig.pipeline.queue.send(body);
    await rig.inbox.put(BROKEN_KEY, articleFile('md', randomSpec('Unreadable', 1, random)));
    for (let i = 0; i < GOOD; i++) {
      await rig.inbox.put(
        `articles/poison/good-${i}.md`,
        articleFile('md', randomSpec(`Good ${i}`, 1, random)),
      );
    }
    await rig.pipeline.settle();

    const dead = rig.pipeline.queue.deadLetters;
    console.info(`poison: ${dead.length} messages in the DLQ after ${faults.total} read failures`);
    // Not S3 notifications: parked at their first receive, with the reason; the unreadable
    // file's event only after its last.
    const notifications = dead.filter((d) => poison.includes(d.body));
    expect(notifications.map((d) => d.receiveCount)).toEqual(Array(poison.length).fill(1));
    for (const d of notifications) expect(d.reason).toBe(whyPoison(d.body));
    const retried = dead.filter((d) => !poison.includes(d.body));
    expect(retried.map((d) => d.receiveCount)).toEqual([INGEST_MAX_RECEIVES]);
    const parked = retried[0]?.body ?? '';
    expect(JSON.parse(parked).Records[0].s3.object.key).toBe(BROKEN_KEY);
    expect(faults.total).toBe(INGEST_MAX_RECEIVES);

    const reports = await readBucket(rig.aws.s3, rig.aws.names.inboxBucket, 'reports/');
    const failed = JSON.parse(reports.get(`reports/${BROKEN_KEY}.json`) ?? '{}');
    expect(failed).toMatchObject({ key: BROKEN_KEY, status: 'failed' });
    expect(failed.reason).toContain(`after ${INGEST_MAX_RECEIVES} attempts`);
    expect(failed.reason).toContain('dead-letter queue');
    expect(await rig.inbox.text(BROKEN_KEY)).toContain('Unreadable');

    const state = await readTable(rig.aws.dynamo, rig.aws.names.table);
    const site = await readBucket(rig.aws.s3, rig.aws.names.siteBucket);
    expect(state.articles.size).toBe(GOOD);
    expect(state.sources.has(BROKEN_KEY)).toBe(false);
    expect([...reports.keys()]).toHaveLength(GOOD + 1);
    expect(tableProblems(state)).toEqual([]);
    expect(siteProblems(site, state, TEST_SITE)).toEqual([]);
    expect(reportProblems(reports, state)).toEqual([]);
    expect(rig.streamFailures).toEqual([]);
  });
});

/** What the decoder says is wrong with a message that is no S3 event notification. */
function whyPoison(body: string): string {
  try {
    objectEventsFromMessage(body);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`not poison: ${body}`);
}
