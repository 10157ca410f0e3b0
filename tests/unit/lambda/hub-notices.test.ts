import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { SiteConfig } from '../../../shared/config/site.ts';
import { NOTICE_TOPICS_MAX, noticeBody } from '../../../shared/contract/hub-notice.ts';
import { METRICS } from '../../../shared/contract/metrics.ts';
import { isFeedPath } from '../../../shared/contract/site-layout.ts';
import { createAnnounceHandler } from '../../../shared/lambda/announce-handler.ts';
import { createPublishHandler } from '../../../shared/lambda/publish-handler.ts';
import type { HubNotices } from '../../../shared/ports/hub-notices.ts';
import { articleToItem } from '../../../shared/stores/table-items.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { labels, saveArticle, testArticle } from '../../support/fakes/articles.ts';
import { HUB_A, HUB_B, HUB_SITE, recordingHubs } from '../../support/fakes/hubs.ts';
import { InMemorySiteBucket } from '../../support/fakes/site-bucket.ts';

const SITE = HUB_SITE;

function observability() {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: 'test' });
  const counted = vi.spyOn(metrics, 'addMetric');
  const logger = new Logger({ logLevel: 'SILENT' });
  const errors = vi.spyOn(logger, 'error');
  /** The values of one metric, in the order they were added. */
  const values = (name: string) => counted.mock.calls.filter(([n]) => n === name).map((c) => c[2]);
  return { logger, metrics, values, errors };
}

/** Publish's handler on an in-memory table and bucket, and one stream record per saved article. */
async function publishRig(site: SiteConfig, notices: HubNotices) {
  const table = new InMemoryArticleTable();
  const bucket = new InMemorySiteBucket();
  const o = observability();
  const publish = createPublishHandler(
    { feeds: table, ledger: table, bucket, config: site, notices },
    o,
  );
  let sequence = 0;
  const record = async (id: string, tags = ['World']): Promise<DynamoDBRecord> => {
    const stored = await saveArticle(table, testArticle(id, { tags: labels(...tags) }));
    return {
      dynamodb: {
        Keys: { pk: { S: `ART#${id}` } },
        SequenceNumber: String(++sequence),
        NewImage: marshall(articleToItem(stored), { removeUndefinedValues: true }) as never,
      },
    };
  };
  return { publish, record, bucket, ...o };
}

describe('publish: WebSub notices go to the queue, the wait for the edge is not the batch’s', () => {
  it('queues one notice naming exactly the feeds the batch wrote, and returns', async () => {
    const sent: (readonly string[])[] = [];
    const rig = await publishRig(SITE, { send: async (topics) => void sent.push(topics) });
    const response = await rig.publish({ Records: [await rig.record('a')] });
    expect(response.batchItemFailures).toEqual([]);
    const feeds = rig.bucket.paths().filter(isFeedPath);
    expect(sent).toEqual([feeds.map((path) => `${SITE.url}${path}`).sort()]);
    expect(sent[0]).toEqual(
      expect.arrayContaining([`${SITE.url}rss.xml`, `${SITE.url}tags/world/atom.xml`]),
    );

    // The same article again: no feed changes, no notice.
    await rig.publish({ Records: [await rig.record('a')] });
    expect(sent).toHaveLength(1);
  });

  it('queues a batch that changed more feeds than a notice names as several notices', async () => {
    const sent: (readonly string[])[] = [];
    const rig = await publishRig(SITE, { send: async (topics) => void sent.push(topics) });
    const tags = Array.from({ length: 40 }, (_, i) => `Topic ${i}`);
    await rig.publish({ Records: [await rig.record('a', tags)] });
    // Three formats of the site feed, of 40 tag feeds: 123 feeds, in notices of at most 100.
    const feeds = rig.bucket.paths().filter(isFeedPath);
    expect(feeds).toHaveLength(123);
    expect(sent.map((topics) => topics.length)).toEqual([NOTICE_TOPICS_MAX, 23]);
    expect(sent.flat()).toEqual(feeds.map((path) => `${SITE.url}${path}`).sort());
  });

  it('queues nothing when the site names no hub', async () => {
    const sent: (readonly string[])[] = [];
    const rig = await publishRig(
      { ...SITE, hubs: [] },
      { send: async (topics) => void sent.push(topics) },
    );
    await rig.publish({ Records: [await rig.record('a')] });
    expect(rig.bucket.paths()).toContain('rss.xml');
    expect(sent).toEqual([]);
  });

  it('logs and counts a notice it could not queue, and the batch still succeeds', async () => {
    const rig = await publishRig(SITE, {
      send: async () => {
        throw new Error('injected: SQS refused');
      },
    });
    const response = await rig.publish({ Records: [await rig.record('a')] });
    expect(response.batchItemFailures).toEqual([]);
    expect(rig.bucket.paths()).toContain('rss.xml');
    expect(rig.values(METRICS.hubNoticesFailed)).toEqual([1]);
    expect(rig.errors).toHaveBeenCalledWith(
      'could not queue the WebSub notice',
      expect.objectContaining({ error: new Error('injected: SQS refused') }),
    );
  });
});

