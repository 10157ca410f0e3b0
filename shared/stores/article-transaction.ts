import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  type ArticleWrite,
  bodyIndexOf,
  entryListKey,
  type FeedEntry,
} from '../articles/stored.ts';
import { entryShard, keys, writeShard } from '../contract/table.ts';
import type { MediaWrite, SourceRecord } from '../ports/article-store.ts';
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

function mediaItem({ record, previousRevision }: MediaWrite, table: string): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: toAttr({ ...keys.media(record.key), ...record }),
      ConditionExpression:
        previousRevision === undefined ? 'attribute_not_exists(pk)' : 'revision = :prev',
      ExpressionAttributeValues:
        previousRevision === undefined ? undefined : toAttr({ ':prev': previousRevision }),
    },
  };
}

/** A feed entry item's attributes besides its key (undefined ones are left out). */
const entryFields = ({ id, rev, updated, title, language }: FeedEntry) => ({
  id,
  rev,
  updated,
  title,
  language,
});

function articleItems(write: ArticleWrite, table: string): TransactWriteItem[] {
  const revCondition =
    write.expectedRev === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'rev = :rev',
          ExpressionAttributeValues: toAttr({ ':rev': write.expectedRev }),
        };
  const items: TransactWriteItem[] = [
    { Put: { TableName: table, Item: toAttr(articleToItem(write.put)), ...revCondition } },
  ];
  const entryKey = (e: FeedEntry) =>
    keys.feedEntry(entryListKey(e.feed, e.list), entryShard(e.list, e.id), e.sortKey);
  for (const e of write.entries.delete) {
    items.push({ Delete: { TableName: table, Key: toAttr(entryKey(e)) } });
  }
  for (const e of write.entries.put) {
    items.push({
      Put: {
        TableName: table,
        Item: toAttr({ ...entryKey(e), ...entryFields(e) }),
      },
    });
  }
  const body = bodyIndexOf(write);
  // Bytes planned as never seen: no story may have been made of them (the index names none).
  const unseen = { ConditionExpression: 'attribute_not_exists(pk)' };
  if (body)
    items.push({
      Put: {
        TableName: table,
        Item: toAttr({ ...keys.body(body.hash), id: body.id }),
        ...(write.unseenBytes === body.hash ? unseen : {}),
      },
    });
  if (write.unseenBytes !== undefined && write.unseenBytes !== body?.hash)
    items.push({
      ConditionCheck: { TableName: table, Key: toAttr(keys.body(write.unseenBytes)), ...unseen },
    });
  const { put, delete: remove } = write.schedule;
  if (remove)
    items.push({
      Delete: {
        TableName: table,
        Key: toAttr(keys.schedule(writeShard(remove.id), remove.sortKey)),
      },
    });
  if (put)
    items.push({
      Put: {
        TableName: table,
        Item: toAttr({ ...keys.schedule(writeShard(put.id), put.sortKey), id: put.id }),
      },
    });
  return items;
}

/** The TransactItems for one source record and its article writes. */
export function transactionItems(
  table: string,
  source: { record: SourceRecord; previousRevision?: number } | undefined,
  writes: ArticleWrite[],
  media: MediaWrite[] = [],
): TransactWriteItem[] {
  const items = [
    ...(source ? [sourceItem(source.record, source.previousRevision, table)] : []),
    ...writes.flatMap((w) => articleItems(w, table)),
    ...media.map((m) => mediaItem(m, table)),
  ];
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new WriteTooLargeError(
      `one article change needs ${items.length} table writes; the limit is ${MAX_TRANSACTION_ITEMS}`,
    );
  }
  return items;
}
