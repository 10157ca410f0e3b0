import {
  BatchWriteItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  type WriteRequest,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type Article, type FeedRef, feedKey, feedsOf } from '../shared/articles/article.ts';
import { entrySortKey, planArticleWrite } from '../shared/articles/stored.ts';
import { eachLimited } from '../shared/concurrency/each-limited.ts';
import { byBytes } from '../shared/contract/sort-key-order.ts';
import { keys, TABLE } from '../shared/contract/table.ts';
import { FIRST_PAGE, Frontier, startsArchivePage } from '../shared/publish/archive-pages.ts';
import { transactionItems } from '../shared/stores/article-transaction.ts';
import { sleep } from './stats.ts';

/**
 * Fills a table as if every article had been ingested and published, much faster than either:
 * the article and feed-entry items are exactly the Puts of the product's own transaction for a
 * new article (planArticleWrite + transactionItems, so entries sit in their write shards,
 * `FEED#<feed>#<writeShard(id)>`); each tag and author meta, which publish keeps, is written
 * once with its final count and ticket 0, so the first render's ticket (1 or more) supersedes
 * it. Source records and render bookkeeping, which publish reads only for itself, are left out.
 */

const BATCH = 25;

/**
 * The product's table (shared/stores/table-definition.ts) without its stream. DynamoDB Local
 * slows every write down as stream records pile up, across all its tables (2,000 articles:
 * 11 s into the first stream-enabled table, 38 s into a second, 76 s into a third; 8, 5 and
 * 3 s without streams), so 20,000 seeded articles with a stream would take longer than the
 * whole benchmark may. Publish reads (Query, BatchGet, GetItem) never touch the stream.
 */
export async function createArchiveTable(client: DynamoDBClient, table: string): Promise<void> {
  const { partitionKey: pk, sortKey: sk } = TABLE;
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: pk.name, AttributeType: pk.type },
        { AttributeName: sk.name, AttributeType: sk.type },
      ],
      KeySchema: [
        { AttributeName: pk.name, KeyType: 'HASH' },
        { AttributeName: sk.name, KeyType: 'RANGE' },
      ],
      BillingMode: TABLE.billingMode,
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: table });
}

function articlePuts(table: string, article: Article): WriteRequest[] {
  return transactionItems(table, undefined, [planArticleWrite(undefined, article)]).flatMap(
    (item) => (item.Put?.Item ? [{ PutRequest: { Item: item.Put.Item } }] : []),
  );
}

/**
 * Tag and author metas with their final counts, as publish leaves them: the site feed has
 * none, and a feed without a live article has none either (publish deletes a meta at 0).
 */
function metaPuts(articles: readonly Article[]): WriteRequest[] {
  const metas = new Map<string, { feed: FeedRef; count: number }>();
  for (const article of articles) {
    if (article.status !== 'live') continue;
    for (const feed of feedsOf(article)) {
      if (feed.kind === 'all') continue;
      const key = feedKey(feed);
      const meta = metas.get(key) ?? { feed, count: 0 };
      meta.count += 1;
      metas.set(key, meta);
    }
  }
  return [...metas]
    .filter(([, { count }]) => count > 0)
    .map(([key, { feed, count }]) => ({
      PutRequest: {
        Item: marshall({
          ...keys.feedMeta(key),
          kind: feed.kind,
          name: feed.kind === 'all' ? '' : feed.name,
          count,
          ticket: 0,
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

/**
 * The archive records of a site whose archive pages (RFC 5005) were all written before: per
 * feed, its newest archive page as linked (RenderLedger.saveArchiveLink), so a new article's
 * publish renders only what it changes, as on a site in service. Without them the first publish
 * touching a feed renders its whole archive once (an upgraded table's first publish).
 */
function archiveLinkPuts(articles: readonly Article[], itemLimit: number): WriteRequest[] {
  const feeds = new Map<string, Article[]>();
  for (const article of articles) {
    if (article.status !== 'live') continue;
    for (const feed of feedsOf(article)) {
      const list = feeds.get(feedKey(feed)) ?? [];
      list.push(article);
      feeds.set(feedKey(feed), list);
    }
  }
  return [...feeds].flatMap(([feed, list]) => {
    const frontier = new Frontier<{ id: string; sortKey: string }>(itemLimit);
    const archived = list
      .map((article) => ({ id: article.id, sortKey: entrySortKey(article) }))
      .sort((a, b) => byBytes(b.sortKey, a.sortKey))
      .flatMap((entry) => frontier.take(entry));
    if (archived.length === 0) return [];
    const newest = archived.find((entry) => startsArchivePage(entry.id))?.sortKey ?? FIRST_PAGE;
    return [{ PutRequest: { Item: marshall({ ...keys.archiveLink(feed), linked: newest }) } }];
  });
}

/**
 * Writes the articles' items with BatchWriteItem, `concurrency` batches in flight; with
 * `archiveLimit` (the site's itemLimit), also the records of an archive already written.
 */
export async function seedTable(
  client: DynamoDBClient,
  table: string,
  articles: readonly Article[],
  { concurrency = 8, archiveLimit }: { concurrency?: number; archiveLimit?: number } = {},
): Promise<{ items: number }> {
  const requests = [
    ...articles.flatMap((a) => articlePuts(table, a)),
    ...metaPuts(articles),
    ...(archiveLimit === undefined ? [] : archiveLinkPuts(articles, archiveLimit)),
  ];
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
  await eachLimited(batches, concurrency, (batch) => writeBatch(client, table, batch));
  return { items: requests.length };
}
