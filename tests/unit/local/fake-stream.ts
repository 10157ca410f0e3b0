import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';

/**
 * A table stream of one shard, in memory, behind the few commands StreamMapping sends: what a
 * test appends is read in order. An iterator is the position it reads from; `expireNext` makes
 * the next GetRecords fail as an expired iterator does.
 */
export class FakeStream {
  readonly records: _Record[] = [];
  /** Called before every GetRecords answer: a test can keep the stream busy. */
  onRead: (() => void) | undefined;
  private expire = 0;

  /** Appends a change of item `pk` (with a new image of about `bytes`); returns its number. */
  put(pk: string, bytes = 0): string {
    const sequence = String(this.records.length + 1).padStart(21, '0');
    this.records.push({
      eventID: `e${sequence}`,
      eventName: 'MODIFY',
      dynamodb: {
        Keys: { pk: { S: pk }, sk: { S: 'A' } },
        ...(bytes > 0 ? { NewImage: { body: { S: 'x'.repeat(bytes) } } } : {}),
        SequenceNumber: sequence,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    return sequence;
  }

  /** Sequence numbers in stream order, of item `pk` or of every item. */
  sequences(pk?: string): string[] {
    return this.records
      .filter((r) => pk === undefined || r.dynamodb?.Keys?.pk?.S === pk)
      .map((r) => r.dynamodb?.SequenceNumber ?? '');
  }

  expireNext(times = 1): void {
    this.expire += times;
  }

  readonly dynamo = {
    send: async (command: unknown) => {
      if (command instanceof DescribeTableCommand)
        return { Table: { LatestStreamArn: 'arn:aws:dynamodb:local:0:table/t/stream/fake' } };
      throw new Error(`fake table: unexpected ${String(command)}`);
    },
  } as unknown as DynamoDBClient;

  readonly streams = {
    send: async (command: unknown) => {
      // A real client answers after I/O; so does the fake, or a busy poller starves timers.
      await new Promise((resolve) => setImmediate(resolve));
      if (command instanceof DescribeStreamCommand)
        return { StreamDescription: { Shards: [{ ShardId: 'shard-0' }] } };
      if (command instanceof GetShardIteratorCommand)
        return { ShardIterator: this.iterator(command) };
      if (command instanceof GetRecordsCommand) return this.read(command);
      throw new Error(`fake stream: unexpected ${String(command)}`);
    },
  } as unknown as DynamoDBStreamsClient;

  private iterator(command: GetShardIteratorCommand): string {
    const { ShardIteratorType, SequenceNumber } = command.input;
    if (ShardIteratorType === 'TRIM_HORIZON') return '0';
    const at = this.records.findIndex((r) => r.dynamodb?.SequenceNumber === SequenceNumber);
    if (ShardIteratorType !== 'AFTER_SEQUENCE_NUMBER' || at < 0)
      throw new Error(`fake stream: unexpected iterator request ${JSON.stringify(command.input)}`);
    return String(at + 1);
  }

  private read(command: GetRecordsCommand) {
    if (this.expire > 0) {
      this.expire -= 1;
      throw Object.assign(new Error('Iterator expired'), { name: 'ExpiredIteratorException' });
    }
    this.onRead?.();
    const from = Number(command.input.ShardIterator);
    const records = this.records.slice(from, from + (command.input.Limit ?? 1000));
    return { Records: records, NextShardIterator: String(from + records.length) };
  }
}