let messages = 0;
const message = (body: string): SQSRecord =>
  ({ messageId: `m-${++messages}`, body, eventSource: 'aws:sqs' }) as unknown as SQSRecord;

const announceRig = (refusing: string[] = []) => {
  // A refusing hub refuses every ping of the test.
  const h = recordingHubs(Object.fromEntries(refusing.map((hub) => [hub, 99])));
  const o = observability();
  const announce = createAnnounceHandler(
    { notifier: h.notifier, hubs: [HUB_A, HUB_B], sleep: async () => {} },
    o,
  );
  return { announce, ...h, ...o };
};

describe('announce: the notices of an invocation, one ping per hub', () => {
  it('merges the feeds of every notice into one ping per hub', async () => {
    const rig = announceRig();
    const response = await rig.announce({
      Records: [
        message(noticeBody([`${SITE.url}rss.xml`, `${SITE.url}tags/world/rss.xml`])),
        message(noticeBody([`${SITE.url}rss.xml`, `${SITE.url}authors/sam/rss.xml`])),
      ],
    });
    const topics = [
      `${SITE.url}authors/sam/rss.xml`,
      `${SITE.url}rss.xml`,
      `${SITE.url}tags/world/rss.xml`,
    ];
    expect(response.batchItemFailures).toEqual([]);
    expect(rig.calls.map(({ hub, topics }) => ({ hub, topics }))).toEqual([
      { hub: HUB_A, topics },
      { hub: HUB_B, topics },
    ]);
    expect(rig.values(METRICS.hubNoticesFailed)).toEqual([0]);
  });

  it('reports every notice failed when a hub refuses all attempts, so SQS brings them back', async () => {
    const rig = announceRig([HUB_B]);
    const notices = [
      message(noticeBody([`${SITE.url}rss.xml`])),
      message(noticeBody([`${SITE.url}feed.json`])),
    ];
    const response = await rig.announce({ Records: notices });
    expect(response.batchItemFailures).toEqual(
      notices.map((n) => ({ itemIdentifier: n.messageId })),
    );
    expect(rig.calls.filter((p) => p.hub === HUB_A)).toHaveLength(1);
    expect(rig.calls.filter((p) => p.hub === HUB_B)).toHaveLength(3);
    expect(rig.values(METRICS.hubNoticesFailed)).toEqual([1]);
    expect(rig.errors).toHaveBeenCalledWith(
      'a WebSub hub refused every attempt',
      expect.objectContaining({ hub: HUB_B }),
    );
  });

  it('reports a message that is no notice, saying why, and still pings for the others', async () => {
    const rig = announceRig();
    const bad = message('{"topics":["rss.xml"]}');
    const response = await rig.announce({
      Records: [bad, message(noticeBody([`${SITE.url}rss.xml`]))],
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(rig.calls.map((p) => p.topics)).toEqual([
      [`${SITE.url}rss.xml`],
      [`${SITE.url}rss.xml`],
    ]);
    expect(rig.errors).toHaveBeenCalledWith('not a hub notice', {
      messageId: bad.messageId,
      error: expect.objectContaining({
        message: 'hub notice: topic "rss.xml" is not an http(s) URL',
      }),
    });
  });
});
