import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTable } from '../../shared/local/resources.ts';
import { emulatorClients, uniqueName } from '../support/aws.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { articleFile, randomSpec } from '../support/reliability-articles.ts';
import { prng } from '../support/reliability-config.ts';
import {
  middlewareOf,
  putVersions,
  serveVersions,
  startRig,
} from '../support/reliability-pipeline.ts';
import { readBucket, readTable } from '../support/reliability-state.ts';
import { deliverSerially, messageFor, recordWorkload } from '../support/reliability-workload.ts';
import { bucketHelpers } from '../support/site.ts';
import { eventually, gate } from '../support/wait.ts';

/** Bugs the reliability suite found, each kept as a test of its fix. */
describe('regressions', () => {
  it('rejects an article too big to store, with a report, instead of parking it in the DLQ', async () => {
    const rig = await startRig();
    const paragraph = 'A paragraph of an article that goes on and on. '.repeat(20);
    await rig.inbox.put(
      'articles/big.md',
      `---\ntitle: Big\n---\n\n${`${paragraph}\n\n`.repeat(1000)}`,
    );
    await rig.pipeline.settle();
    const dead = rig.pipeline.queue.deadLetters.length;
    const report = JSON.parse((await rig.inbox.text('reports/articles/big.md.json')) ?? '{}');
    await rig.stop();
    expect(dead).toBe(0);
    expect(report.status).toBe('rejected');
    expect(report).toMatchObject({ code: 'too-large' });
    expect(report.reason).toMatch(/articles are limited to 333 KB once converted/);
  });

  it('publishes an older good upload delivered after a newer rejected one, as in order', async () => {
    const key = 'articles/order/good-then-bad.md';
    const recording = await recordWorkload([
      { kind: 'put', key, body: articleFile('md', randomSpec('Good', 1, prng(1), true)) },
      { kind: 'put', key, body: '---\ntitle: [unclosed\n---\nbody\n' },
    ]);
    const serial = await startRig({ prepare: ({ s3 }) => serveVersions(s3) });
    const reordered = await startRig({ prepare: ({ s3 }) => serveVersions(s3) });
    await deliverSerially(serial, recording);
    await putVersions(reordered, recording.versions);
    for (const event of [...recording.events].reverse()) {
      reordered.pipeline.queue.send(messageFor(reordered, event));
      await reordered.pipeline.queue.idle();
    }
    await reordered.pipeline.settle();
    const inOrder = await readTable(serial.aws.dynamo, serial.aws.names.table);
    const outOfOrder = await readTable(reordered.aws.dynamo, reordered.aws.names.table);
    const report = JSON.parse((await reordered.inbox.text(`reports/${key}.json`)) ?? '{}');
    await serial.stop();
    await reordered.stop();
    expect(inOrder.articles.size).toBe(1);
    expect(outOfOrder.articles.size).toBe(1);
    expect(report.status).toBe('rejected');
  });

  it('keeps the newest report when an older event’s report is written last', async () => {
    const key = 'articles/order/report.md';
    const recording = await recordWorkload([
      { kind: 'put', key, body: articleFile('md', randomSpec('V', 1, prng(2), true)) },
      { kind: 'put', key, body: articleFile('md', randomSpec('V', 2, prng(3), true)) },
    ]);
    const older = recording.events[0]?.sequencer ?? '';
    const newer = recording.events[1]?.sequencer ?? '';
    // The older event's first report PUT is held until the newer event's report is written.
    const olderReportReached = gate();
    const newerReportWritten = gate();
    let held = false;
    const rig = await startRig({
      prepare: ({ s3 }) => {
        serveVersions(s3);
        middlewareOf(s3).add(
          (next, context) => async (args) => {
            const input = args.input as { Key?: string; Body?: string };
            const report =
              context.commandName === 'PutObjectCommand' && input.Key?.startsWith('reports/');
            if (report && !held && String(input.Body).includes(older)) {
              held = true;
              olderReportReached.open();
              await newerReportWritten.promise;
            }
            const result = await next(args);
            if (report && String(input.Body).includes(newer)) newerReportWritten.open();
            return result;
          },
          { step: 'initialize', name: 'heldReport' },
        );
      },
    });
    const [first, second] = recording.events;
    if (!first || !second) throw new Error('the recording has two events');
    await putVersions(rig, recording.versions);
    rig.pipeline.queue.send(messageFor(rig, first));
    await olderReportReached.promise;
    rig.pipeline.queue.send(messageFor(rig, second));
    await rig.pipeline.settle();
    const state = await readTable(rig.aws.dynamo, rig.aws.names.table);
    const reports = await readBucket(rig.aws.s3, rig.aws.names.inboxBucket, 'reports/');
    const report = JSON.parse(reports.get('reports/articles/order/report.md.json') ?? '{}');
    const problems =
      report.sequencer === state.sources.get(key)?.sequencer
        ? []
        : [
            `report is about ${report.sequencer}, the table holds ${state.sources.get(key)?.sequencer}`,
          ];
    await rig.stop();
    expect(problems).toEqual([]);
  });

  it('the stream mapping recovers from an iterator trimmed by writes to another table', async () => {
    const t = await startTestPipeline();
    const clients = await emulatorClients();
    const other = uniqueName('other');
    await createTable(clients.dynamo, other);
    for (let i = 0; i < 5; i++)
      await clients.dynamo.send(
        new PutItemCommand({ TableName: other, Item: { pk: { S: `x${i}` }, sk: { S: 'y' } } }),
      );
    const inbox = bucketHelpers(t.aws.s3, t.aws.names.inboxBucket);
    const site = bucketHelpers(t.aws.s3, t.aws.names.siteBucket);
    await inbox.put('articles/trim.md', '---\ntitle: Trim\n---\n\nBody.\n');
    const page = await eventually(() => site.text('articles/trim.html'), 'the published page');
    await t.stop();
    expect(page).toContain('Trim');
  });
});
