import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { planArticleWrite } from '../../../shared/articles/stored.ts';
import { StaleWriteError } from '../../../shared/ports/article-store.ts';
import { DynamoArticleTable } from '../../../shared/stores/article-table.ts';
import { testArticle } from '../../support/fakes/articles.ts';

/**
 * What DynamoDB Local never does: throttle. A bulk import into a new on-demand table is
 * throttled until the table has grown; ingest's transaction must wait for it (the write queues
 * behind the table's limit) rather than fail the upload after a few tries.
 */
const dynamo = mockClient(DynamoDBClient);
const table = new DynamoArticleTable({ client: new DynamoDBClient({}), tableName: 'articles' });
const change = () => ({ articles: [planArticleWrite(undefined, testArticle('a'))] });

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

beforeEach(() => dynamo.reset());

describe('DynamoArticleTable.commit when the table throttles', () => {
  it('tries a throttled transaction again until it goes through', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled('ThrottlingError', 'None'))
      .rejectsOnce(
        new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
      )
      .rejectsOnce(cancelled('None', 'ProvisionedThroughputExceeded'))
      .resolves({});

    await table.commit(change(), { retryUntil: Date.now() + 60_000 });

    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(4);
  });

  it('tries more often than a conflict is tried, while the caller has time', async () => {
    // Nine throttles: more than the eight tries a conflict between two writers gets.
    const mocked = dynamo.on(TransactWriteItemsCommand);
    for (let i = 0; i < 9; i++) mocked.rejectsOnce(cancelled('ThrottlingError'));
    mocked.resolves({});

    await table.commit(change(), { retryUntil: Date.now() + 120_000 });

    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(10);
  });

  it("gives up with the table's error once the caller's time is up", async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled('ThrottlingError'));

    const failed = table.commit(change(), { retryUntil: Date.now() + 300 });

    await expect(failed).rejects.toBeInstanceOf(TransactionCanceledException);
  });

  it('never takes a failed condition for a throttle: the change is stale', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .rejects(cancelled('ConditionalCheckFailed', 'ThrottlingError'));

    await expect(
      table.commit(change(), { retryUntil: Date.now() + 60_000 }),
    ).rejects.toBeInstanceOf(StaleWriteError);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
  });

  it('never waits on a cancellation that also has a reason no wait mends', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled('ThrottlingError', 'ValidationError'));

    await expect(
      table.commit(change(), { retryUntil: Date.now() + 60_000 }),
    ).rejects.toBeInstanceOf(TransactionCanceledException);
    // Tried as a conflict is (8 times, a few hundred ms), not until the deadline.
    expect(dynamo.commandCalls(TransactWriteItemsCommand).length).toBeLessThanOrEqual(8);
  });
});
