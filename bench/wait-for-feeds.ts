import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { DynamoArticleTable } from '../shared/stores/article-table.ts';
import { checkFeeds, type FeedCheck } from './feed-check.ts';
import { sleep } from './stats.ts';

/**
 * Reads every feed until each one lists the table's newest items (or `timeoutMs` passes):
 * the proof that a run's end time is real. Returns the last check and whether the first
 * one already passed.
 */
export async function waitForFeeds(
  aws: EmbeddedAws,
  itemLimit: number,
  timeoutMs = 60_000,
): Promise<FeedCheck & { firstPassed: boolean; ok: boolean }> {
  const table = new DynamoArticleTable({ client: aws.dynamo, tableName: aws.names.table });
  const site = { s3Endpoint: aws.endpoints.s3, bucket: aws.names.siteBucket, itemLimit };
  const deadline = performance.now() + timeoutMs;
  let check = await checkFeeds(table, site);
  const firstPassed = check.stale.length === 0;
  while (check.stale.length > 0 && performance.now() < deadline) {
    await sleep(200);
    check = await checkFeeds(table, site);
  }
  return { ...check, firstPassed, ok: check.stale.length === 0 };
}
