import type { S3EventRecord } from 'aws-lambda';
import type { S3rverEventRecord } from './embedded-aws.ts';

/**
 * s3rver's event records, reshaped into exactly what S3 sends: keys URL-encoded (spaces as
 * `+`, the rest percent-encoded, `/` kept) and a real, strictly increasing sequencer per
 * event (s3rver's is a millisecond timestamp, equal for two quick uploads).
 */

export function encodeKeyLikeS3(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

let lastSequencer = 0n;

/** 16 hex digits from the clock in microseconds, never repeating within this process. */
export function nextSequencer(): string {
  const now = BigInt(Date.now()) * 1000n;
  lastSequencer = now > lastSequencer ? now : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(16, '0');
}

export function toS3EventRecord(record: S3rverEventRecord): S3EventRecord {
  const { bucket, object } = record.s3;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: record.eventTime,
    eventName: record.eventName as S3EventRecord['eventName'],
    userIdentity: { principalId: 'local' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'feedpub-local',
      bucket: {
        name: bucket.name,
        ownerIdentity: { principalId: 'local' },
        arn: `arn:aws:s3:::${bucket.name}`,
      },
      object: {
        key: encodeKeyLikeS3(object.key),
        size: object.size ?? 0,
        eTag: object.eTag ?? '',
        sequencer: nextSequencer(),
      },
    },
  };
}
