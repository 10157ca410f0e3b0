import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { TABLE } from '../contract/table.ts';

/** Resource names for the local runtime; on AWS, CloudFormation names them. */
export const LOCAL_NAMES = {
  table: 'feedpub-articles',
  inboxBucket: 'feedpub-inbox',
  siteBucket: 'feedpub-site',
} as const;

/** Creates the table from the shared definition (the CDK stack uses the same one). Idempotent. */
export async function createTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: TABLE.partitionKey.name, AttributeType: TABLE.partitionKey.type },
          { AttributeName: TABLE.sortKey.name, AttributeType: TABLE.sortKey.type },
        ],
        KeySchema: [
          { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
        ],
        BillingMode: TABLE.billingMode,
        StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamViewType },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client: dynamo, maxWaitTime: 30 }, { TableName: tableName });
}

/** Creates a bucket unless it exists already (a kept data folder). */
export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}
