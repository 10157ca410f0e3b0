import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redrive, republish } from '../../../shared/cli/operations/commands.ts';
import { DeployedOperations } from '../../../shared/cli/operations/deployed.ts';
import { readStackOutputs } from '../../../shared/cli/operations/stack-outputs.ts';

/** The deployed adapter at the SDK boundary: what it asks AWS, and what it makes of the answers. */

const OUTPUTS = {
  TableName: 'feedpub-data-Articles',
  InboxBucketName: 'inbox-bucket',
  SiteBucketName: 'site-bucket',
  IngestQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/ingest-q',
  IngestDeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/ingest-dlq',
  PublishDeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/publish-dlq',
  HubNoticeDeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/notice-dlq',
  PublishFunctionName: 'feedpub-app-Publish',
};

const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const cloudwatch = mockClient(CloudWatchClient);
const streams = mockClient(DynamoDBStreamsClient);

/** Pauses the adapter asked for (ms): none taken, so a poll loop costs no test time. */
const pauses: number[] = [];

async function connect(outputs: Record<string, string> = OUTPUTS) {
  cfn.on(DescribeStacksCommand, { StackName: 'feedpub-app' }).resolves({
    Stacks: [
      {
        StackName: 'feedpub-app',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({
          OutputKey,
          OutputValue,
        })),
      },
    ],
  });
  return DeployedOperations.connect(
    'feedpub-app',
    {
      cloudformation: new CloudFormationClient({ region: 'eu-west-1' }),
      sqs: new SQSClient({ region: 'eu-west-1' }),
      lambda: new LambdaClient({ region: 'eu-west-1' }),
      cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
      streams: new DynamoDBStreamsClient({ region: 'eu-west-1' }),
      dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
      s3: new S3Client({ region: 'eu-west-1' }),
    },
    async (ms) => {
      pauses.push(ms);
    },
  );
}

const arnOf = (url: string) => `arn:aws:sqs:eu-west-1:1:${url.slice(url.lastIndexOf('/') + 1)}`;

beforeEach(() => {
  for (const m of [cfn, sqs, lambda, cloudwatch, streams]) m.reset();
  pauses.length = 0;
  sqs.on(ListMessageMoveTasksCommand).resolves({
    Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3 }],
  });
  sqs.on(GetQueueAttributesCommand).callsFake(({ QueueUrl }: { QueueUrl: string }) => ({
    Attributes: {
      ApproximateNumberOfMessages: QueueUrl.endsWith('ingest-dlq') ? '3' : '0',
      ApproximateNumberOfMessagesNotVisible: QueueUrl.endsWith('ingest-q') ? '2' : '0',
      QueueArn: arnOf(QueueUrl),
    },
  }));
});

