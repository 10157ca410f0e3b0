import { decodeS3EventKey } from '../articles/object-key.ts';
import { PoisonMessageError } from './errors.ts';
import type { ObjectEvent } from './object-event.ts';

interface S3EventRecordShape {
  eventName?: unknown;
  eventTime?: unknown;
  s3?: {
    bucket?: { name?: unknown };
    object?: { key?: unknown; versionId?: unknown; sequencer?: unknown; size?: unknown };
  };
}

/**
 * The object events in one SQS message body (an S3 event notification). The subscription's
 * `s3:TestEvent` yields none; anything that is not an S3 notification is poison.
 */
export function objectEventsFromMessage(body: string): ObjectEvent[] {
  let message: { Event?: unknown; Records?: unknown };
  try {
    message = JSON.parse(body);
  } catch (cause) {
    throw new PoisonMessageError('message body is not JSON: not an S3 event notification', {
      cause,
    });
  }
  if (message?.Event === 's3:TestEvent') return [];
  if (!Array.isArray(message?.Records))
    throw new PoisonMessageError('message has no Records: not an S3 event notification');
  return message.Records.flatMap((record: S3EventRecordShape, index: number) =>
    toObjectEvent(record, index),
  );
}

function toObjectEvent(record: S3EventRecordShape, index: number): ObjectEvent[] {
  const name = String(record.eventName ?? '');
  const object = record.s3?.object;
  const versioned = typeof object?.versionId === 'string' && object.versionId !== '';
  // In a versioned bucket a plain delete is `DeleteMarkerCreated`; `Delete` with a version id
  // removed one version for good (an old one, or the marker of an undone delete).
  const kind = name.startsWith('ObjectCreated:')
    ? 'created'
    : name === 'ObjectRemoved:Delete' && versioned
      ? 'version-removed'
      : name.startsWith('ObjectRemoved:')
        ? 'removed'
        : undefined;
  if (!kind) return [];
  const bucket = record.s3?.bucket?.name;
  if (
    typeof object?.key !== 'string' ||
    typeof bucket !== 'string' ||
    typeof object.sequencer !== 'string'
  ) {
    throw new PoisonMessageError(
      `Records[${index}] lacks s3.bucket.name, s3.object.key or s3.object.sequencer`,
    );
  }
  let key: string;
  try {
    key = decodeS3EventKey(object.key);
  } catch (cause) {
    throw new PoisonMessageError(`Records[${index}]: ${(cause as Error).message}`, { cause });
  }
  return [
    {
      kind,
      bucket,
      key,
      versionId:
        typeof object.versionId === 'string' && object.versionId !== ''
          ? object.versionId
          : undefined,
      sequencer: object.sequencer,
      eventTime: eventTime(record.eventTime, index),
      size: typeof object.size === 'number' ? object.size : undefined,
    },
  ];
}

function eventTime(raw: unknown, index: number): string {
  const time = typeof raw === 'string' ? new Date(raw) : undefined;
  if (!time || Number.isNaN(time.getTime()))
    throw new PoisonMessageError(`Records[${index}] has no valid eventTime`);
  return time.toISOString();
}
