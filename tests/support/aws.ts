import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { localDynamoClients, localS3Client } from '../../shared/local/clients.ts';
import { type EmbeddedAws, startEmbeddedAws } from '../../shared/local/embedded-aws.ts';
import { createBucket, createTable } from '../../shared/local/resources.ts';

/**
 * The DynamoDB Local and s3rver of one test file: started when the file first needs them,
 * stopped after its last test. Not one pair for the whole run: DynamoDB Local slows down as
 * stream records pile up across all its tables (deleting the tables does not help), so a
 * shared one made every later file slower, the more so on a slow machine. Tests inside a
 * file still isolate by names and prefixes.
 */
let emulators: Promise<EmbeddedAws> | undefined;

// Each test file imports this module afresh, so the hook belongs to that file.
afterAll(async () => {
  const started = emulators;
  emulators = undefined;
  if (started) await (await started).stop();
});

/** The endpoints of this file's emulators, starting them on first use. */
export async function fileEmulators(): Promise<{ dynamodb: string; s3: string }> {
  emulators ??= startEmbeddedAws({ handleSignals: false, names: uniqueNames('file') });
  return (await emulators).endpoints;
}

/** Real SDK clients for this file's emulators. */
export async function emulatorClients() {
  const endpoints = await fileEmulators();
  return { ...localDynamoClients(endpoints.dynamodb), s3: localS3Client(endpoints.s3) };
}

/** A name no other test uses: tests may run in any order and in parallel. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Table and bucket names of a test's own. */
export function uniqueNames(prefix: string) {
  return {
    table: uniqueName(`${prefix}-table`),
    inboxBucket: uniqueName(`${prefix}-inbox`),
    siteBucket: uniqueName(`${prefix}-site`),
  };
}

/**
 * A pipeline's own s3rver (it must see only its own S3 events) beside a table of its own in
 * this file's DynamoDB Local.
 */
export async function testAws(prefix = 't'): Promise<EmbeddedAws> {
  return startEmbeddedAws({
    dynamoEndpoint: (await fileEmulators()).dynamodb,
    handleSignals: false,
    names: uniqueNames(prefix),
  });
}

/** A fresh table and inbox/site buckets of this test's own. */
export async function isolatedResources(prefix = 't') {
  const clients = await emulatorClients();
  const names = uniqueNames(prefix);
  await createTable(clients.dynamo, names.table);
  await createBucket(clients.s3, names.inboxBucket);
  await createBucket(clients.s3, names.siteBucket);
  return { ...clients, names };
}
