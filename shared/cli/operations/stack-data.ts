import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { INBOX_PREFIX, type IngestReport } from '../../contract/inbox.ts';
import {
  FEED_FORMATS,
  feedPath,
  INDEX_PATH,
  SITEMAP_INDEX_PATH,
} from '../../contract/site-layout.ts';
import { ARTICLE_PK_PREFIX, TABLE } from '../../contract/table.ts';
import {
  ARTICLE_STATUSES,
  type ArticleCounts,
  type CountedStatus,
  type ReportList,
  type StoredReport,
  type StreamRange,
} from './operations.ts';

/** The table and the buckets, read the same way deployed and locally. */
export interface StackDataOptions {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  s3: S3Client;
  tableName: string;
  inboxBucket: string;
  siteBucket: string;
}

/** Reports fetched at once (GetObject each). */
const REPORT_READS = 16;

/** The site files every publish that changes the site's feed or listings rewrites. */
const LAST_PUBLISH_PATHS = [
  INDEX_PATH,
  SITEMAP_INDEX_PATH,
  ...FEED_FORMATS.map((f) => feedPath({ kind: 'all' }, f)),
];

/**
 * What both operations adapters read the same way, from the table and the buckets with SDK
 * clients: article counts, reports, the last publish, a stream range's ids. DeployedOperations
 * and LocalOperations extend it.
 */
export class StackData {
  constructor(private readonly o: StackDataOptions) {}

  /**
   * Counts articles by status with a paginated Scan (status only, article items only). No item
   * keeps these counts, so this is the honest way; it stops after `limit` article items.
   */
  async countArticles(limit: number): Promise<ArticleCounts> {
    const counts = Object.fromEntries(ARTICLE_STATUSES.map((s) => [s, 0])) as Record<
      CountedStatus,
      number
    >;
    let scanned = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.o.dynamo.send(
        new ScanCommand({
          TableName: this.o.tableName,
          ProjectionExpression: '#s',
          FilterExpression: 'begins_with(#pk, :art) AND #sk = :a',
          ExpressionAttributeNames: {
            '#s': 'status',
            '#pk': TABLE.partitionKey.name,
            '#sk': TABLE.sortKey.name,
          },
          ExpressionAttributeValues: { ':art': { S: ARTICLE_PK_PREFIX }, ':a': { S: 'A' } },
          ExclusiveStartKey: start as never,
        }),
      );
      for (const item of page.Items ?? []) {
        const status = item.status?.S as CountedStatus | undefined;
        if (status && status in counts) counts[status] += 1;
        scanned += 1;
      }
      start = page.LastEvaluatedKey;
    } while (start && scanned < limit);
    return { counts, scanned, complete: start === undefined };
  }

  /** The newest `limit` reports under reports/, newest first. */
  async listReports(limit: number): Promise<ReportList> {
    const objects: { key: string; written: Date }[] = [];
    let token: string | undefined;
    do {
      const page = await this.o.s3.send(
        new ListObjectsV2Command({
          Bucket: this.o.inboxBucket,
          Prefix: INBOX_PREFIX.reports,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? [])
        if (o.Key?.endsWith('.json'))
          objects.push({ key: o.Key, written: o.LastModified ?? new Date(0) });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    objects.sort((a, b) => b.written.getTime() - a.written.getTime() || a.key.localeCompare(b.key));
    const newest = objects.slice(0, limit);
    const reports: StoredReport[] = [];
    for (let i = 0; i < newest.length; i += REPORT_READS) {
      const chunk = newest.slice(i, i + REPORT_READS);
      const read = await Promise.all(chunk.map((o) => this.readReport(o.key, o.written)));
      for (const report of read) if (report) reports.push(report);
    }
    return { reports, total: objects.length };
  }

  private async readReport(key: string, written: Date): Promise<StoredReport | undefined> {
    try {
      const out = await this.o.s3.send(
        new GetObjectCommand({ Bucket: this.o.inboxBucket, Key: key }),
      );
      const report = JSON.parse((await out.Body?.transformToString()) ?? '') as IngestReport;
      return { ...report, warnings: report.warnings ?? [], written };
    } catch (error) {
      // Deleted between the listing and the read: it is no longer a report.
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async lastPublish(): Promise<Date | undefined> {
    const dates = await Promise.all(
      LAST_PUBLISH_PATHS.map(async (Key) => {
        try {
          const head = await this.o.s3.send(
            new HeadObjectCommand({ Bucket: this.o.siteBucket, Key }),
          );
          return head.LastModified;
        } catch (error) {
          const name = (error as { name?: string }).name;
          if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
          throw error;
        }
      }),
    );
    const times = dates.filter((d): d is Date => d !== undefined).map((d) => d.getTime());
    return times.length > 0 ? new Date(Math.max(...times)) : undefined;
  }

  /**
   * The article ids a failed stream batch held, read again from the stream (records are kept
   * 24 h); undefined when they are gone (trimmed) or the shard is.
   */
  async idsInStreamRange(range: StreamRange): Promise<string[] | undefined> {
    const ids = new Set<string>();
    let iterator: string | undefined;
    try {
      const described = await this.o.streams.send(
        new DescribeStreamCommand({ StreamArn: range.streamArn, ExclusiveStartShardId: undefined }),
      );
      if (!described.StreamDescription?.Shards?.some((s) => s.ShardId === range.shardId))
        return undefined;
      iterator = (
        await this.o.streams.send(
          new GetShardIteratorCommand({
            StreamArn: range.streamArn,
            ShardId: range.shardId,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            SequenceNumber: range.startSequenceNumber,
          }),
        )
      ).ShardIterator;
      const end = BigInt(range.endSequenceNumber);
      while (iterator) {
        const page = await this.o.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        const records = page.Records ?? [];
        for (const record of records) {
          const sequence = BigInt(record.dynamodb?.SequenceNumber ?? '0');
          if (sequence > end) return [...ids];
          const pk = record.dynamodb?.Keys?.[TABLE.partitionKey.name]?.S;
          if (pk?.startsWith(ARTICLE_PK_PREFIX)) ids.add(pk.slice(ARTICLE_PK_PREFIX.length));
        }
        if (records.length === 0) break;
        iterator = page.NextShardIterator;
      }
      return [...ids];
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (name === 'TrimmedDataAccessException' || name === 'ResourceNotFoundException')
        return undefined;
      throw error;
    }
  }
}
