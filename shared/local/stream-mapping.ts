import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { PUBLISH_EVENTS } from '../contract/event-sources.ts';
import { TABLE } from '../contract/table.ts';
import { type LaneSettings, type StreamHandler, StreamLane } from './stream-lane.ts';
import { laneIndex, toLambdaRecord } from './stream-records.ts';

/**
 * Lambda's DynamoDB-stream event-source mapping, in process, with the deployed settings
 * (PUBLISH_EVENTS): it reads every shard of the table's stream and delivers each shard's
 * records through `parallelizationFactor` lanes that run at once (StreamLane: batching window,
 * retries, bisection, on-failure). A record's lane is chosen by a hash of its partition key, so
 * the changes of one item stay in order while other items' changes are handled beside them.
 * A child shard is read once its parent has been read and delivered, as Lambda does.
 *
 * A poll round starts every `pollIntervalMs` (a round that takes longer is followed at once):
 * Lambda polls each shard four times a second, however long its reads take.
 */

export interface StreamEventSettings extends LaneSettings {
  parallelizationFactor: number;
}

export interface StreamMappingOptions {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  handler: StreamHandler;
  /** Overrides of PUBLISH_EVENTS, for tests of the mapping itself. */
  events?: Partial<StreamEventSettings>;
  /** First pause before a retry (default 100 ms; it doubles with each retry). */
  retryDelayMs?: number;
  /** From the start of one poll round to the start of the next (default 250 ms). */
  pollIntervalMs?: number;
  /** The clock and the pause the poll rounds are paced by (tests pass their own). */
  pacing?: { now(): number; pause(ms: number, signal: AbortSignal): Promise<unknown> };
  /**
   * Records given up after their retries (the on-failure destination), with their shard; `[]`
   * (and no shard) for read errors.
   */
  onFailure?: (records: DynamoDBRecord[], error: unknown, shardId?: string) => void;
  /**
   * The mapping's filter criteria: only records whose partition key begins with this reach the
   * handler, the others are dropped as Lambda drops them (default: every record).
   */
  partitionKeyPrefix?: string;
}

const DISCOVERY_INTERVAL_MS = 1000;

export class StreamMapping {
  private readonly events: StreamEventSettings;
  private readonly pollIntervalMs: number;
  private readonly partitionKeyPrefix: string | undefined;
  private readonly abort = new AbortController();
  private streamArn = '';
  private readonly iterators = new Map<string, string>();
  private readonly lastSequence = new Map<string, string>();
  private readonly finishedShards = new Set<string>();
  private readonly parents = new Map<string, string>();
  private readonly lanes = new Map<string, StreamLane[]>();
  private running = false;
  private loop: Promise<void> | undefined;
  private lastDiscovery = 0;
  private round = 0;
  private renewedThisRound = false;
  private readonly quietWaiters: { after: number; resolve: () => void }[] = [];

