import type { EmbeddedAws, ResourceNames } from '../shared/local/embedded-aws.ts';
import { createBucket, createTable } from '../shared/local/resources.ts';

/**
 * The same emulators under other names: a table and two buckets of a benchmark's own.
 * The pipeline keys everything on `aws.names`, so a copy with other names is a separate site.
 */
export async function withOwnResources(aws: EmbeddedAws, prefix: string): Promise<EmbeddedAws> {
  const names: ResourceNames = {
    table: `${prefix}-table`,
    inboxBucket: `${prefix}-inbox`,
    siteBucket: `${prefix}-site`,
  };
  await createTable(aws.dynamo, names.table);
  await createBucket(aws.s3, names.inboxBucket);
  await createBucket(aws.s3, names.siteBucket);
  return { ...aws, names };
}
