import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  type KeysAndAttributes,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ArticleWrite, StoredArticle } from '../articles/stored.ts';
import { byBytes } from '../contract/sort-key-order.ts';
import { entryShard, keys, SHARD_NUMBERS, WRITE_SHARDS } from '../contract/table.ts';
import type {
  ArticleStore,
  CommitOptions,
  MediaRecord,
  MediaWrite,
  SourceRecord,
} from '../ports/article-store.ts';
import { StaleWriteError } from '../ports/article-store.ts';
import type {
  DatedEntry,
  EntryRef,
  FeedHead,
  FeedMeta,
  FeedReader,
  HeadedEntry,
  Headline,
  KeyedEntry,
  SitemapDay,
  WalkStart,
} from '../ports/feed-reader.ts';
import { transactionItems } from './article-transaction.ts';
import {
  HEADLINE_FIELDS,
  itemToArticle,
  itemToFeedMeta,
  itemToHeadline,
  itemToSource,
} from './table-items.ts';

const CONFLICT_RETRIES = 8;
/** How long a throttled transaction is tried again when the caller gives no deadline. */
const DEFAULT_THROTTLE_WAIT_MS = 10_000;
/** The longest pause between two tries of a throttled transaction. */
const THROTTLE_MAX_PAUSE_MS = 2_000;
/** What DynamoDB cancels a transaction's items with, or throws, when it throttles it. */
const THROTTLING_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

/**
 * Whether the table refused the write for its capacity alone: some item throttled, and every
 * other reason is none or a conflict (a failed condition, a validation error or a full item
 * collection never goes through, however long one waits).
 */
function throttled(error: unknown): boolean {
  if (error instanceof TransactionCanceledException) {
    const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
    return (
      codes.some((code) => THROTTLING_REASONS.has(code)) &&
      codes.every(
        (code) => code === 'None' || code === 'TransactionConflict' || THROTTLING_REASONS.has(code),
      )
    );
  }
  return THROTTLING_ERRORS.has((error as { name?: string }).name ?? '');
}
const BATCH_GET_LIMIT = 100;
/**
 * Items a walk's first Query of a shard reads (walkEntries, walkChunk). An archive walk usually
 * goes about 150 entries deep (the newest page and the boundary below it), ~15 a shard: 24 reads
 * that in one round (16 took a second Query of about every other shard), and 24 entries of
 * ~120 bytes still fit in the 4 KB one read unit of a Query pays for.
 */
export const WALK_CHUNK = 24;

/**
 * The items a walk's next Query of a shard asks for, after `reads` Queries of it: WALK_CHUNK
 * first, then twice as many each time up to WALK_CHUNK_MOST. A walk that went past its first
 * chunk is a long one (a search through a tag's whole archive, a page deep in it): 1,000
 * entries of a tag took 5 rounds of 10 Queries in chunks of 24, and take 3 this way. A short
 * walk reads as before, and a long one reads at most one chunk a shard more than it uses: fewer
 * requests, and a few more read units where a walk stops early in a large chunk (a Query pays a
 * unit per 4 KB read, and 48 entries take about two).
 */
export function walkChunk(reads: number): number {
  return Math.min(WALK_CHUNK * 2 ** reads, WALK_CHUNK_MOST);
}

/** 192 entries of ~120 bytes: 6 read units a Query. */
const WALK_CHUNK_MOST = 8 * WALK_CHUNK;

/**
 * The first page firstOfEachShard reads of each write shard for the first `limit` items of
 * their merge: twice the even share and two more, but at least a walk's chunk, so the archive
 * walk that goes on from a feed's head (FeedHead.walk, ~15 entries a shard deep) starts with
 * what it needs in hand. A feed's newest 50: 24 a shard, which one read unit still pays for.
 */
export function shardPage(limit: number): number {
  return Math.min(limit, Math.max(WALK_CHUNK, Math.ceil((2 * limit) / WRITE_SHARDS) + 2));
}

type Order = 'newest first' | 'oldest first';

/**
 * A Query's condition on the sort key: up to a key, from a key on, or a prefix; none (or an
 * empty bound, which DynamoDB refuses to compare with) reads the whole partition.
 */
type SortKeyRange =
  | { upTo: string }
  | { from: string }
  | { prefix: string }
  | { below: string }
  | { above: string }
  | undefined;

