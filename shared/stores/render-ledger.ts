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
import type { FeedMeta, SitemapDay } from '../ports/feed-reader.ts';
import {
  type Acquired,
  type ArchiveView,
  type Claim,
  isUnneeded,
  type LastRender,
  type Lease,
  type Reads,
  type RenderLedger,
  type SiteRendering,
  type Unneeded,
} from '../ports/render-ledger.ts';

/** Free, expired, or already this holder's (an SDK retry of a request that took it). */
const LEASE_FREE = 'attribute_not_exists(holder) OR leaseUntil < :now OR holder = :holder';

/**
 * The unit item's last render (`rendered`; `readFrom`, `readWith`, `readArchive` and
 * `readFiles`, what it read and what the bucket noted of its files).
 */
function lastRenderOf(item: Record<string, unknown>): LastRender {
  const from = Number(item.readFrom);
  const settings = item.readWith;
  const archive = archiveViewOf(item.readArchive, from);
  const files = filesOf(item.readFiles, from);
  return {
    rendered: Number(item.rendered ?? 0),
    ...(Number.isFinite(from) && typeof settings === 'string'
      ? { read: { from, settings, ...(archive ? { archive } : {}), ...(files ? { files } : {}) } }
      : {}),
  };
}

/**
 * Recorded notes of a render's files (Reads.files), if the item holds them for the read that
 * began at `from` (an older version's release leaves an earlier render's behind: not this one's).
 */
function filesOf(value: unknown, from: number): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { readFrom, paths } = value as Record<string, unknown>;
  if (readFrom !== from || typeof paths !== 'object' || paths === null) return undefined;
  const entries = Object.entries(paths).filter((entry): entry is [string, string] =>
    isText(entry[1]),
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

const isText = (value: unknown): value is string => typeof value === 'string';

/**
 * A recorded ArchiveView, if the item holds a whole one recorded with the read that began at
 * `from` (else none: the batch searches). A release that knows no views (a version before them,
 * still running during a deploy) records a newer read and leaves an older render's view: that
 * view is not this read's.
 */
function archiveViewOf(value: unknown, from: number): ArchiveView | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { limit, frontier, starts, near, lowest, complete, newest, first, readFrom } =
    value as Record<string, unknown>;
  if (readFrom !== from) return undefined;
  const texts = (list: unknown): list is string[] => Array.isArray(list) && list.every(isText);
  if (
    typeof limit !== 'number' ||
    (frontier !== undefined && !isText(frontier)) ||
    !texts(starts) ||
    typeof near !== 'number' ||
    !isText(lowest) ||
    typeof complete !== 'boolean' ||
    typeof newest !== 'number' ||
    typeof first !== 'boolean'
  )
    return undefined;
  return {
    limit,
    ...(frontier !== undefined ? { frontier } : {}),
    starts,
    near,
    lowest,
    complete,
    newest,
    first,
  };
}

const readOf = ({ read }: LastRender): Pick<Lease, 'read'> => (read === undefined ? {} : { read });