describe('DeployedOperations', () => {
  it('names the outputs a stack lacks, and how to get them', async () => {
    const { PublishFunctionName: _, ...older } = OUTPUTS;
    await expect(connect(older)).rejects.toThrow(
      'the stack feedpub-app has no output PublishFunctionName: deploy this version',
    );
  });

  it('unreadable stack: says what to check, and --local where feedpub dev has run here', async () => {
    const home = process.cwd();
    const folder = mkdtempSync(join(tmpdir(), 'feedpub-ops-'));
    try {
      process.chdir(folder);
      const failing = () => {
        cfn.reset();
        cfn.on(DescribeStacksCommand).rejects(new Error('Region is missing'));
        return readStackOutputs(new CloudFormationClient({ region: 'eu-west-1' }), 'feedpub-app');
      };
      await expect(failing()).rejects.toThrow(
        /^cannot read the stack feedpub-app \(Region is missing\): check --stack, the AWS region \(AWS_REGION\) and credentials$/,
      );
      mkdirSync('.feedpub');
      await expect(failing()).rejects.toThrow(/, or add --local for feedpub dev in this folder$/);
    } finally {
      process.chdir(home);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('republish invokes the publish function with exactly the event, prints its answer, and fails on its error', async () => {
    const ops = await connect();
    const answer = { articles: 1, written: 4, deleted: 0, unchanged: 9, notFound: ['b/c'] };
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: new TextEncoder().encode(JSON.stringify(answer)) as never,
    });
    const lines: string[] = [];
    expect(await republish(ops, { all: false, ids: ['a', 'b/c'] }, (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual([
      'Republished 1 article(s): a (1 article rendered, 4 files written, 0 removed, 9 unchanged).',
      'Not in the table, nothing republished: b/c',
    ]);
    const call = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(call?.FunctionName).toBe('feedpub-app-Publish');
    expect(call?.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(call?.Payload as Uint8Array))).toEqual({
      feedpub: 'republish',
      ids: ['a', 'b/c'],
    });

    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode('{"errorMessage":"boom"}') as never,
    });
    await expect(ops.republish({ feedpub: 'republish', all: true })).rejects.toThrow(/boom/);
  });

  it('status reads queue depths from SQS and the oldest age from CloudWatch', async () => {
    const ops = await connect();
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'q1', Values: [125] }],
    });
    expect(await ops.queues()).toEqual([
      { role: 'ingest', waiting: 0, inFlight: 2, oldestAgeSeconds: undefined },
      { role: 'ingest-dlq', waiting: 3, inFlight: 0, oldestAgeSeconds: 125 },
      { role: 'publish-dlq', waiting: 0, inFlight: 0, oldestAgeSeconds: undefined },
      { role: 'hub-notice-dlq', waiting: 0, inFlight: 0, oldestAgeSeconds: undefined },
    ]);
    const queries =
      cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries;
    expect(queries?.map((q) => q.MetricStat?.Metric?.Dimensions?.[0]?.Value)).toEqual([
      'ingest-q',
      'ingest-dlq',
      'publish-dlq',
      'notice-dlq',
    ]);
    expect(queries?.[0]?.MetricStat?.Metric?.MetricName).toBe('ApproximateAgeOfOldestMessage');
  });

  it('redrive moves the ingest DLQ with a message move task, and republishes the publish DLQ by id before deleting it', async () => {
    const ops = await connect();
    const body = JSON.stringify({
      DDBStreamBatchInfo: {
        shardId: 'shard-1',
        startSequenceNumber: '100',
        endSequenceNumber: '300',
        batchSize: 2,
        streamArn: 'arn:stream',
      },
    });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ ReceiptHandle: 'h1', Body: body }] })
      .resolves({ Messages: [] });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 't' });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });
    streams.on(DescribeStreamCommand).resolves({
      StreamDescription: { Shards: [{ ShardId: 'shard-1' }] },
    });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    const record = (seq: string, pk: string) => ({
      dynamodb: { SequenceNumber: seq, Keys: { pk: { S: pk } } },
    });
    streams.on(GetRecordsCommand).resolves({
      Records: [
        record('100', 'ART#b'),
        record('200', 'SRC#x'),
        record('300', 'ART#a'),
        record('400', 'ART#late'),
      ],
      NextShardIterator: 'it-2',
    });
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: new TextEncoder().encode(
        JSON.stringify({ articles: 2, written: 0, deleted: 0, unchanged: 8, notFound: [] }),
      ) as never,
    });
    const lines: string[] = [];

    await redrive(ops, { dryRun: false }, (l) => lines.push(l));

    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: arnOf(OUTPUTS.IngestDeadLetterQueueUrl),
      DestinationArn: arnOf(OUTPUTS.IngestQueueUrl),
    });
    expect(streams.commandCalls(GetShardIteratorCommand)[0]?.args[0].input).toMatchObject({
      ShardId: 'shard-1',
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: '100',
    });
    const payload = lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array;
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
      feedpub: 'republish',
      ids: ['a', 'b'],
    });
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input).toEqual({
      QueueUrl: OUTPUTS.PublishDeadLetterQueueUrl,
      Entries: [{ Id: '0', ReceiptHandle: 'h1' }],
    });
    expect(lines[0]).toBe('ingest DLQ: 3 message(s) sent back to the ingest queue');
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)[0]?.args[0].input).toEqual({
      SourceArn: arnOf(OUTPUTS.IngestDeadLetterQueueUrl),
      MaxResults: 1,
    });
    expect(lines).toContain(
      'publish DLQ: 1 batch(es) republished as 2 article(s): a, b (2 articles rendered, 0 files written, 0 removed, 8 unchanged), and deleted',
    );
  });

  it('redrive follows its move task: the count SQS moved, or the reason it failed', async () => {
    const ops = await connect();
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ Status: 'RUNNING', TaskHandle: 'task-1' }] })
      .resolvesOnce({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 2 }] });
    expect(await ops.redriveIngest(false)).toBe(2);
    expect(pauses).toEqual([2000]);

    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          Status: 'FAILED',
          ApproximateNumberOfMessagesMoved: 0,
          FailureReason: 'AccessDenied: sqs:SendMessage on ingest-q',
        },
      ],
    });
    await expect(ops.redriveIngest(false)).rejects.toThrow(
      'ingest DLQ: the move back to the ingest queue failed after 0 of 3 message(s): AccessDenied: sqs:SendMessage on ingest-q',
    );
  });

  it('redrive deletes no dead letter when the republish fails, and --dry-run changes nothing', async () => {
    const ops = await connect();
    const body = JSON.stringify({
      DDBStreamBatchInfo: {
        shardId: 's',
        startSequenceNumber: '1',
        endSequenceNumber: '2',
        streamArn: 'arn',
      },
    });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ ReceiptHandle: 'h', Body: body }] })
      .resolves({});
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 't' });
    streams
      .on(DescribeStreamCommand)
      .rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));
    lambda
      .on(InvokeCommand)
      .resolves({ FunctionError: 'Unhandled', Payload: new TextEncoder().encode('x') as never });
    await expect(redrive(ops, { dryRun: false }, () => {})).rejects.toThrow(/failed/);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    const payload = lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array;
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
      feedpub: 'republish',
      all: true,
    });

    sqs.resetHistory();
    lambda.resetHistory();
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ ReceiptHandle: 'h', Body: body }] })
      .resolves({});
    await redrive(ops, { dryRun: true }, () => {});
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });
});
