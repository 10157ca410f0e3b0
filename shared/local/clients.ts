import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';

/** SDK v3 clients for the embedded emulators: DynamoDB Local, and s3rver with its fixed credentials. */

const REGION = 'us-east-1';

export function localDynamoClients(endpoint: string): {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
} {
  // DynamoDB Local runs with -sharedDb, so any credentials see the same tables.
  const config = {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  return { dynamo: new DynamoDBClient(config), streams: new DynamoDBStreamsClient(config) };
}

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // Without these, streamed bodies reach s3rver aws-chunked (stored corrupted) or are rejected.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