/** A conditional request's outcome: its answer, or `undefined` when its condition failed. */
async function ifConditionHolds<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/**
 * RenderLedger on the table: one small item per render unit (`RENDER#<unit>`) holding
 * `claims` (a counter), `rendered`, what that render read (`readFrom`, epoch ms, `readWith`,
 * the settings fingerprint, `readArchive` and `readFiles`, each kept with the `readFrom` it was
 * recorded with), and the lease (`holder`, `leaseUntil`, epoch ms). Each call
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

  /**
   * One UpdateItem on the unit's item: the item after it, or, when `condition` failed, the item
   * as the request found it (`old`; empty when none), in the same answer.
   */
  private async updateOrOld(
    unit: string,
    expression: string,
    values: Record<string, unknown>,
    condition?: string,
  ): Promise<{ item: Record<string, unknown> } | { old: Record<string, unknown> }> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.render(unit)),
          UpdateExpression: expression,
          ...(condition
            ? { ConditionExpression: condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }
            : {}),
          ExpressionAttributeValues: marshall(values),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { item: unmarshall(out.Attributes ?? {}) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { old: error.Item ? unmarshall(error.Item) : {} };
    }
  }

  /** One UpdateItem on the unit's item; `undefined` when `condition` failed. */
  private async update(
    unit: string,
    expression: string,
    values: Record<string, unknown>,
    condition?: string,
  ) {
    const out = await this.updateOrOld(unit, expression, values, condition);
    return 'item' in out ? out.item : undefined;
  }

  /** Takes the lease (`expression`) if it is free and `unneeded` does not hold, in one request. */
  private takeLease(
    unit: string,
    expression: string,
    values: Record<string, unknown>,
    unneeded: Unneeded | undefined,
  ) {
    const checks = [`(${LEASE_FREE})`];
    const more: Record<string, unknown> = {};
    if (unneeded?.readSince !== undefined) {
      checks.push('NOT (readFrom >= :readSince AND readWith = :settings)');
      more[':readSince'] = unneeded.readSince;
      more[':settings'] = unneeded.settings;
    }
    if (unneeded?.ticket !== undefined) {
      checks.push('NOT (rendered >= :ticket)');
      more[':ticket'] = unneeded.ticket;
    }
    return this.updateOrOld(unit, expression, { ...values, ...more }, checks.join(' AND '));
  }

  async claim(unit: string, holder: string, leaseMs: number, unneeded?: Unneeded): Promise<Claim> {
    const now = this.now();
    const leased = await this.takeLease(
      unit,
      'ADD claims :one SET holder = :holder, leaseUntil = :until',
      { ':one': 1, ':holder': holder, ':until': now + leaseMs, ':now': now },
      unneeded,
    );
    if ('item' in leased) {
      const ticket = Number(leased.item.claims ?? 0);
      const last = lastRenderOf(leased.item);
      return { ticket, ...last, lease: { covers: ticket, ...readOf(last) } };
    }
    // Not taken: held by another publisher, or not needed (the same request said which).
    const last = lastRenderOf(leased.old);
    if (isUnneeded(last, unneeded)) {
      if (leased.old.holder === holder) await this.abandon(unit, holder);
      return { ticket: last.rendered, ...last };
    }
    const item = (await this.update(unit, 'ADD claims :one', { ':one': 1 })) ?? {};
    return { ticket: Number(item.claims ?? 0), ...lastRenderOf(item) };
  }

  async lastRender(unit: string): Promise<LastRender> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.render(unit)),
        ConsistentRead: true,
        ProjectionExpression: 'rendered, readFrom, readWith, readArchive, readFiles',
      }),
    );
    return lastRenderOf(unmarshall(out.Item ?? {}));
  }

  async acquire(
    unit: string,
    holder: string,
    leaseMs: number,
    unneeded?: Unneeded,
  ): Promise<Acquired> {
    const now = this.now();
    const taken = await this.takeLease(
      unit,
      'SET holder = :holder, leaseUntil = :until',
      { ':holder': holder, ':until': now + leaseMs, ':now': now },
      unneeded,
    );
    if ('item' in taken) {
      const last = lastRenderOf(taken.item);
      return { lease: { covers: Number(taken.item.claims ?? 0), ...readOf(last) }, last };
    }
    const last = lastRenderOf(taken.old);
    if (taken.old.holder === holder && isUnneeded(last, unneeded)) await this.abandon(unit, holder);
    return { last };
  }

  async release(unit: string, holder: string, covers: number, read: Reads): Promise<boolean> {
    const values = {
      ':holder': holder,
      ':covers': covers,
      ':from': read.from,
      ':settings': read.settings,
    };
    // A render that saw no archive, or had no files noted, leaves none of an earlier one's.
    const set = ['rendered = :covers', 'readFrom = :from', 'readWith = :settings'];
    const remove = ['holder', 'leaseUntil'];
    const extra: Record<string, unknown> = {};
    if (read.archive) {
      set.push('readArchive = :archive');
      extra[':archive'] = { ...read.archive, readFrom: read.from };
    } else remove.push('readArchive');
    if (read.files) {
      set.push('readFiles = :files');
      extra[':files'] = { readFrom: read.from, paths: read.files };
    } else remove.push('readFiles');
    const item = await this.update(
      unit,
      `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
      { ...values, ...extra },
      'holder = :holder',
    );
    return item !== undefined;
  }

  async abandon(unit: string, holder: string): Promise<void> {
    await this.update(unit, 'REMOVE holder, leaseUntil', { ':holder': holder }, 'holder = :holder');
  }

  async saveSitemapDay({ day, count, lastmod }: SitemapDay, ticket: number): Promise<void> {
    const key = keys.sitemapDay(day);
    const newer = {
      ConditionExpression: 'attribute_not_exists(pk) OR ticket < :ticket',
      ExpressionAttributeValues: marshall({ ':ticket': ticket }),
    };
    // A failed condition: a render with a higher ticket wrote it, and that one is newer.
    if (count <= 0) {
      await ifConditionHolds(
        this.client.send(
          new DeleteItemCommand({ TableName: this.tableName, Key: marshall(key), ...newer }),
        ),
      );
      return;
    }
    const written = await ifConditionHolds(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ ...key, count, lastmod, ticket }),
          // ISO strings of one form (toISOString) compare as their times do.
          ConditionExpression:
            'attribute_not_exists(pk) OR (ticket < :ticket AND lastmod <= :lastmod)',
          ExpressionAttributeValues: marshall({ ':ticket': ticket, ':lastmod': lastmod }),
        }),
      ),
    );
    if (written) return;
    // Newer ticket, earlier lastmod (rare: a story left the day, or a republish): the count
    // changes, the stored lastmod stays; an item removed meanwhile by an older render (count 0)
    // is written again, with this lastmod.
    await ifConditionHolds(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(key),
          UpdateExpression:
            'SET #count = :count, ticket = :ticket, lastmod = if_not_exists(lastmod, :lastmod)',
          ExpressionAttributeNames: { '#count': 'count' },
          ConditionExpression: 'attribute_not_exists(pk) OR ticket < :ticket',
          ExpressionAttributeValues: marshall({
            ':ticket': ticket,
            ':count': count,
            ':lastmod': lastmod,
          }),
        }),
      ),
    );
  }

  async saveArchiveLink(feed: string, newest: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...keys.archiveLink(feed), linked: newest }),
      }),
    );
  }

  async saveFeedMeta({ feed, count, announcing }: FeedMeta, ticket: number): Promise<void> {
    const key = keys.feedMeta(feedKey(feed));
    const newer = {
      // A meta without a ticket was written before publish kept metas: any render may replace it.
      ConditionExpression:
        'attribute_not_exists(pk) OR attribute_not_exists(ticket) OR ticket < :ticket',
      ExpressionAttributeValues: marshall({ ':ticket': ticket }),
    };
    const name = feed.kind === 'all' ? '' : feed.name;
    // A failed condition: a render with a higher ticket wrote it, and that one is newer.
    await ifConditionHolds(
      count > 0 || announcing
        ? this.client.send(
            new PutItemCommand({
              TableName: this.tableName,
              Item: marshall({
                ...key,
                kind: feed.kind,
                name,
                count,
                ...(announcing ? { announcing } : {}),
                ticket,
              }),
              ...newer,
            }),
          )
        : this.client.send(
            new DeleteItemCommand({ TableName: this.tableName, Key: marshall(key), ...newer }),
          ),
    );
  }

  async siteRendering(): Promise<SiteRendering> {
    const item = await this.siteItem();
    if (!item) return {};
    const { fingerprint, jobFingerprint, cursor } = item;
    return {
      ...(typeof fingerprint === 'string' ? { fingerprint } : {}),
      ...(typeof jobFingerprint === 'string'
        ? {
            job: { fingerprint: jobFingerprint, ...(typeof cursor === 'string' ? { cursor } : {}) },
          }
        : {}),
    };
  }

  private async siteItem(): Promise<Record<string, unknown> | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.siteRendering()),
        ConsistentRead: true,
      }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  async takeRepublish(fingerprint: string, holder: string, leaseMs: number, restart = false) {
    const item = await this.siteItem();
    const now = this.now();
    if (item?.holder !== undefined && item.holder !== holder && Number(item.leaseUntil) >= now)
      return undefined;
    const cursor =
      !restart && item?.jobFingerprint === fingerprint && typeof item.cursor === 'string'
        ? item.cursor
        : undefined;
    const version = Number(item?.version ?? 0);
    // Conditional on the version read: another publisher's take, advance or finish in between
    // wins, and this one tries again on a later tick.
    const taken = await ifConditionHolds(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.siteRendering()),
          UpdateExpression: `SET jobFingerprint = :fp, holder = :holder, leaseUntil = :until, version = :next${cursor === undefined ? ' REMOVE #cursor' : ', #cursor = :cursor'}`,
          ConditionExpression: version === 0 ? 'attribute_not_exists(version)' : 'version = :v',
          ExpressionAttributeNames: { '#cursor': 'cursor' },
          ExpressionAttributeValues: marshall({
            ':fp': fingerprint,
            ':holder': holder,
            ':until': now + leaseMs,
            ':next': version + 1,
            ...(version === 0 ? {} : { ':v': version }),
            ...(cursor === undefined ? {} : { ':cursor': cursor }),
          }),
        }),
      ),
    );
    if (!taken) return undefined;
    return cursor === undefined ? {} : { cursor };
  }

  async advanceRepublish(holder: string, cursor: string, leaseMs: number): Promise<boolean> {
    const out = await ifConditionHolds(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.siteRendering()),
          UpdateExpression: 'SET #cursor = :cursor, leaseUntil = :until, version = version + :one',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeNames: { '#cursor': 'cursor' },
          ExpressionAttributeValues: marshall({
            ':cursor': cursor,
            ':until': this.now() + leaseMs,
            ':one': 1,
            ':holder': holder,
          }),
        }),
      ),
    );
    return out !== undefined;
  }

  async pauseRepublish(holder: string): Promise<void> {
    await ifConditionHolds(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.siteRendering()),
          UpdateExpression: 'SET version = version + :one REMOVE holder, leaseUntil',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: marshall({ ':one': 1, ':holder': holder }),
        }),
      ),
    );
  }

  async finishRepublish(holder: string, fingerprint: string): Promise<boolean> {
    const out = await ifConditionHolds(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.siteRendering()),
          UpdateExpression:
            'SET fingerprint = :fp, version = version + :one REMOVE jobFingerprint, #cursor, holder, leaseUntil',
          ConditionExpression: 'holder = :holder AND jobFingerprint = :fp',
          ExpressionAttributeNames: { '#cursor': 'cursor' },
          ExpressionAttributeValues: marshall({ ':fp': fingerprint, ':one': 1, ':holder': holder }),
        }),
      ),
    );
    return out !== undefined;
  }
}
