import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import type { SiteConfig } from '../../../shared/config/site.ts';
import { PUBLISH_EVENTS } from '../../../shared/contract/event-sources.ts';
import { METRICS } from '../../../shared/contract/metrics.ts';
import { createPublishHandler } from '../../../shared/lambda/publish-handler.ts';
import { articleToItem } from '../../../shared/stores/table-items.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { saveArticle, testArticle } from '../../support/fakes/articles.ts';
import { InMemorySiteBucket } from '../../support/fakes/site-bucket.ts';
import { TEST_SITE } from '../../support/pipeline.ts';

/** A small item limit: 300 stories make a few archive pages. */
const SITE: SiteConfig = { ...TEST_SITE, itemLimit: 20 };

const minute = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();
const story = (n: number) =>
  testArticle(`s${String(n).padStart(5, '0')}`, { published: minute(n), tags: [] });

/**
 * A Lambda context: the function's whole timeout left when the invocation begins (the first
 * question), then `leftMs` whenever asked.
 */
const contextWith = (leftMs: number) => {
  let asked = 0;
  const getRemainingTimeInMillis = () =>
    asked++ === 0 ? PUBLISH_EVENTS.timeoutSeconds * 1000 : leftMs;
  return { getRemainingTimeInMillis } as unknown as Context;
};

function rig() {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const table = new InMemoryArticleTable();
  const bucket = new InMemorySiteBucket();
  const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: 'test' });
  const counted = vi.spyOn(metrics, 'addMetric');
  const logger = new Logger({ logLevel: 'SILENT' });
  const errors = vi.spyOn(logger, 'error');
  const publish = createPublishHandler(
    { feeds: table, ledger: table, bucket, config: SITE },
    { logger, metrics },
  );
  let sequence = 0;
  const record = async (article: Article): Promise<DynamoDBRecord> => {
    const stored = await saveArticle(table, article);
    return {
      dynamodb: {
        Keys: { pk: { S: `ART#${article.id}` } },
        SequenceNumber: String(++sequence).padStart(8, '0'),
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        NewImage: marshall(articleToItem(stored), { removeUndefinedValues: true }) as never,
      },
    };
  };
  /** The values of one metric, in the order they were added. */
  const values = (name: string) => counted.mock.calls.filter(([n]) => n === name).map((c) => c[2]);
  return { publish, record, bucket, values, errors };
}

describe('publish: a stream batch short of time', () => {
  it('leaves archive pages to the retry of their records, as no failure: no error logged, no failed-record alarm', async () => {
    const { publish, record, bucket, values, errors } = rig();
    const archive: DynamoDBRecord[] = [];
    for (let n = 1; n <= 300; n++) archive.push(await record(story(n)));
    await publish({ Records: archive }, contextWith(PUBLISH_EVENTS.timeoutSeconds * 1000));
    const pagesBefore = bucket.paths().filter((path) => path.startsWith('archive/')).length;

    // In three pages below the frontier (stories 263 and 30, 16, 14 start pages).
    const old = [10.5, 20.5, 110.5].map((n) =>
      testArticle(`old-${n}`, { published: minute(n), tags: [] }),
    );
    const batch = [];
    for (const article of old) batch.push(await record(article));
    values('archivePagesDeferred').length = 0;

    // Less than half the timeout left: no archive page other than a newest one starts.
    const short = await publish({ Records: batch }, contextWith(1_000));
    expect(short.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      batch.map((r) => r.dynamodb?.SequenceNumber).sort(),
    );
    expect(values('archivePagesDeferred').at(-1)).toBeGreaterThan(0);
    expect(values(METRICS.publishFailedRecords).at(-1)).toBe(0);
    expect(values(METRICS.renderFailures).at(-1)).toBe(0);
    expect(errors).not.toHaveBeenCalled();
    const atom = (path: string) => bucket.text(path) ?? '';
    const pages = bucket.paths().filter((path) => /^archive\/[^/]+\/atom\.xml$/.test(path));
    expect(pages.length * 4).toBe(pagesBefore);
    for (const article of old)
      expect(pages.some((path) => atom(path).includes(article.guid))).toBe(false);

    // Lambda retries the records: now they are all in their pages.
    const retry = await publish({ Records: batch }, contextWith(100_000));
    expect(retry.batchItemFailures).toEqual([]);
    for (const article of old)
      expect(pages.some((path) => atom(path).includes(article.guid))).toBe(true);
  });
});
