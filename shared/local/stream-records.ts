import { createHash } from 'node:crypto';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { TABLE } from '../contract/table.ts';

/**
 * A stream record as GetRecords returns it, in the shape Lambda hands the function.
 * ApproximateCreationDateTime is in whole seconds, as on AWS, but from `receivedAt` (when the
 * poller got it, epoch ms): DynamoDB Local rounds it down to the minute, which would date a
 * change up to a minute early. The second it was received is never earlier than the record.
 */
export function toLambdaRecord(
  record: _Record,
  streamArn: string,
  receivedAt = Date.now(),
): DynamoDBRecord {
  const data = record.dynamodb;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(receivedAt / 1000),
      Keys: data?.Keys as never,
      NewImage: data?.NewImage as never,
      OldImage: data?.OldImage as never,
      SequenceNumber: data?.SequenceNumber,
      SizeBytes: data?.SizeBytes,
      StreamViewType: data?.StreamViewType,
    },
  };
}

/** The lane of a record: a hash of its partition key, so one item's records share a lane. */
export function laneIndex(record: DynamoDBRecord, lanes: number): number {
  const key = JSON.stringify(record.dynamodb?.Keys?.[TABLE.partitionKey.name] ?? null);
  return createHash('sha256').update(key).digest().readUInt32BE(0) % lanes;
}