  constructor(private readonly options: StreamMappingOptions) {
    this.events = { ...PUBLISH_EVENTS, ...options.events };
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.partitionKeyPrefix = options.partitionKeyPrefix;
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

  /** Stops polling; a batch in flight finishes, no batch or retry starts after it. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
    await Promise.all([...this.lanes.values()].flat().map((lane) => lane.drain()));
    for (const waiter of this.quietWaiters.splice(0)) waiter.resolve();
  }

  /**
   * Resolves once a full poll round that began after this call found nothing new, with every
   * lane empty and no batch in flight: everything the stream held before the call is handled.
   */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    const after = this.round;
    return new Promise((resolve) => this.quietWaiters.push({ after, resolve }));
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.step();
      } catch (error) {
        // An emulator hiccup must not end polling: report it and poll again.
        this.options.onFailure?.([], error);
        await this.pause(this.pollIntervalMs * 4);
      }
    }
  }

  /** One poll round: read every shard and route what it returned to its lanes. */
  private async step(): Promise<void> {
    const startedAt = this.now();
    this.round += 1;
    const round = this.round;
    this.renewedThisRound = false;
    const fetched = await this.pollShards();
    if (Date.now() - this.lastDiscovery > DISCOVERY_INTERVAL_MS) await this.discoverShards();
    this.forgetFinishedShards();
    const lanesIdle = [...this.lanes.values()].flat().every((lane) => lane.idle);
    if (fetched === 0 && !this.renewedThisRound && lanesIdle) {
      for (const waiter of this.quietWaiters.filter((w) => w.after < round)) {
        this.quietWaiters.splice(this.quietWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    await this.pause(Math.max(0, this.pollIntervalMs - (this.now() - startedAt)));
  }

  private now(): number {
    return this.options.pacing?.now() ?? Date.now();
  }

  private async pause(ms: number): Promise<void> {
    const signal = this.abort.signal;
    await (this.options.pacing?.pause(ms, signal) ?? sleep(ms, undefined, { signal })).catch(
      () => {},
    );
  }

  private async discoverShards(): Promise<void> {
    this.lastDiscovery = Date.now();
    const out = await this.options.streams.send(
      new DescribeStreamCommand({ StreamArn: this.streamArn }),
    );
    for (const shard of out.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || this.iterators.has(id) || this.finishedShards.has(id)) continue;
      if (shard.ParentShardId) this.parents.set(id, shard.ParentShardId);
      await this.renewIterator(id);
    }
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
      if (this.waitsForParent(shardId)) continue;
      const out = await this.readShard(shardId, iterator);
      if (!out) continue;
      const receivedAt = Date.now();
      const records = (out.Records ?? []).map((r) => toLambdaRecord(r, this.streamArn, receivedAt));
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) this.lastSequence.set(shardId, last);
      this.route(shardId, records);
      fetched += records.length;
      if (out.NextShardIterator) this.iterators.set(shardId, out.NextShardIterator);
      else {
        this.iterators.delete(shardId);
        this.finishedShards.add(shardId);
      }
    }
    return fetched;
  }

  /** A child shard waits until its parent has been read to its end and every batch is done. */
  private waitsForParent(shardId: string): boolean {
    const parent = this.parents.get(shardId);
    if (!parent) return false;
    return this.iterators.has(parent) || !(this.lanes.get(parent) ?? []).every((l) => l.idle);
  }

  private forgetFinishedShards(): void {
    for (const shardId of this.finishedShards) {
      const lanes = this.lanes.get(shardId);
      if (lanes?.every((lane) => lane.idle)) this.lanes.delete(shardId);
    }
  }

  /** Hands each record to its lane, keeping stream order within the lane. */
  private route(shardId: string, all: DynamoDBRecord[]): void {
    const prefix = this.partitionKeyPrefix;
    const records = prefix
      ? all.filter((r) => r.dynamodb?.Keys?.[TABLE.partitionKey.name]?.S?.startsWith(prefix))
      : all;
    if (records.length === 0) return;
    const lanes = this.lanesOf(shardId);
    const groups = new Map<StreamLane, DynamoDBRecord[]>();
    for (const record of records) {
      const lane = lanes[laneIndex(record, lanes.length)] as StreamLane;
      const group = groups.get(lane);
      if (group) group.push(record);
      else groups.set(lane, [record]);
    }
    for (const [lane, group] of groups) lane.add(group);
  }

  private lanesOf(shardId: string): StreamLane[] {
    let lanes = this.lanes.get(shardId);
    if (!lanes) {
      lanes = Array.from(
        { length: Math.max(1, this.events.parallelizationFactor) },
        () =>
          new StreamLane({
            settings: this.events,
            handler: this.options.handler,
            retryDelayMs: this.options.retryDelayMs ?? 100,
            onFailure: (records, error) => this.options.onFailure?.(records, error, shardId),
            signal: this.abort.signal,
          }),
      );
      this.lanes.set(shardId, lanes);
    }
    return lanes;
  }
}
