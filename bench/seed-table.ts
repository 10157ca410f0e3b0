import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type Article, feedKey, feedsOf } from '../shared/articles/article.ts';
import { planArticleWrite } from '../shared/articles/stored.ts';
import { transactionItems } from '../shared/stores/article-transaction.ts';
import { keys } from '../shared/stores/table-items.ts';
import { forEachLimited, sleep } from './stats.ts';

/**
 * Fills a table as if every article had been ingested, much faster than ingest: the article
 * and feed-entry items are exactly the Puts of the product's own transaction for a new article
 * (planArticleWrite + transactionItems); each feed's meta is written once with the final count
 * (and generation = count, as one bump per article would leave it). Source records, which
 * publish never reads, are left out.
 */

const BATCH = 25;

function articlePuts(table: string, article: Article): WriteRequest[] {
  return transactionItems(table, undefined, [planArticleWrite(undefined, article)]).flatMap(
    (item) => (item.Put?.Item ? [{ PutRequest: { Item: item.Put.Item } }] : []),
  );
}

function metaPuts(articles: readonly Article[]): WriteRequest[] {
  const metas = new Map<string, { feed: ReturnType<typeof feedsOf>[number]; count: number }>();
  for (const article of articles) {
    for (const feed of feedsOf(article)) {
      const key = feedKey(feed);
      const meta = metas.get(key) ?? { feed, count: 0 };
      meta.count += 1;
      metas.set(key, meta);
    }
  }
  return [...metas].map(([key, { feed, count }]) => ({
    PutRequest: {
      Item: marshall({
        ...keys.feedMeta(key),
        kind: feed.kind,
        ...(feed.kind === 'all' ? {} : { name: feed.name }),
        gen: count,
        count,
      }),
    },
  }));
}

async function writeBatch(client: DynamoDBClient, table: string, requests: WriteRequest[]) {
  let pending: WriteRequest[] = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
    const out = await client.send(
      new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
    );
    pending = out.UnprocessedItems?.[table] ?? [];
  }
}

/** Writes the articles' items with BatchWriteItem, `concurrency` batches in flight. */
export async function seedTable(
  client: DynamoDBClient,
  table: string,
  articles: readonly Article[],
  concurrency = 8,
): Promise<{ items: number }> {
  const requests = [...articles.flatMap((a) => articlePuts(table, a)), ...metaPuts(articles)];
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
  await forEachLimited(batches, concurrency, (batch) => writeBatch(client, table, batch));
  return { items: requests.length };
}
