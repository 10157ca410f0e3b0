import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { ARTICLE_PK_PREFIX } from '../contract/table.ts';
import type { ArticleChange } from '../ports/feed-reader.ts';
import { itemToArticle } from './table-items.ts';

type Image = Record<string, AttributeValue> | undefined;

function articleOf(image: Image) {
  return image ? itemToArticle(unmarshall(image)).article : undefined;
}

/**
 * The table stream as publish sees it: article items only (feed entries and metas change in
 * the same transactions). Each image is validated; a malformed one throws InvalidItemError.
 */
export function articleChanges(records: readonly DynamoDBRecord[]): ArticleChange[] {
  return records.flatMap((record) => {
    const pk = record.dynamodb?.Keys?.pk?.S ?? '';
    const recordId = record.dynamodb?.SequenceNumber;
    if (!pk.startsWith(ARTICLE_PK_PREFIX) || !recordId) return [];
    const created = record.dynamodb?.ApproximateCreationDateTime;
    return [
      {
        recordId,
        before: articleOf(record.dynamodb?.OldImage as Image),
        after: articleOf(record.dynamodb?.NewImage as Image),
        ...(created !== undefined ? { committedAt: committedBy(created) } : {}),
      },
    ];
  });
}

/**
 * When a change was committed at the latest (epoch ms), from its stream record's
 * ApproximateCreationDateTime (epoch seconds, rounded down): before the next second.
 */
export function committedBy(approximateCreationSeconds: number): number {
  return (Math.floor(approximateCreationSeconds) + 1) * 1000;
}
