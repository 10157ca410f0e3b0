import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { TABLE } from '../shared/contract/table.ts';
import type { TableWarmThroughput } from './config.ts';

export interface FeedpubDataStackProps extends StackProps {
  /** Pre-warms the table for a known peak (context tableWarmReads / tableWarmWrites). */
  readonly tableWarmThroughput?: TableWarmThroughput;
}

/**
 * The stateful half: everything that holds data and outlives a redeploy. Nothing here is
 * replaced or deleted by CloudFormation (RemovalPolicy.RETAIN); the stateless stack
 * receives these through typed props.
 */
export class FeedpubDataStack extends Stack {
  /** Uploads under articles/, rejection reports under reports/. */
  public readonly inbox: Bucket;
  /** The published site; served only through CloudFront (its policy lives with the distribution). */
  public readonly site: Bucket;
  /** Articles, feed entries and feed metadata; its stream drives publishing. */
  public readonly table: Table;
  /** S3 server access logs of the other two buckets. */
  public readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: FeedpubDataStackProps = {}) {
    super(scope, id, props);

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...privateBucket,
      // S3 log delivery writes as the bucket owner via the bucket policy CDK adds.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        abortIncompleteUploads,
        { id: 'expire-logs', expiration: Duration.days(365) },
      ],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log destination itself; logging it into itself would log every log delivery.',
    });

    this.inbox = new Bucket(this, 'Inbox', {
      ...privateBucket,
      // Every upload is kept: a re-upload or a delete can be undone for 90 days.
      versioned: true,
      lifecycleRules: [
        abortIncompleteUploads,
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
        // A delete leaves a marker; once the versions under it have expired it hides nothing,
        // and without this rule it stays for good, slowing every listing of the inbox.
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'inbox/',
    });

    this.site = new Bucket(this, 'Site', {
      ...privateBucket,
      lifecycleRules: [abortIncompleteUploads],
      // Its one bucket policy, TLS-only deny included, is owned by feedpub-app (see there).
      enforceSSL: false,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'site/',
    });
    Validations.of(this.site).acknowledge({
      id: 'AwsSolutions-S10',
      reason:
        'The site bucket policy (TLS-only deny plus CloudFront OAC read for one distribution) is created in feedpub-app next to the distribution it names; a second policy here would replace it.',
    });

    this.table = new Table(this, 'Articles', {
      partitionKey: { name: TABLE.partitionKey.name, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey.name, type: AttributeType.STRING },
      billingMode: BillingMode[TABLE.billingMode],
      stream: StreamViewType[TABLE.streamViewType],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Off by default: on demand, DynamoDB grows with the traffic it sees, but a jump to more
      // than twice the previous peak within 30 minutes (a bulk import on a quiet table) can be
      // throttled until it has split partitions. Pre-warming is a one-off charge.
      warmThroughput: props.tableWarmThroughput,
    });

    // Kept with their buckets: `cdk destroy` would otherwise delete them and leave a kept inbox
    // that takes plain HTTP and an access-log bucket that log delivery may no longer write.
    for (const bucket of [this.inbox, this.accessLogs])
      bucket.policy?.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}

const privateBucket = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.RETAIN,
} as const satisfies BucketProps;

const abortIncompleteUploads: LifecycleRule = {
  id: 'abort-incomplete-uploads',
  abortIncompleteMultipartUploadAfter: Duration.days(7),
};
