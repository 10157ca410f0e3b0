import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterEach, describe, expect, it } from 'vitest';
import { redrive, reports, republish, status } from '../../shared/cli/operations/commands.ts';
import { DevOperations, serveOperations } from '../../shared/cli/operations/dev-control.ts';
import { LocalOperations } from '../../shared/cli/operations/local.ts';
import type { Operations } from '../../shared/cli/operations/operations.ts';
import type { EmbeddedAws } from '../../shared/local/embedded-aws.ts';
import type { PublishHandler } from '../../shared/local/pipeline.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { bucketHelpers } from '../support/site.ts';

const article = (title: string, extra = '') =>
  `---\ntitle: ${title}\ndate: 2026-12-01T08:00:00Z\n${extra}---\n\nThe body of ${title}.\n`;

/**
 * How a command reaches the local runtime: in the command's own process, or (`feedpub dev`
 * running) through dev's control port, the same LocalOperations behind it.
 */
const REACH: Record<
  string,
  (ops: LocalOperations, cleanup: (f: () => Promise<void>) => void) => Promise<Operations>
> = {
  'in process': async (ops) => ops,
  "through a running feedpub dev's control port": async (ops, cleanup) => {
    const dir = mkdtempSync(join(tmpdir(), 'feedpub-control-'));
    const stopServing = await serveOperations(ops, dir);
    cleanup(async () => {
      await stopServing();
      rmSync(dir, { recursive: true, force: true });
    });
    return DevOperations.connect(dir, process.pid);
  },
};