function keyCondition(pk: string, range: SortKeyRange) {
  const [clause, name, bound] =
    range === undefined
      ? []
      : 'upTo' in range
        ? ['sk <= :upTo', ':upTo', range.upTo]
        : 'from' in range
          ? ['sk >= :since', ':since', range.from]
          : 'below' in range
            ? ['sk < :below', ':below', range.below]
            : 'above' in range
              ? ['sk > :above', ':above', range.above]
              : ['begins_with(sk, :prefix)', ':prefix', range.prefix];
  const bounded = clause !== undefined && name !== undefined && bound !== '';
  return {
    KeyConditionExpression: bounded ? `pk = :pk AND ${clause}` : 'pk = :pk',
    ExpressionAttributeValues: marshall({ ':pk': pk, ...(bounded ? { [name]: bound } : {}) }),
  };
}

const entryRefOf = (item: Record<string, unknown>): EntryRef => ({
  id: String(item.id),
  rev: Number(item.rev ?? 0),
});

const refOf = ({ id, rev }: EntryRef): EntryRef => ({ id, rev });

const datedEntryOf = (item: Record<string, unknown>): DatedEntry => ({
  ...entryRefOf(item),
  ...(typeof item.updated === 'string' ? { updated: item.updated } : {}),
});

const keyedEntryOf = (item: Record<string, unknown>): KeyedEntry => ({
  ...entryRefOf(item),
  sortKey: String(item.sk),
});

const headedEntryOf = (item: Record<string, unknown>): HeadedEntry => ({
  ...keyedEntryOf(item),
  ...(typeof item.title === 'string' ? { title: item.title } : {}),
  ...(typeof item.language === 'string' ? { language: item.language } : {}),
});

/** One write shard in a walk: items read and not yet taken, and where its next Query starts. */
interface ShardWalk {
  pk: string;
  items: Record<string, unknown>[];
  next: Record<string, AttributeValue> | undefined;
  /** Queries of it so far (walkChunk): 0, not read yet. */
  reads: number;
}

/**
 * The first `limit` items of several partitions' Queries, in the order DynamoDB gave each (its
 * sort keys' UTF-8 byte order, byBytes).
 */
