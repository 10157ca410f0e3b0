import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf, synthFeedpub, type Templates } from './synth-feedpub.ts';

let t: Templates;
beforeAll(() => {
  t = synthFeedpub();
});
afterAll(() => t?.feedpub.dispose());

const BLOCK_ALL = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

describe('feedpub-data buckets', () => {
  it('are private, S3-encrypted and retained', () => {
    const buckets = t.data.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual(BLOCK_ALL);
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      });
      expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
      );
    }
  });

  it('inbox is versioned, expires old versions and their delete markers, and logs access', () => {
    const inbox = t.data.toJSON().Resources[logicalIdOf(t.feedpub.data.inbox)];
    expect(inbox.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(inbox.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
    );
    // An unpublished upload's delete marker goes once its versions have.
    expect(inbox.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ ExpiredObjectDeleteMarker: true, Status: 'Enabled' }),
    );
    expect(inbox.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalIdOf(t.feedpub.data.accessLogs) },
      LogFilePrefix: 'inbox/',
    });
  });

  it('inbox refuses requests without TLS', () => {
    t.data.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(t.feedpub.data.inbox) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('site bucket logs access and has no policy here (feedpub-app owns its only one)', () => {
    const siteId = logicalIdOf(t.feedpub.data.site);
    const site = t.data.toJSON().Resources[siteId];
    expect(site.Properties.LoggingConfiguration.LogFilePrefix).toBe('site/');
    const policies = t.data.findResources('AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: siteId } },
    });
    expect(policies).toEqual({});
  });

  it('keeps the inbox and access-log bucket policies when the stack goes, as it keeps the buckets', () => {
    const policies = Object.values(t.data.findResources('AWS::S3::BucketPolicy'));
    expect(policies.map((policy) => policy.Properties.Bucket)).toEqual(
      expect.arrayContaining([
        { Ref: logicalIdOf(t.feedpub.data.inbox) },
        { Ref: logicalIdOf(t.feedpub.data.accessLogs) },
      ]),
    );
    for (const policy of policies) {
      expect(policy.DeletionPolicy).toBe('Retain');
      expect(policy.UpdateReplacePolicy).toBe('Retain');
    }
  });
});

describe('feedpub-data table', () => {
  it('is built from TABLE: string pk/sk, on demand, NEW_AND_OLD_IMAGES stream, PITR', () => {
    t.data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('has no warm throughput unless asked (pre-warming is charged)', () => {
    const [table] = Object.values(t.data.findResources('AWS::DynamoDB::Table'));
    expect(table?.Properties).not.toHaveProperty('WarmThroughput');
  });

  it('is pre-warmed with the context tableWarmReads / tableWarmWrites', () => {
    const warm = synthFeedpub({ context: { tableWarmReads: 30000, tableWarmWrites: '10000' } });
    try {
      const [table] = Object.values(warm.data.findResources('AWS::DynamoDB::Table'));
      expect(table?.Properties.WarmThroughput).toEqual({
        ReadUnitsPerSecond: 30000,
        WriteUnitsPerSecond: 10000,
      });
    } finally {
      warm.feedpub.dispose();
    }
  });

  it('is retained when the stack goes', () => {
    t.data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('the data stack holds only data: no functions, queues or distributions', () => {
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::SQS::Queue',
      'AWS::CloudFront::Distribution',
    ]) {
      t.data.resourceCountIs(type, 0);
    }
  });
});
