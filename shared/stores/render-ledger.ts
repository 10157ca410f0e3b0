import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { feedKey } from '../articles/article.ts';
import { keys } from '../contract/table.ts';
import type { FeedMeta } from '../ports/feed-reader.ts';
import type { Claim, RenderLedger } from '../ports/render-ledger.ts';

/** Free, expired, or already this holder's (an SDK retry of a request that took it). */
const LEASE_FREE = 'attribute_not_exists(holder) OR leaseUntil < :now OR holder = :holder';

/**
 * RenderLedger on the table: one small item per render unit (`RENDER#<unit>`) holding
 * `claims` (a counter), `rendered`, and the lease (`holder`, `leaseUntil`, epoch ms). Each call
 * is one single-item request; the stream mapping's filter (article items only) keeps these
 * writes from triggering publish.
 */
export class DynamoRenderLedger implements RenderLedger {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly now: () => number;

  constructor(options: { client: DynamoDBClient; tableName: string; now?: () => number }) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.now = options.now ?? Date.now;
  }

  async claim(unit: string, holder: string, leaseMs: number): Promise<Claim> {
    const now = this.now();
    const update = (withLease: boolean) =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.render(unit)),
          UpdateExpression: withLease
            ? 'ADD claims :one SET holder = :holder, leaseUntil = :until'
            : 'ADD claims :one',
          ...(withLease ? { ConditionExpression: LEASE_FREE } : {}),
          ExpressionAttributeValues: marshall(
            withLease
              ? { ':one': 1, ':holder': holder, ':until': now + leaseMs, ':now': now }
              : { ':one': 1 },
          ),
          ReturnValues: 'ALL_NEW',
        }),
      );
    try {
      const item = unmarshall((await update(true)).Attributes ?? {});
      const ticket = Number(item.claims ?? 0);
      return { ticket, rendered: Number(item.rendered ?? 0), lease: { covers: ticket } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const item = unmarshall((await update(false)).Attributes ?? {});
    return { ticket: Number(item.claims ?? 0), rendered: Number(item.rendered ?? 0) };
  }

  async rendered(unit: string): Promise<number> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.render(unit)),
        ConsistentRead: true,
        ProjectionExpression: 'rendered',
      }),
    );
    return Number(unmarshall(out.Item ?? {}).rendered ?? 0);
  }

  async acquire(unit: string, holder: string, leaseMs: number) {
    const now = this.now();
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.render(unit)),
          UpdateExpression: 'SET holder = :holder, leaseUntil = :until',
          ConditionExpression: LEASE_FREE,
          ExpressionAttributeValues: marshall({
            ':holder': holder,
            ':until': now + leaseMs,
            ':now': now,
          }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { covers: Number(unmarshall(out.Attributes ?? {}).claims ?? 0) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async release(unit: string, holder: string, covers: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.render(unit)),
          UpdateExpression: 'SET rendered = :covers REMOVE holder, leaseUntil',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: marshall({ ':holder': holder, ':covers': covers }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async abandon(unit: string, holder: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.render(unit)),
          UpdateExpression: 'REMOVE holder, leaseUntil',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: marshall({ ':holder': holder }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async saveFeedMeta({ feed, count }: FeedMeta, ticket: number): Promise<void> {
    const key = keys.feedMeta(feedKey(feed));
    const newer = {
      // A meta without a ticket was written before publish kept metas: any render may replace it.
      ConditionExpression:
        'attribute_not_exists(pk) OR attribute_not_exists(ticket) OR ticket < :ticket',
      ExpressionAttributeValues: marshall({ ':ticket': ticket }),
    };
    try {
      if (count > 0) {
        const name = feed.kind === 'all' ? '' : feed.name;
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: marshall({ ...key, kind: feed.kind, name, count, ticket }),
            ...newer,
          }),
        );
      } else {
        await this.client.send(
          new DeleteItemCommand({ TableName: this.tableName, Key: marshall(key), ...newer }),
        );
      }
    } catch (error) {
      // A render with a higher ticket wrote it: that one is newer.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
