import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
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
import type { RepublishEvent, RepublishSummary } from '../../contract/event-sources.ts';
import { CliError } from '../errors.ts';
import type { Operations, PublishDeadLetter, QueueDepth, QueueRole } from './operations.ts';
import { StackData } from './stack-data.ts';
import { CloudFormationClient, readStackOutputs, type StackOutputs } from './stack-outputs.ts';

export interface DeployedClients {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  s3: S3Client;
  sqs: SQSClient;
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
}

/** How long a received publish dead letter stays hidden while its republish runs. */
const RECEIVE_VISIBILITY_SECONDS = 300;
/** ReceiveMessage rounds at most (10 messages each) per redrive. */
const MAX_RECEIVE_ROUNDS = 100;
/**
 * How long redrive follows its SQS move task before it gives the operator the task to follow
 * (SQS moves up to 500 messages a second, so a full DLQ of the 14 days' failures is done long
 * before), and how often it asks.
 */
const MOVE_TASK_WAIT_MS = 5 * 60_000;
const MOVE_TASK_POLL_MS = 2_000;

/**
 * The operations port on a deployed stack: SDK clients with the caller's credentials. The
 * table and bucket reads are StackData's, shared with the local adapter.
 */
export class DeployedOperations extends StackData implements Operations {
  constructor(
    private readonly c: DeployedClients,
    private readonly outputs: StackOutputs,
    readonly target: string,
    /** Waits between the questions a long operation asks (redrive's move task). */
    private readonly pause: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    super({
      dynamo: c.dynamo,
      streams: c.streams,
      s3: c.s3,
      tableName: outputs.TableName,
      inboxBucket: outputs.InboxBucketName,
      siteBucket: outputs.SiteBucketName,
    });
  }

  /** Reads the stack's outputs, then builds the adapter (default clients: env credentials). */
  static async connect(
    stackName: string,
    clients: Partial<DeployedClients & { cloudformation: CloudFormationClient }> = {},
    pause?: (ms: number) => Promise<void>,
  ): Promise<DeployedOperations> {
    const outputs = await readStackOutputs(
      clients.cloudformation ?? new CloudFormationClient({}),
      stackName,
    );
    return new DeployedOperations(
      {
        dynamo: clients.dynamo ?? new DynamoDBClient({}),
        streams: clients.streams ?? new DynamoDBStreamsClient({}),
        s3: clients.s3 ?? new S3Client({}),
        sqs: clients.sqs ?? new SQSClient({}),
        lambda: clients.lambda ?? new LambdaClient({}),
        cloudwatch: clients.cloudwatch ?? new CloudWatchClient({}),
      },
      outputs,
      stackName,
      pause,
    );
  }

  async queues(): Promise<QueueDepth[]> {
    const roles: [QueueRole, string][] = [
      ['ingest', this.outputs.IngestQueueUrl],
      ['ingest-dlq', this.outputs.IngestDeadLetterQueueUrl],
      ['publish-dlq', this.outputs.PublishDeadLetterQueueUrl],
      ['hub-notice-dlq', this.outputs.HubNoticeDeadLetterQueueUrl],
    ];
    const ages = await this.oldestAges(roles.map(([, url]) => queueName(url)));
    return Promise.all(
      roles.map(async ([role, url], i) => {
        const a = await this.attributes(url);
        return {
          role,
          waiting: Number(a.ApproximateNumberOfMessages ?? 0),
          inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
          oldestAgeSeconds: ages[i],
        };
      }),
    );
  }

