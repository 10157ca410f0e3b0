import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoArticleTable } from '../../../shared/stores/article-table.ts';
import { articleToItem } from '../../../shared/stores/table-items.ts';
import { testArticle } from '../../support/fakes/articles.ts';

/**
 * What DynamoDB Local cannot show: a replica behind the leader. Feeds read their articles from a
 * replica first (half the read units) and must never render one older than its entry.
 */
const dynamo = mockClient(DynamoDBClient);
const TABLE = 'articles';

/** The article item ingest writes for `id` at revision `rev`. */
function articleItem(id: string, rev: number, title: string) {
  const item = articleToItem({ article: testArticle(id, { title }), rev });
  return marshall(item, { removeUndefinedValues: true });
}

beforeEach(() => dynamo.reset());

describe('DynamoArticleTable.getArticles with the revisions entries name', () => {
  it('reads from a replica, and again from the leader only what the replica had not yet', async () => {
    dynamo
      .on(BatchGetItemCommand)
      .callsFake((input: { RequestItems: Record<string, { ConsistentRead?: boolean }> }) => {
        const consistent = input.RequestItems[TABLE]?.ConsistentRead === true;
        // The replica: `a` at revision 1 (the entry names 2), `b` current, `c` not there yet.
        const items = consistent
          ? [articleItem('a', 2, 'A two'), articleItem('c', 1, 'C one')]
          : [articleItem('a', 1, 'A one'), articleItem('b', 3, 'B three')];
        return { Responses: { [TABLE]: items } };
      });
    const table = new DynamoArticleTable({ client: new DynamoDBClient({}), tableName: TABLE });

    const found = await table.getArticles(['a', 'b', 'c'], [2, 3, 1]);

    expect(found.map((s) => [s.article.id, s.rev, s.article.title])).toEqual([
      ['a', 2, 'A two'],
      ['b', 3, 'B three'],
      ['c', 1, 'C one'],
    ]);
    const reads = dynamo.commandCalls(BatchGetItemCommand).map((call) => {
      const request = call.args[0].input.RequestItems?.[TABLE];
      return { consistent: request?.ConsistentRead, keys: request?.Keys?.length };
    });
    expect(reads).toEqual([
      { consistent: false, keys: 3 },
      { consistent: true, keys: 2 },
    ]);
  });

  it('reads once, from a replica, when it has every revision asked; strongly without revisions', async () => {
    dynamo.on(BatchGetItemCommand).resolves({
      Responses: { [TABLE]: [articleItem('a', 4, 'A four')] },
    });
    const table = new DynamoArticleTable({ client: new DynamoDBClient({}), tableName: TABLE });

    expect((await table.getArticles(['a'], [3]))[0]?.rev).toBe(4);
    expect((await table.getArticles(['a']))[0]?.rev).toBe(4);

    const consistent = dynamo
      .commandCalls(BatchGetItemCommand)
      .map((call) => call.args[0].input.RequestItems?.[TABLE]?.ConsistentRead);
    expect(consistent).toEqual([false, true]);
  });
});
