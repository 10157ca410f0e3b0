import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { ResourceNames } from '../../shared/local/embedded-aws.ts';
import {
  dynamoErrors,
  dynamoSubject,
  type FaultRule,
  type Faults,
  lostResponse,
  s3Error,
} from './reliability-faults.ts';

const unbounded = Number.POSITIVE_INFINITY;

type PublishHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * Outages counted in publish invocations, not in seconds: every other invocation runs in an
 * outage, so a batch's next attempt is always clean, however fast or slow the machine is.
 * Calls made outside any publish invocation (ingest's) are always exposed to their rules.
 */
export class PublishOutages {
  private invocations = 0;
  private readonly context = new AsyncLocalStorage<{ outage: boolean }>();

  /** For the rig's `publishHandler`: runs each invocation of the real handler in its context. */
  readonly wrap = (real: PublishHandler): PublishHandler => {
    return (event) => {
      this.invocations += 1;
      return this.context.run({ outage: this.invocations % 2 === 1 }, () => real(event));
    };
  };

  /** Whether the current call is inside an outage (or outside every publish invocation). */
  readonly active = (): boolean => this.context.getStore()?.outage ?? true;
}

/** The faults of the issue, each transient (see Faults), on the pipeline's own clients. */
export function installFaults(
  rig: { s3: S3Client; dynamo: DynamoDBClient },
  faults: Faults,
  names: ResourceNames,
  outages: PublishOutages,
): void {
  const rule = (
    kind: string,
    probability: number,
    perSubject: number,
    error: FaultRule['error'],
    extra: Partial<FaultRule> = {},
  ): FaultRule => ({
    kind,
    probability,
    perSubject,
    budget: unbounded,
    error,
    ...extra,
  });
  const inboxGet = rule('S3 GetObject (inbox)', 0.2, 2, s3Error('InternalError', 500));
  // Publish retries a stream batch as a whole (from its earliest failed record), and each
  // retry renders, HEADs and PUTs again: under a steady per-call fault rate some unit of a
  // large batch fails on every attempt. So publish-side faults come in outages of whole
  // invocations (see PublishOutages), which the retries of any batch outlast.
  const outage = outages.active;
  const sitePut = rule('S3 PutObject (site)', 0.2, 2, s3Error('SlowDown', 503), { active: outage });
  const sitePutLost = rule('S3 PutObject (site), response lost', 0.05, 1, lostResponse, {
    after: true,
    active: outage,
  });
  const siteHead = rule('S3 HeadObject (site)', 0.05, 1, s3Error('InternalError', 500), {
    active: outage,
  });
  const reportPut = rule('S3 PutObject (report)', 0.1, 1, s3Error('ServiceUnavailable', 503));
  faults.install(
    rig.s3,
    (command, input) => {
      const inbox = input.Bucket === names.inboxBucket;
      if (command === 'GetObjectCommand' && inbox) return [inboxGet];
      if (command === 'PutObjectCommand') return inbox ? [reportPut] : [sitePut, sitePutLost];
      if (command === 'HeadObjectCommand' && !inbox) return [siteHead];
      return [];
    },
    (_command, input) => String(input.Key),
  );
  const reads = rule('DynamoDB throttling (reads)', 0.05, 1, dynamoErrors.throttled, {
    active: outage,
  });
  const writeThrottle = rule(
    'DynamoDB throttling (TransactWriteItems)',
    0.05,
    1,
    dynamoErrors.throttled,
  );
  const writeLost = rule('TransactWriteItems committed, response lost', 0.05, 1, lostResponse, {
    after: true,
  });
  faults.install(
    rig.dynamo,
    (command, input) => {
      if (command === 'TransactWriteItemsCommand') {
        const items = (input.TransactItems as unknown[]).length;
        const conflict = rule(
          'TransactionCanceledException (TransactionConflict)',
          0.2,
          3,
          dynamoErrors.conflict(items),
        );
        return [conflict, writeThrottle, writeLost];
      }
      return ['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand'].includes(command)
        ? [reads]
        : [];
    },
    dynamoSubject,
  );
}