/** The operator commands against the local runtime: real emulators, real handlers. */
describe.each(Object.entries(REACH))(
  'feedpub status, reports, redrive and republish on the local runtime (%s)',
  (_way, reachBy) => {
    const cleanups: (() => Promise<void>)[] = [];
    const reach = (ops: LocalOperations) => reachBy(ops, (f) => cleanups.push(f));
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** A pipeline whose publish handler records every operator event (not stream batches). */
    async function start() {
      const sent: unknown[] = [];
      const t = await startTestPipeline({
        publishHandler: (real: PublishHandler) => async (event) => {
          if ('feedpub' in event) sent.push(event);
          return real(event);
        },
      });
      cleanups.push(t.stop);
      const inbox = bucketHelpers(t.aws.s3, t.aws.names.inboxBucket);
      const ops = await reach(new LocalOperations(t.aws, t.pipeline, 'local test'));
      const lines: string[] = [];
      const print = (line: string) => lines.push(line);
      return { ...t, inbox, ops, sent, lines, print };
    }

    it('status counts articles by status and rejected uploads, and shows the last publish and the queues', async () => {
      const t = await start();
      await t.inbox.put('articles/one.md', article('One'));
      await t.inbox.put('articles/two.md', article('Two'));
      await t.inbox.put('articles/draft.md', article('Draft', 'status: draft\n'));
      await t.inbox.put('articles/broken.md', '---\ntitle: [unclosed\n---\n');
      await t.inbox.put('articles/gone.md', article('Gone'));
      await t.pipeline.settle();
      await t.inbox.remove('articles/gone.md');
      await t.pipeline.settle();

      await status(t.ops, { json: true, scanLimit: 1000, reportLimit: 100 }, t.print);
      const doc = JSON.parse(t.lines.join('\n'));
      expect(doc.articles).toMatchObject({
        live: 2,
        draft: 1,
        scheduled: 0,
        withdrawn: 0,
        held: 0,
        deleted: 1,
        moved: 0,
      });
      expect(doc.articles.complete).toBe(true);
      expect(doc.rejected).toMatchObject({ count: 1, reports: 5 });
      expect(Date.parse(doc.lastPublish)).toBeGreaterThan(Date.now() - 3_600_000);
      expect(doc.queues).toEqual([
        { role: 'ingest', waiting: 0, inFlight: 0, oldestAgeSeconds: null },
        { role: 'ingest-dlq', waiting: 0, inFlight: 0, oldestAgeSeconds: null },
        { role: 'publish-dlq', waiting: 0, inFlight: 0, oldestAgeSeconds: null },
        { role: 'hub-notice-dlq', waiting: 0, inFlight: 0, oldestAgeSeconds: null },
      ]);

      t.lines.length = 0;
      await status(t.ops, { json: false, scanLimit: 1000, reportLimit: 100 }, t.print);
      expect(t.lines.join('\n')).toContain(
        'live 2   scheduled 0   draft 1   withdrawn 0   held 0   deleted 1   moved 0',
      );
      expect(t.lines).toContainEqual(expect.stringMatching(/^ {2}ingest DLQ\s+0\s+0\s+-$/));
    });

    it('reports --rejected lists what was wrong with which upload', async () => {
      const t = await start();
      await t.inbox.put('articles/good.md', article('Good'));
      await t.inbox.put('articles/broken.md', '---\ntitle: [unclosed\n---\n');
      await t.pipeline.settle();

      await reports(t.ops, { json: true, rejected: true, limit: 100 }, t.print);
      const list = JSON.parse(t.lines.join('\n'));
      expect(list.map((r: { key: string }) => r.key)).toEqual(['articles/broken.md']);
      expect(list[0].status).toBe('rejected');
      expect(list[0].reason).toMatch(/\S/);

      t.lines.length = 0;
      await reports(t.ops, { json: false, rejected: false, limit: 100 }, t.print);
      const text = t.lines.join('\n');
      expect(text).toContain('published  articles/good.md');
      expect(text).toContain('rejected   articles/broken.md');
      expect(text).toContain(`reason: ${list[0].reason}`);
    });

    it('republish sends publish exactly the RepublishEvent, and says what it did and which ids the table does not hold', async () => {
      const t = await start();
      await t.inbox.put('articles/2019/12/a.md', article('A'));
      await t.pipeline.settle();
      const ids = { all: false, ids: ['2019/12/a', '2019/12/a', 'b'] };
      expect(await republish(t.ops, ids, t.print)).toBe(1);
      expect(await republish(t.ops, { all: true, ids: [] }, t.print)).toBe(0);
      expect(t.sent).toEqual([
        { feedpub: 'republish', ids: ['2019/12/a', 'b'] },
        { feedpub: 'republish', all: true },
      ]);
      expect(t.lines).toEqual([
        expect.stringMatching(
          /^Republished 1 article\(s\): 2019\/12\/a \(1 article rendered, \d+ files? written, 0 removed, \d+ unchanged\)\.$/,
        ),
        'Not in the table, nothing republished: b',
        expect.stringMatching(/^Republished every article: 1 article rendered, /),
      ]);
      t.lines.length = 0;
      expect(await republish(t.ops, { all: false, ids: ['gone'] }, t.print)).toBe(1);
      expect(t.lines).toEqual(['Not in the table, nothing republished: gone']);
      await expect(republish(t.ops, { all: true, ids: ['x'] }, t.print)).rejects.toThrow(
        /not both/,
      );
      await expect(republish(t.ops, { all: false, ids: [] }, t.print)).rejects.toThrow(/--all/);
    });

    it('redrive sends the ingest DLQ back to the queue, where ingest handles it', async () => {
      const t = await start();
      await t.inbox.put('articles/late.md', article('Late'));
      await t.pipeline.settle();
      const event = {
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            eventTime: new Date().toISOString(),
            s3: {
              bucket: { name: t.aws.names.inboxBucket },
              object: { key: 'articles/late.md', sequencer: 'FF' },
            },
          },
        ],
      };
      await t.pipeline.queue.park(JSON.stringify(event), 'test: parked');

      await redrive(t.ops, { dryRun: true }, t.print);
      expect(t.lines[0]).toBe('ingest DLQ: 1 message(s) would go back to the ingest queue');
      expect(t.pipeline.queue.deadLetters).toHaveLength(1);

      t.lines.length = 0;
      await redrive(t.ops, { dryRun: false }, t.print);
      expect(t.lines).toEqual([
        'ingest DLQ: 1 message(s) sent back to the ingest queue',
        'publish DLQ: empty',
      ]);
      expect(t.pipeline.queue.deadLetters).toHaveLength(0);
      await t.pipeline.settle();
      expect(t.pipeline.queue.deadLetters).toHaveLength(0);
      expect(t.pipeline.queue.depth).toBe(0);
    });

    /** Lambda's on-failure record for the stream batch that held the article item of `id`. */
    async function deadLetterFor(aws: EmbeddedAws, id: string): Promise<string> {
      const table = await aws.dynamo.send(new DescribeTableCommand({ TableName: aws.names.table }));
      const streamArn = table.Table?.LatestStreamArn ?? '';
      const stream = await aws.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const shard of stream.StreamDescription?.Shards ?? []) {
        const { ShardIterator } = await aws.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        const { Records = [] } = await aws.streams.send(
          new GetRecordsCommand({ ShardIterator, Limit: 1000 }),
        );
        const hit = Records.find((r) => r.dynamodb?.Keys?.pk?.S === `ART#${id}`);
        if (hit)
          return JSON.stringify({
            requestContext: { condition: 'RetryAttemptsExhausted' },
            DDBStreamBatchInfo: {
              shardId: shard.ShardId,
              startSequenceNumber: hit.dynamodb?.SequenceNumber,
              endSequenceNumber: hit.dynamodb?.SequenceNumber,
              batchSize: 1,
              streamArn,
            },
          });
      }
      throw new Error(`no stream record of ${id}`);
    }

    it('redrive turns publish dead letters into one republish of their ids, deleted only after it succeeded', async () => {
      const t = await start();
      await t.inbox.put('articles/x.md', article('X'));
      await t.inbox.put('articles/y.md', article('Y'));
      await t.pipeline.settle();
      t.pipeline.publishDeadLetters.push(
        { body: await deadLetterFor(t.aws, 'y') },
        { body: await deadLetterFor(t.aws, 'x') },
        { body: 'not a stream batch' },
      );

      await redrive(t.ops, { dryRun: true }, t.print);
      expect(t.sent).toEqual([]);
      expect(t.pipeline.publishDeadLetters).toHaveLength(3);
      expect(t.lines).toContain(
        'publish DLQ: 2 batch(es) would be republished as 2 article(s): x, y',
      );

      // A publish that fails: the dead letters stay.
      const failing = await reach(
        new LocalOperations(
          t.aws,
          {
            ...t.pipeline,
            publishDeadLetters: t.pipeline.publishDeadLetters,
            publish: async () => {
              throw new Error('publish is down');
            },
          },
          'local test',
        ),
      );
      await expect(redrive(failing, { dryRun: false }, t.print)).rejects.toThrow('publish is down');
      expect(t.pipeline.publishDeadLetters).toHaveLength(3);

      t.lines.length = 0;
      expect(await redrive(t.ops, { dryRun: false }, t.print)).toBe(1);
      expect(t.sent).toEqual([{ feedpub: 'republish', ids: ['x', 'y'] }]);
      expect(t.pipeline.publishDeadLetters).toEqual([{ body: 'not a stream batch' }]);
      expect(t.lines).toContainEqual(
        expect.stringMatching(
          /^publish DLQ: 2 batch\(es\) republished as 2 article\(s\): x, y \(2 articles rendered, \d+ files? written, 0 removed, \d+ unchanged\), and deleted$/,
        ),
      );
    });

    it('a dead letter whose stream records are gone becomes a republish of every article', async () => {
      const t = await start();
      await t.inbox.put('articles/x.md', article('X'));
      await t.pipeline.settle();
      const letter = JSON.parse(await deadLetterFor(t.aws, 'x'));
      letter.DDBStreamBatchInfo.shardId = 'shardId-00000000000000000000-gone';
      t.pipeline.publishDeadLetters.push({ body: JSON.stringify(letter) });

      await redrive(t.ops, { dryRun: false }, t.print);
      expect(t.sent).toEqual([{ feedpub: 'republish', all: true }]);
      expect(t.pipeline.publishDeadLetters).toEqual([]);
    });
  },
);
