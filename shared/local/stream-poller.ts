import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * Lambda's DynamoDB-stream event source mapping, in process: reads every shard of the table's
 * stream, delivers records in batches, and on `batchItemFailures` retries from the earliest
 * failed record, up to `retryAttempts` times, before handing the records to `onFailure` (the
 * on-failure destination) and moving on.
 *
 * A batch goes out when it holds `batchSize` records, when the stream has been quiet for
 * `quietMs`, or at the latest `batchWindowMs` after its first record. Lambda scales a burst
 * out over many invocations; one process cannot, so during a burst it waits for bigger
 * batches (each feed rendered a few times, not once per handful of articles), while a single
 * upload goes out after the short quiet period.
 */

export interface StreamPollerOptions {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  batchSize?: number;
  batchWindowMs?: number;
  quietMs?: number;
  retryAttempts?: number;
  retryDelayMs?: number;
  pollIntervalMs?: number;
  onFailure?: (records: DynamoDBRecord[], error: unknown) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class StreamPoller {
  private readonly options: Required<Omit<StreamPollerOptions, 'onFailure'>> &
    Pick<StreamPollerOptions, 'onFailure'>;
  private streamArn = '';
  private readonly iterators = new Map<string, string>();
  private readonly buffer: DynamoDBRecord[] = [];
  private firstBufferedAt = 0;
  private lastRecordAt = 0;
  private renewedThisRound = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private round = 0;
  private lastQuietRound = -1;
  private readonly finishedShards = new Set<string>();
  private readonly lastSequence = new Map<string, string>();

  constructor(options: StreamPollerOptions) {
    this.options = {
      batchSize: 500,
      batchWindowMs: 3000,
      quietMs: 300,
      retryAttempts: 10,
      retryDelayMs: 100,
      pollIntervalMs: 50,
      ...options,
    };
  }

  async start(): Promise<void> {
    const table = await this.options.dynamo.send(
      new DescribeTableCommand({ TableName: this.options.tableName }),
    );
    this.streamArn = table.Table?.LatestStreamArn ?? '';
    if (!this.streamArn) throw new Error(`table ${this.options.tableName} has no stream`);
    await this.discoverShards();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves once a full poll round that began after this call found nothing left to deliver. */
  async idle(): Promise<void> {
    const after = this.round;
    while (this.running && this.lastQuietRound <= after) await sleep(this.options.pollIntervalMs);
  }

  private async discoverShards(): Promise<void> {
    const out = await this.options.streams.send(
      new DescribeStreamCommand({ StreamArn: this.streamArn }),
    );
    for (const shard of out.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || this.iterators.has(id) || this.finishedShards.has(id)) continue;
      await this.renewIterator(id);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.step();
      } catch (error) {
        // An emulator hiccup must not end polling: report it and poll again.
        this.options.onFailure?.([], error);
        await sleep(this.options.pollIntervalMs * 4);
      }
    }
  }

  private lastDiscovery = Date.now();

  /** One poll round: read every shard, deliver a batch when it is full or its window is over. */
  private async step(): Promise<void> {
    this.round += 1;
    const round = this.round;
    this.renewedThisRound = false;
    const fetched = await this.pollShards();
    if (Date.now() - this.lastDiscovery > 1000) {
      await this.discoverShards();
      this.lastDiscovery = Date.now();
    }
    const now = Date.now();
    const due =
      this.buffer.length >= this.options.batchSize ||
      (this.buffer.length > 0 &&
        (now - this.lastRecordAt >= this.options.quietMs ||
          now - this.firstBufferedAt >= this.options.batchWindowMs));
    if (due) await this.dispatch();
    if (fetched > 0) return;
    if (this.buffer.length === 0 && !this.renewedThisRound) this.lastQuietRound = round;
    await sleep(this.options.pollIntervalMs);
  }

  /** A fresh iterator: after the last record read from the shard, or from its start. */
  private async renewIterator(shardId: string): Promise<void> {
    const after = this.lastSequence.get(shardId);
    const out = await this.options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (out.ShardIterator) this.iterators.set(shardId, out.ShardIterator);
  }

  private async readShard(shardId: string, iterator: string) {
    try {
      return await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
      );
    } catch (error) {
      // An iterator can expire, or (in DynamoDB Local, whose sequence numbers span all its
      // tables) point at records trimmed meanwhile: start again where this shard left off.
      const name = (error as { name?: string }).name ?? '';
      if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
      await this.renewIterator(shardId);
      // Nothing was read from this shard: the round must not count as quiet.
      this.renewedThisRound = true;
      return undefined;
    }
  }

  private async pollShards(): Promise<number> {
    let fetched = 0;
    for (const [shardId, iterator] of [...this.iterators]) {
      const out = await this.readShard(shardId, iterator);
      if (!out) continue;
      const records = (out.Records ?? []).map((r) => this.toLambdaRecord(r));
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) this.lastSequence.set(shardId, last);
      if (records.length > 0 && this.buffer.length === 0) this.firstBufferedAt = Date.now();
      if (records.length > 0) this.lastRecordAt = Date.now();
      this.buffer.push(...records);
      fetched += records.length;
      if (out.NextShardIterator) this.iterators.set(shardId, out.NextShardIterator);
      else {
        this.iterators.delete(shardId);
        this.finishedShards.add(shardId);
      }
    }
    return fetched;
  }

  private async dispatch(): Promise<void> {
    let batch = this.buffer.splice(0, this.options.batchSize);
    this.firstBufferedAt = this.buffer.length > 0 ? Date.now() : 0;
    for (let attempt = 0; batch.length > 0; attempt++) {
      let failedFrom: number;
      let error: unknown;
      try {
        const response = await this.options.handler({ Records: batch });
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        failedFrom = batch.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
        error = 'batchItemFailures';
      } catch (thrown) {
        failedFrom = 0;
        error = thrown;
      }
      if (failedFrom < 0) return;
      batch = batch.slice(failedFrom);
      if (attempt >= this.options.retryAttempts) {
        this.options.onFailure?.(batch, error);
        return;
      }
      await sleep(this.options.retryDelayMs * 2 ** Math.min(attempt, 5));
    }
  }

  private toLambdaRecord(record: _Record): DynamoDBRecord {
    const data = record.dynamodb;
    return {
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: record.eventVersion,
      eventSource: 'aws:dynamodb',
      awsRegion: record.awsRegion,
      eventSourceARN: this.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: data?.ApproximateCreationDateTime
          ? data.ApproximateCreationDateTime.getTime() / 1000
          : undefined,
        Keys: data?.Keys as never,
        NewImage: data?.NewImage as never,
        OldImage: data?.OldImage as never,
        SequenceNumber: data?.SequenceNumber,
        SizeBytes: data?.SizeBytes,
        StreamViewType: data?.StreamViewType,
      },
    };
  }
}
