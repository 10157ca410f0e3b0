import type { S3EventRecord } from 'aws-lambda';
import { toS3EventRecord } from '../../shared/local/s3-notifications.ts';
import { sleep } from './reliability-config.ts';
import { putVersions, type Rig, startEmulators } from './reliability-pipeline.ts';
import { bucketHelpers } from './site.ts';

/**
 * A workload of uploads and deletes, played once against a real s3rver to record the
 * events S3 sends for it (sequencers, event times), so the very same events can be
 * delivered to several pipelines: once in order, or duplicated and shuffled.
 */

export type Op =
  | { kind: 'put'; key: string; body: string | Uint8Array }
  | { kind: 'delete'; key: string };

export interface RecordedEvent {
  key: string;
  kind: 'created' | 'removed';
  sequencer: string;
  /** The emulated version the event announces (created events only). */
  versionId?: string;
  record: S3EventRecord;
}

export interface Recording {
  /** In sequencer order. */
  events: RecordedEvent[];
  /** Bytes of every version an event announces. */
  versions: Map<string, Uint8Array>;
}

const bytesOf = (body: string | Uint8Array) =>
  typeof body === 'string' ? new TextEncoder().encode(body) : body;

export async function recordWorkload(ops: readonly Op[]): Promise<Recording> {
  const aws = await startEmulators('rec');
  const inbox = bucketHelpers(aws.s3, aws.names.inboxBucket);
  const captured: S3EventRecord[] = [];
  const unsubscribe = aws.onS3Event((record) => captured.push(toS3EventRecord(record)));
  const events: RecordedEvent[] = [];
  const versions = new Map<string, Uint8Array>();
  try {
    for (const op of ops) {
      const before = captured.length;
      if (before !== events.length)
        throw new Error(
          `an S3 event came without an operation: ${JSON.stringify(captured.at(-1))}`,
        );
      if (op.kind === 'put') await inbox.put(op.key, op.body);
      else await inbox.remove(op.key);
      // One event per operation. The embedded S3 answers once its event is delivered; S3
      // itself may deliver later, so this waits for it all the same (the deadline only
      // catches a hang).
      const deadline = performance.now() + 10_000;
      while (captured.length === before && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 2));
      if (captured.length !== before + 1)
        throw new Error(`expected one S3 event for ${op.kind} ${op.key}`);
      const record = captured[before] as S3EventRecord;
      const sequencer = record.s3.object.sequencer;
      const event: RecordedEvent = {
        key: op.key,
        kind: op.kind === 'put' ? 'created' : 'removed',
        sequencer,
        record,
      };
      if (op.kind === 'put') {
        event.versionId = `v-${sequencer}`;
        record.s3.object.versionId = event.versionId;
        versions.set(event.versionId, bytesOf(op.body));
      }
      events.push(event);
    }
  } finally {
    unsubscribe();
    await aws.stop();
  }
  return { events, versions };
}

/** The SQS message body S3 would send for this event to that rig's inbox. */
export function messageFor(rig: Rig, event: RecordedEvent): string {
  const record = structuredClone(event.record);
  record.s3.bucket.name = rig.aws.names.inboxBucket;
  record.s3.bucket.arn = `arn:aws:s3:::${rig.aws.names.inboxBucket}`;
  return JSON.stringify({ Records: [record] });
}

/** Each event once, in sequencer order, each ingested before the next is sent. */
export async function deliverSerially(rig: Rig, recording: Recording): Promise<void> {
  await putVersions(rig, recording.versions);
  for (const event of recording.events) {
    rig.pipeline.queue.send(messageFor(rig, event));
    await rig.pipeline.queue.idle();
  }
  await rig.pipeline.settle();
}

/**
 * Every delivery in the given order, sent in small bursts with pauses between them, so that
 * deliveries overlap with the handling of earlier ones.
 */
export async function deliverInterleaved(
  rig: Rig,
  recording: Recording,
  deliveries: readonly RecordedEvent[],
  random: () => number,
): Promise<void> {
  await putVersions(rig, recording.versions);
  for (let i = 0; i < deliveries.length; ) {
    const burst = 1 + Math.floor(random() * 8);
    for (const event of deliveries.slice(i, i + burst))
      rig.pipeline.queue.send(messageFor(rig, event));
    i += burst;
    await sleep(Math.floor(random() * 40));
  }
  await rig.pipeline.settle();
}

/** Every event once, in sequencer order, all sent at once: the queue runs them concurrently. */
export async function deliverAll(rig: Rig, recording: Recording): Promise<void> {
  await putVersions(rig, recording.versions);
  for (const event of recording.events) rig.pipeline.queue.send(messageFor(rig, event));
  await rig.pipeline.settle();
}

/** The article key an id or a version came from, for attributing faults to an upload. */
export function keyIndex(recording: Recording, idOf: (key: string) => string) {
  const byId = new Map<string, string>();
  const byVersion = new Map<string, string>();
  for (const event of recording.events) {
    byId.set(idOf(event.key), event.key);
    if (event.versionId) byVersion.set(event.versionId, event.key);
  }
  return (subject: string): string | undefined => {
    const item = subject.includes('|') ? subject.slice(0, subject.lastIndexOf('|')) : subject;
    if (item.startsWith('SRC#')) return item.slice(4);
    if (item.startsWith('ART#')) return byId.get(item.slice(4));
    if (subject.startsWith('articles/')) return subject;
    if (subject.startsWith('versions/')) return byVersion.get(subject.slice(9));
    if (subject.startsWith('reports/')) return subject.slice(8, -5);
    return undefined;
  };
}
