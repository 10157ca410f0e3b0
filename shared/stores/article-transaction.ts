import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { feedKey } from '../articles/article.ts';
import type { ArticleWrite, FeedMetaChange } from '../articles/stored.ts';
import { keys } from '../contract/table.ts';
import type { SourceRecord } from '../ports/article-store.ts';
import { WriteTooLargeError } from '../ports/article-store.ts';
import { articleToItem, sourceToItem } from './table-items.ts';

/** DynamoDB's limit on items in one TransactWriteItems call. */
const MAX_TRANSACTION_ITEMS = 100;

const toAttr = (value: Record<string, unknown>) =>
  marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: true });

function sourceItem(
  record: SourceRecord,
  previousRevision: number | undefined,
  table: string,
): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: toAttr(sourceToItem(record)),
      // Optimistic lock on the record we read: a concurrent event makes us re-plan.
      ConditionExpression:
        previousRevision === undefined ? 'attribute_not_exists(pk)' : 'revision = :prev',
      ExpressionAttributeValues:
        previousRevision === undefined ? undefined : toAttr({ ':prev': previousRevision }),
    },
  };
}

function articleItems(write: ArticleWrite, table: string): TransactWriteItem[] {
  const revCondition =
    write.expectedRev === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'rev = :rev',
          ExpressionAttributeValues: toAttr({ ':rev': write.expectedRev }),
        };
  const items: TransactWriteItem[] = [];
  if (write.put)
    items.push({
      Put: { TableName: table, Item: toAttr(articleToItem(write.put)), ...revCondition },
    });
  if (write.deleteId)
    items.push({
      Delete: { TableName: table, Key: toAttr(keys.article(write.deleteId)), ...revCondition },
    });
  for (const e of write.entries.delete) {
    items.push({
      Delete: { TableName: table, Key: toAttr(keys.feedEntry(feedKey(e.feed), e.sortKey)) },
    });
  }
  for (const e of write.entries.put) {
    const item = { ...keys.feedEntry(feedKey(e.feed), e.sortKey), id: e.id, rev: e.rev };
    items.push({ Put: { TableName: table, Item: toAttr(item) } });
  }
  const { put, delete: remove } = write.schedule;
  if (remove)
    items.push({ Delete: { TableName: table, Key: toAttr(keys.schedule(remove.sortKey)) } });
  if (put)
    items.push({
      Put: { TableName: table, Item: toAttr({ ...keys.schedule(put.sortKey), id: put.id }) },
    });
  return items;
}

/** Sums the meta changes of several writes: one transaction may touch an item only once. */
function mergeMetas(writes: ArticleWrite[]): FeedMetaChange[] {
  const merged = new Map<string, FeedMetaChange>();
  for (const change of writes.flatMap((w) => w.feedMeta)) {
    const key = feedKey(change.feed);
    const seen = merged.get(key);
    merged.set(key, { feed: change.feed, countDelta: (seen?.countDelta ?? 0) + change.countDelta });
  }
  return [...merged.values()].filter((change) => change.countDelta !== 0);
}

function metaItem({ feed, countDelta }: FeedMetaChange, table: string): TransactWriteItem {
  // The first spelling of a tag or author name stays its display name.
  const name = feed.kind === 'all' ? '' : feed.name;
  return {
    Update: {
      TableName: table,
      Key: toAttr(keys.feedMeta(feedKey(feed))),
      UpdateExpression: 'SET kind = :kind, #name = if_not_exists(#name, :name) ADD #count :delta',
      ExpressionAttributeNames: { '#count': 'count', '#name': 'name' },
      ExpressionAttributeValues: toAttr({
        ':kind': feed.kind,
        ':name': name,
        ':delta': countDelta,
      }),
    },
  };
}

/** The TransactItems for one source record and its article writes. */
export function transactionItems(
  table: string,
  source: { record: SourceRecord; previousRevision?: number } | undefined,
  writes: ArticleWrite[],
): TransactWriteItem[] {
  const items = [
    ...(source ? [sourceItem(source.record, source.previousRevision, table)] : []),
    ...writes.flatMap((w) => articleItems(w, table)),
    ...mergeMetas(writes).map((m) => metaItem(m, table)),
  ];
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new WriteTooLargeError(
      `one article change needs ${items.length} table writes; the limit is ${MAX_TRANSACTION_ITEMS}`,
    );
  }
  return items;
}