  private async attributes(url: string): Promise<Record<string, string>> {
    const out = await this.c.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'QueueArn',
        ],
      }),
    );
    return out.Attributes ?? {};
  }

  /** SQS publishes the oldest message's age to CloudWatch only: the latest minute's maximum. */
  private async oldestAges(names: string[]): Promise<(number | undefined)[]> {
    const end = new Date();
    const out = await this.c.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(end.getTime() - 15 * 60_000),
        EndTime: end,
        ScanBy: 'TimestampDescending',
        MetricDataQueries: names.map((name, i) => ({
          Id: `q${i}`,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateAgeOfOldestMessage',
              Dimensions: [{ Name: 'QueueName', Value: name }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        })),
      }),
    );
    return names.map((_, i) => out.MetricDataResults?.find((r) => r.Id === `q${i}`)?.Values?.[0]);
  }

  async redriveIngest(dryRun: boolean): Promise<number> {
    const [dead, queue] = await Promise.all([
      this.attributes(this.outputs.IngestDeadLetterQueueUrl),
      this.attributes(this.outputs.IngestQueueUrl),
    ]);
    const count = Number(dead.ApproximateNumberOfMessages ?? 0);
    if (dryRun || count === 0) return count;
    const started = await this.c.sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dead.QueueArn, DestinationArn: queue.QueueArn }),
    );
    return this.moveTaskResult(dead.QueueArn ?? '', started.TaskHandle ?? '', count);
  }

  /**
   * What the move task did: SQS runs it after StartMessageMoveTask has answered, and it fails
   * there (a key policy, `sqs:SendMessage` on the destination missing), not in that answer. So
   * redrive follows it until it ends: how many it moved, or a CliError with SQS's reason.
   */
  private async moveTaskResult(sourceArn: string, handle: string, count: number): Promise<number> {
    const until = Date.now() + MOVE_TASK_WAIT_MS;
    for (;;) {
      const out = await this.c.sqs.send(
        new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }),
      );
      const task = out.Results?.[0];
      if (task?.Status === 'COMPLETED') return task.ApproximateNumberOfMessagesMoved ?? count;
      if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED')
        throw new CliError(
          `ingest DLQ: the move back to the ingest queue ${task.Status.toLowerCase()} after ${task.ApproximateNumberOfMessagesMoved ?? 0} of ${count} message(s): ${task.FailureReason ?? 'SQS gave no reason'}`,
        );
      if (Date.now() >= until)
        throw new CliError(
          `ingest DLQ: the move back to the ingest queue is still running after ${MOVE_TASK_WAIT_MS / 60_000} minutes (${task?.ApproximateNumberOfMessagesMoved ?? 0} of ${count} moved); follow it with aws sqs list-message-move-tasks --source-arn ${sourceArn} (task ${handle})`,
        );
      await this.pause(MOVE_TASK_POLL_MS);
    }
  }

  async receivePublishDeadLetters(): Promise<PublishDeadLetter[]> {
    const letters: PublishDeadLetter[] = [];
    for (let round = 0; round < MAX_RECEIVE_ROUNDS; round++) {
      const out = await this.c.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.outputs.PublishDeadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: RECEIVE_VISIBILITY_SECONDS,
          WaitTimeSeconds: 0,
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages)
        if (m.ReceiptHandle) letters.push({ handle: m.ReceiptHandle, body: m.Body ?? '' });
    }
    return letters;
  }

  async deletePublishDeadLetters(letters: readonly PublishDeadLetter[]): Promise<void> {
    for (let i = 0; i < letters.length; i += 10) {
      const chunk = letters.slice(i, i + 10);
      const out = await this.c.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.outputs.PublishDeadLetterQueueUrl,
          Entries: chunk.map((l, j) => ({ Id: String(j), ReceiptHandle: l.handle })),
        }),
      );
      if ((out.Failed ?? []).length > 0)
        throw new CliError(
          `republished, but ${out.Failed?.length} dead letter(s) could not be deleted (${out.Failed?.[0]?.Message}); they reappear after ${RECEIVE_VISIBILITY_SECONDS} s and a redrive would republish them again (harmless)`,
        );
    }
  }

  async republish(event: RepublishEvent): Promise<RepublishSummary> {
    const out = await this.c.lambda.send(
      new InvokeCommand({
        FunctionName: this.outputs.PublishFunctionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    if (out.FunctionError) {
      const payload = out.Payload ? new TextDecoder().decode(out.Payload) : '';
      throw new CliError(
        `the publish function ${this.outputs.PublishFunctionName} failed (${out.FunctionError}): ${payload.slice(0, 500)}`,
      );
    }
    if (!out.Payload)
      throw new CliError(
        `the publish function ${this.outputs.PublishFunctionName} answered nothing`,
      );
    return JSON.parse(new TextDecoder().decode(out.Payload)) as RepublishSummary;
  }

  async close(): Promise<void> {
    for (const client of Object.values(this.c)) client.destroy();
  }
}

function queueName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
