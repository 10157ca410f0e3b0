import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import type { MiddlewareStack } from '@smithy/types';
import type { DynamoDBRecord } from 'aws-lambda';
import { ARTICLE_PK_PREFIX, TABLE } from '../shared/contract/table.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';

/**
 * What the load scenario observes of the pipeline, from outside the product: its handlers
 * wrapped (invocations at once, records reported failed), the site feed as publish writes it,
 * and the site bucket's change notifications.
 */

/** One handler's invocations, as a wrapper around it sees them. */
export class HandlerProbe {
  active = 0;
  /** The most invocations at once, counting only those with work (see the constructor). */
  maxActive = 0;
  invocations = 0;
  /** Invocations without work (not counted in `maxActive`). */
  idleInvocations = 0;
  /** Records of work delivered, every attempt counted. */
  records = 0;
  /**
   * Records reported failed, every attempt counted: batchItemFailures, or every record of work
   * of a batch that threw.
   */
  failedRecords = 0;
  thrownBatches = 0;
  /** performance.now() when the last invocation ended. */
  lastEndedAt = 0;
  /** Time spent in invocations, summed, and the longest one (ms). */
  busyMs = 0;
  longestMs = 0;
  private working = 0;

  /** `workOf`: how many records of an event are work (default: all of them). */
  constructor(
    private readonly workOf: (records: readonly unknown[]) => number = (records) => records.length,
  ) {}

  /** The handler, counted: pass it as the pipeline's `ingestHandler` / `publishHandler`. */
  wrap<E extends { Records: readonly unknown[] }, R, A extends unknown[]>(
    real: (event: E, ...rest: A) => Promise<R>,
  ): (event: E, ...rest: A) => Promise<R> {
    return async (event, ...rest) => {
      const start = performance.now();
      const work = this.workOf(event.Records);
      const working = work > 0;
      this.active += 1;
      this.invocations += 1;
      if (working) {
        this.working += 1;
        this.maxActive = Math.max(this.maxActive, this.working);
      } else this.idleInvocations += 1;
      this.records += work;
      try {
        const response = await real(event, ...rest);
        const failures = (response as { batchItemFailures?: unknown[] } | undefined)
          ?.batchItemFailures;
        this.failedRecords += failures?.length ?? 0;
        return response;
      } catch (error) {
        this.failedRecords += work;
        this.thrownBatches += 1;
        throw error;
      } finally {
        this.active -= 1;
        if (working) this.working -= 1;
        this.lastEndedAt = performance.now();
        this.busyMs += this.lastEndedAt - start;
        this.longestMs = Math.max(this.longestMs, this.lastEndedAt - start);
      }
    };
  }
}

/**
 * How many stream records are article changes: the only ones the mapping's filter lets through
 * (PUBLISH_EVENTS.partitionKeyPrefix). Counted anyway, so a run whose filter leaks still measures
 * what AWS would see.
 */
export function articleRecords(records: readonly unknown[]): number {
  return (records as DynamoDBRecord[]).filter((record) =>
    String(record.dynamodb?.Keys?.[TABLE.partitionKey.name]?.S ?? '').startsWith(ARTICLE_PK_PREFIX),
  ).length;
}

type AnyStack = Pick<MiddlewareStack<object, object>, 'add'>;

/**
 * When each item id first appeared in the site feed (`feed.json`), without polling: SDK
 * middleware on the S3 client publish writes with sees every PutObject of it, with its body,
 * and notes the moment S3 acknowledged it (a failed conditional write shows nothing).
 */
export class FeedWatcher {
  readonly firstListed = new Map<string, number>();
  writes = 0;
  /** Writes whose body was not a JSON feed the probe could read (a stream, say). */
  unreadable = 0;

  constructor(client: S3Client, bucket: string, path: string) {
    (client.middlewareStack as unknown as AnyStack).add(
      (next, context) => async (args) => {
        const input = args.input as { Bucket?: string; Key?: string; Body?: unknown };
        const result = await next(args);
        if (
          context.commandName === 'PutObjectCommand' &&
          input.Bucket === bucket &&
          input.Key === path
        )
          this.seen(input.Body, performance.now());
        return result;
      },
      { step: 'initialize', name: `loadFeedWatcher-${bucket}` },
    );
  }

  private seen(body: unknown, at: number): void {
    this.writes += 1;
    const text =
      typeof body === 'string'
        ? body
        : body instanceof Uint8Array
          ? Buffer.from(body).toString('utf8')
          : undefined;
    let items: { id?: string }[] | undefined;
    try {
      items = text === undefined ? undefined : (JSON.parse(text) as { items?: [] }).items;
    } catch {
      // A probe never fails the product's write: the note counts what it could not read.
    }
    if (!items) {
      this.unreadable += 1;
      return;
    }
    for (const item of items)
      if (item.id && !this.firstListed.has(item.id)) this.firstListed.set(item.id, at);
  }
}

/**
 * Every change s3rver announces in the site bucket, whoever made it: the last one dates the
 * moment the site stopped changing.
 */
export class SiteChanges {
  count = 0;
  feedWrites = 0;
  lastAt = 0;
  readonly stop: () => void;

  constructor(aws: EmbeddedAws, feedPath: string) {
    this.stop = aws.onS3Event((record) => {
      if (record.s3.bucket.name !== aws.names.siteBucket) return;
      this.count += 1;
      this.lastAt = performance.now();
      if (record.s3.object.key === feedPath && record.eventName.startsWith('ObjectCreated'))
        this.feedWrites += 1;
    });
  }
}

/**
 * A WebSub hub on 127.0.0.1 that takes every ping (204) and counts it: production names a hub
 * by default (Google's), so the load runs with one, its notices and pings included. It does not
 * fetch the feeds, as a real hub fetches them from the edge, not from this machine.
 */
export class LocalHub {
  pings = 0;
  readonly topics = new Set<string>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<LocalHub> {
    let hub: LocalHub | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        if (hub) {
          hub.pings += 1;
          for (const topic of new URLSearchParams(body).getAll('hub.url')) hub.topics.add(topic);
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hub = new LocalHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return hub;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
