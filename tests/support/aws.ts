import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createBucket, createTable } from '../../shared/local/resources.ts';
import { localDynamoClients, localS3Client } from '../../shared/stores/local-clients.ts';

/** Real SDK clients for the run's emulators (started by tests/global-setup.ts). */
export function emulatorClients() {
  return {
    ...localDynamoClients(inject('dynamoEndpoint')),
    s3: localS3Client(inject('s3Endpoint')),
  };
}

/** A name no other test uses: tests may run in any order and in parallel. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A fresh table and inbox/site buckets of this test's own. */
export async function isolatedResources(prefix = 't') {
  const clients = emulatorClients();
  const names = {
    table: uniqueName(`${prefix}-table`),
    inboxBucket: uniqueName(`${prefix}-inbox`),
    siteBucket: uniqueName(`${prefix}-site`),
  };
  await createTable(clients.dynamo, names.table);
  await createBucket(clients.s3, names.inboxBucket);
  await createBucket(clients.s3, names.siteBucket);
  return { ...clients, names };
}