function mergeShards(shards: { items: Record<string, unknown>[] }[], limit: number, order: Order) {
  const sign = order === 'oldest first' ? 1 : -1;
  return shards
    .flatMap((shard) => shard.items)
    .sort((a, b) => sign * byBytes(String(a.sk), String(b.sk)))
    .slice(0, limit);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The table, as ingest, release and publish use it. Every read is strongly consistent: a
 * publish triggered by a stream record must see the transaction that produced it.
 */
export class DynamoArticleTable implements ArticleStore, FeedReader {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor({ client, tableName }: { client: DynamoDBClient; tableName: string }) {
    this.client = client;
    this.tableName = tableName;
  }

  private async getItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  async getSource(key: string): Promise<SourceRecord | undefined> {
    const item = await this.getItem(keys.source(key));
    return item ? itemToSource(item) : undefined;
  }

  async getSources(wanted: readonly string[]): Promise<Map<string, SourceRecord>> {
    const items = await this.batchGetAll([...new Set(wanted)].map((key) => keys.source(key)));
    const found = items.map((item) => itemToSource(item));
    return new Map(found.map((record) => [record.key, record]));
  }

  async getArticle(id: string): Promise<StoredArticle | undefined> {
    const item = await this.getItem(keys.article(id));
    return item ? itemToArticle(item) : undefined;
  }

  async findByBody(hash: string): Promise<string | undefined> {
    const item = await this.getItem(keys.body(hash));
    return item ? String(item.id) : undefined;
  }

  async getArticleAndBody(
    id: string,
    bodyHash: string,
  ): Promise<{ article?: StoredArticle; byBody?: string }> {
    const wanted = [keys.article(id), keys.body(bodyHash)];
    const items = await this.batchGetKeys(wanted);
    const at = (key: Record<string, string>) =>
      items.find((item) => item.pk === key.pk && item.sk === key.sk);
    const article = at(keys.article(id));
    const body = at(keys.body(bodyHash));
    return {
      ...(article ? { article: itemToArticle(article) } : {}),
      ...(body ? { byBody: String(body.id) } : {}),
    };
  }

  async getMedia(key: string): Promise<MediaRecord | undefined> {
    const item = await this.getItem(keys.media(key));
    if (!item) return undefined;
    const { pk: _pk, sk: _sk, ...record } = item;
    return record as unknown as MediaRecord;
  }

  async commit(
    change: {
      source?: { record: SourceRecord; previousRevision?: number };
      articles: ArticleWrite[];
      media?: MediaWrite[];
    },
    { retryUntil = Date.now() + DEFAULT_THROTTLE_WAIT_MS }: CommitOptions = {},
  ): Promise<void> {
    const items = transactionItems(this.tableName, change.source, change.articles, change.media);
    for (let conflicts = 0, throttles = 0; ; ) {
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (throttled(error)) {
          // The table's capacity, not this change: wait and try again while there is time (a
          // bulk import on a new on-demand table is throttled until the table has grown), so
          // the write queues behind the table's limit instead of failing its upload.
          const pause =
            Math.min(THROTTLE_MAX_PAUSE_MS, 50 * 2 ** throttles) * (0.5 + Math.random() / 2);
          throttles += 1;
          if (Date.now() + pause > retryUntil) throw error;
          await sleep(pause);
          continue;
        }
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
        if (codes.includes('ConditionalCheckFailed')) {
          throw new StaleWriteError('the article changed while it was being written', {
            cause: error,
          });
        }
        // Another transaction held one of our items (two events for one key or one article at
        // once; no item is shared by unrelated uploads): back off with jitter and try again.
        conflicts += 1;
        if (conflicts >= CONFLICT_RETRIES) throw error;
        await sleep(Math.random() * 20 * 2 ** conflicts);
      }
    }
  }

  async dueScheduled(nowIso: string, limit: number): Promise<string[]> {
    const shards = await this.firstOfEachShard(
      (shard) => keys.schedule(shard, ''),
      limit,
      'oldest first',
      { upTo: `${nowIso}#\uffff` },
    );
    return mergeShards(shards, limit, 'oldest first').map((item) => String(item.id));
  }

  /** A tag or author feed's meta item: its count and display name. */
  async getFeedMeta(feed: string): Promise<FeedMeta | undefined> {
    const item = await this.getItem(keys.feedMeta(feed));
    return item ? itemToFeedMeta(item) : undefined;
  }

  async archiveLink(feed: string): Promise<string | undefined> {
    const item = await this.getItem(keys.archiveLink(feed));
    return item === undefined ? undefined : String(item.linked ?? '');
  }

  /** Every tag and author feed that holds an article (publish removes the others' metas). */
  async listFeedMetas(): Promise<FeedMeta[]> {
    const metas: FeedMeta[] = [];
    for await (const page of this.pages(keys.feedMeta('').pk)) {
      metas.push(...(page.Items ?? []).map((item) => itemToFeedMeta(unmarshall(item))));
    }
    return metas;
  }

  /** The newest `limit` entries of a feed: short Queries of each write shard, merged. */
  async latestEntries(feed: string, limit: number): Promise<EntryRef[]> {
    return (await this.feedHead(feed, limit)).entries.map(refOf);
  }

  async feedPage(feed: string, limit: number) {
    const head = await this.feedHead(feed, limit);
    return { entries: head.entries.map(refOf), total: await head.total() };
  }

  async entriesStartingWith(feed: string, prefix: string): Promise<EntryRef[]> {
    const shards = await Promise.all(
      SHARD_NUMBERS.map(async (shard) => {
        const items: Record<string, unknown>[] = [];
        const pk = keys.feedEntry(feed, shard, '').pk;
        for await (const page of this.pages(pk, { prefix })) {
          items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
        }
        return { items };
      }),
    );
    return mergeShards(shards, Number.POSITIVE_INFINITY, 'oldest first').map(datedEntryOf);
  }

  async entriesSince(feed: string, since: string, limit: number): Promise<HeadedEntry[]> {
    const shards = await this.firstOfEachShard(
      (shard) => keys.feedEntry(feed, shard, ''),
      limit,
      'newest first',
      { from: since },
    );
    return mergeShards(shards, limit, 'newest first').map(headedEntryOf);
  }

  async listSitemapDays(): Promise<SitemapDay[]> {
    const days: SitemapDay[] = [];
    for await (const page of this.pages(keys.sitemapDay('').pk)) {
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        days.push({
          day: String(item.sk),
          count: Number(item.count ?? 0),
          lastmod: String(item.lastmod ?? ''),
        });
      }
    }
    return days;
  }

  async withdrawnEntries(feed: string, sinceIso: string, limit: number): Promise<EntryRef[]> {
    const pk = keys.feedEntry(feed, entryShard('gone', ''), '').pk;
    const { items } = await this.firstOf(pk, limit, 'newest first', { from: sinceIso });
    return items.map(entryRefOf);
  }

  async feedHead(feed: string, limit: number): Promise<FeedHead> {
    const shards = await this.firstOfEachShard(
      (shard) => keys.feedEntry(feed, shard, ''),
      limit,
      'newest first',
    );
    return {
      entries: mergeShards(shards, limit, 'newest first').map(keyedEntryOf),
      total: async () => {
        const counts = await Promise.all(
          // A partition read only in part may hold more: only its rest is counted, on from
          // where the read stopped.
          shards.map(
            async ({ pk, items, next }) =>
              items.length + (next ? await this.countRest(pk, next, 'newest first') : 0),
          ),
        );
        return counts.reduce((sum, count) => sum + count, 0);
      },
      walk: () =>
        this.merge(
          shards.map(({ pk, items, next }) => ({ pk, items: [...items], next, reads: 1 })),
          'newest first',
        ),
    };
  }

  /**
   * Enough of each write shard's partition (within `range`, in `order`) that their merge's
   * first `limit` items are exact: one Query per shard of a short page first (entries spread
   * evenly by id hash, so each shard holds about limit ÷ WRITE_SHARDS of them), then another
   * page of any shard that holds more and whose last item read is still among the first
   * `limit`. A feed's newest 50 read 240 entries this way (shardPage), not 500. `next`: where
   * a partition's next Query starts (none: it was read to its end).
   */
  private async firstOfEachShard(
    partition: (shard: number) => { pk: string },
    limit: number,
    order: Order,
    range?: SortKeyRange,
  ) {
    const page = shardPage(limit);
    const shards = await Promise.all(
      SHARD_NUMBERS.map((shard) => this.firstOf(partition(shard).pk, page, order, range)),
    );
    const sign = order === 'oldest first' ? 1 : -1;
    for (;;) {
      const first = mergeShards(shards, limit, order);
      const boundary = first.length === limit ? String(first[limit - 1]?.sk) : undefined;
      const short = shards.filter((s) => {
        if (!s.next) return false;
        const lastRead = s.items.at(-1);
        // What it has not read comes after its last item read: past the boundary, none counts.
        return !lastRead || !boundary || sign * byBytes(String(lastRead.sk), boundary) < 0;
      });
      if (short.length === 0) return shards;
      await Promise.all(short.map((s) => this.readOn(s, page, order, range)));
    }
  }

  /** The first `limit` items of one partition (within `range`): one Query. */
  private async firstOf(
    pk: string,
    limit: number,
    order: Order,
    range?: SortKeyRange,
    after?: Record<string, AttributeValue>,
  ) {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        ...keyCondition(pk, range),
        ScanIndexForward: order === 'oldest first',
        ConsistentRead: true,
        Limit: limit,
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    const items = (out.Items ?? []).map((item) => unmarshall(item));
    return { pk, items, next: out.LastEvaluatedKey };
  }

  /** `count` more items of a shard's partition, from where its reads stand, onto its items. */
  private async readOn(
    shard: Pick<ShardWalk, 'pk' | 'items' | 'next'>,
    count: number,
    order: Order,
    range?: SortKeyRange,
  ): Promise<void> {
    const read = await this.firstOf(shard.pk, count, order, range, shard.next);
    shard.items.push(...read.items);
    shard.next = read.next;
  }

  /**
   * A merge of the write shards' Queries, read lazily: each shard is read a chunk at a time
   * (walkChunk), and again only when the merge has used up what it read and the shard holds more.
   */
  walkEntries(feed: string, { order, bound }: WalkStart): AsyncIterable<KeyedEntry> {
    const range: SortKeyRange =
      bound === undefined
        ? undefined
        : order === 'newest first'
          ? bound.inclusive
            ? { upTo: bound.key }
            : { below: bound.key }
          : bound.inclusive
            ? { from: bound.key }
            : { above: bound.key };
    const shards: ShardWalk[] = SHARD_NUMBERS.map((shard) => ({
      pk: keys.feedEntry(feed, shard, '').pk,
      items: [],
      next: undefined,
      reads: 0,
    }));
    return this.merge(shards, order, range);
  }

  /**
   * The merge of a walk (walkEntries, FeedHead.walk) from where each shard's reads stand: its
   * items read and not yet taken, and where its next Query starts (none: read to its end).
   */
  private async *merge(
    shards: ShardWalk[],
    order: Order,
    range?: SortKeyRange,
  ): AsyncIterable<KeyedEntry> {
    const sign = order === 'oldest first' ? 1 : -1;
    for (;;) {
      await Promise.all(
        shards
          .filter((s) => s.items.length === 0 && (s.reads === 0 || s.next))
          .map(async (s) => {
            await this.readOn(s, walkChunk(s.reads), order, range);
            s.reads += 1;
          }),
      );
      let head: ShardWalk | undefined;
      for (const s of shards) {
        const first = s.items[0];
        if (!first) continue;
        const best = head?.items[0];
        if (!best || sign * byBytes(String(first.sk), String(best.sk)) < 0) head = s;
      }
      const item = head?.items.shift();
      if (!item) return;
      yield keyedEntryOf(item);
    }
  }

  /**
   * Every page of one partition's Query (within `range`), strongly consistent; from `after` on,
   * in `order` (default: from the start, oldest first).
   */
  private async *pages(
    pk: string,
    range?: SortKeyRange,
    select?: 'COUNT',
    after?: { start: Record<string, AttributeValue>; order: Order },
  ) {
    let start = after?.start;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...keyCondition(pk, range),
          ...(select ? { Select: select } : {}),
          ...(after ? { ScanIndexForward: after.order === 'oldest first' } : {}),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      yield out;
      start = out.LastEvaluatedKey;
    } while (start);
  }

  /** The items of a partition after `start` (a Query's LastEvaluatedKey, read in `order`). */
  private async countRest(
    pk: string,
    start: Record<string, AttributeValue>,
    order: Order,
  ): Promise<number> {
    let count = 0;
    for await (const page of this.pages(pk, undefined, 'COUNT', { start, order }))
      count += page.Count ?? 0;
    return count;
  }

  /** The articles with these ids, in the order given; missing ones are left out. */
  async getArticles(ids: string[], revs?: readonly number[]): Promise<StoredArticle[]> {
    const read = async (wanted: readonly string[], consistent: boolean) =>
      (
        await this.batchGetAll(
          wanted.map((id) => keys.article(id)),
          undefined,
          consistent,
        )
      ).map((item) => itemToArticle(item));
    const found = new Map<string, StoredArticle>();
    for (const stored of await read(ids, revs === undefined)) found.set(stored.article.id, stored);
    if (revs !== undefined) {
      // What the replica did not have yet (a revision older than the entry's, or none): from
      // the leader, which has the entry's revision or a later one.
      const behind = ids.filter((id, i) => (found.get(id)?.rev ?? -1) < (revs[i] ?? 0));
      if (behind.length > 0)
        for (const stored of await read(behind, true)) found.set(stored.article.id, stored);
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** What listings need of these articles, read with a projection: a few hundred bytes each. */
  async getHeadlines(ids: string[]): Promise<Headline[]> {
    const items = await this.batchGetAll(
      ids.map((id) => keys.article(id)),
      HEADLINE_FIELDS,
    );
    const found = new Map(items.map((item) => [String(item.id), itemToHeadline(item)] as const));
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /**
   * Every item of these keys, 100 to a BatchGet, the chunks at once; strongly consistent unless
   * `consistent` is false (half the read units: what a replica holds, maybe not the latest).
   */
  private async batchGetAll(
    wanted: Record<string, string>[],
    fields?: readonly string[],
    consistent = true,
  ) {
    const chunks: Record<string, string>[][] = [];
    for (let i = 0; i < wanted.length; i += BATCH_GET_LIMIT)
      chunks.push(wanted.slice(i, i + BATCH_GET_LIMIT));
    // The chunks at once: a 500-page batch waits for one round trip, not five.
    const read = await Promise.all(
      chunks.map((chunk) => this.batchGetKeys(chunk, fields, consistent)),
    );
    return read.flat();
  }

  /** One BatchGet of at most 100 keys, asking again for what is left. */
  private async batchGetKeys(
    wanted: Record<string, string>[],
    fields?: readonly string[],
    consistent = true,
  ) {
    const items: Record<string, unknown>[] = [];
    const projection = fields
      ? {
          ProjectionExpression: fields.map((_, i) => `#f${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#f${i}`, f])),
        }
      : {};
    let request: Record<string, KeysAndAttributes> | undefined = {
      [this.tableName]: {
        Keys: wanted.map((key) => marshall(key)),
        ConsistentRead: consistent,
        ...projection,
      },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 10 * 2 ** attempt));
      const out: BatchGetItemCommandOutput = await this.client.send(
        new BatchGetItemCommand({ RequestItems: request }),
      );
      for (const item of out.Responses?.[this.tableName] ?? []) items.push(unmarshall(item));
      request = out.UnprocessedKeys;
    }
    return items;
  }
}
