import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { SiteConfig } from '../../../shared/config/site.ts';
import {
  type HubNotice,
  NOTICE_TOPICS_MAX,
  noticeBody,
} from '../../../shared/contract/hub-notice.ts';
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
  const recording = () => {
    const sent: HubNotice[] = [];
    return { sent, notices: { send: async (notice: HubNotice) => void sent.push(notice) } };
  };

  it('queues a notice per hub naming exactly the feeds the batch wrote, and returns', async () => {
    const { sent, notices } = recording();
    const rig = await publishRig(SITE, notices);
    const response = await rig.publish({ Records: [await rig.record('a')] });
    expect(response.batchItemFailures).toEqual([]);
    const topics = rig.bucket
      .paths()
      .filter(isFeedPath)
      .map((path) => `${SITE.url}${path}`)
      .sort();
    expect(topics).toEqual(
      expect.arrayContaining([`${SITE.url}rss.xml`, `${SITE.url}tags/world/atom.xml`]),
    );
    expect(sent).toEqual([
      { hub: HUB_A, topics },
      { hub: HUB_B, topics },
    ]);

    // The same article again: no feed changes, no notice.
    await rig.publish({ Records: [await rig.record('a')] });
    expect(sent).toHaveLength(2);
  });

  it('queues a batch that changed more feeds than a notice names as several notices per hub', async () => {
    const { sent, notices } = recording();
    const rig = await publishRig(SITE, notices);
    const tags = Array.from({ length: 40 }, (_, i) => `Topic ${i}`);
    await rig.publish({ Records: [await rig.record('a', tags)] });
    // Three formats of the site feed, of 40 tag feeds: 123 feeds, in notices of at most 100.
    const feeds = rig.bucket.paths().filter(isFeedPath);
    expect(feeds).toHaveLength(123);
    expect(sent.map(({ hub, topics }) => [hub, topics.length])).toEqual([
      [HUB_A, NOTICE_TOPICS_MAX],
      [HUB_A, 23],
      [HUB_B, NOTICE_TOPICS_MAX],
      [HUB_B, 23],
    ]);
    for (const hub of [HUB_A, HUB_B])
      expect(sent.filter((n) => n.hub === hub).flatMap((n) => n.topics)).toEqual(
        feeds.map((path) => `${SITE.url}${path}`).sort(),
      );
  });

  it('queues nothing when the site names no hub', async () => {
    const { sent, notices } = recording();
    const rig = await publishRig({ ...SITE, hubs: [] }, notices);
    await rig.publish({ Records: [await rig.record('a')] });
    expect(rig.bucket.paths()).toContain('rss.xml');
    expect(sent).toEqual([]);
  });

  it('logs and counts each notice it could not queue, and the batch still succeeds', async () => {
    const rig = await publishRig(SITE, {
      send: async () => {
        throw new Error('injected: SQS refused');
      },
    });
    const response = await rig.publish({ Records: [await rig.record('a')] });
    expect(response.batchItemFailures).toEqual([]);
    expect(rig.bucket.paths()).toContain('rss.xml');
    expect(rig.values(METRICS.hubNoticesFailed)).toEqual([1, 1]);
    for (const hub of [HUB_A, HUB_B])
      expect(rig.errors).toHaveBeenCalledWith(
        'could not queue the WebSub notice',
        expect.objectContaining({ hub, error: new Error('injected: SQS refused') }),
      );
  });
});

let messages = 0;
const message = (body: string): SQSRecord =>
  ({ messageId: `m-${++messages}`, body, eventSource: 'aws:sqs' }) as unknown as SQSRecord;
const notice = (hub: string | undefined, ...paths: string[]) =>
  message(noticeBody({ hub, topics: paths.map((path) => `${SITE.url}${path}`) }));

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
  it('merges the feeds of every notice for a hub into one ping to it', async () => {
    const rig = announceRig();
    const response = await rig.announce({
      Records: [
        notice(HUB_A, 'rss.xml', 'tags/world/rss.xml'),
        notice(HUB_B, 'rss.xml', 'tags/world/rss.xml'),
        notice(HUB_A, 'rss.xml', 'authors/sam/rss.xml'),
        notice(HUB_B, 'feed.json'),
      ],
    });
    expect(response.batchItemFailures).toEqual([]);
    const pings = rig.calls.map(({ hub, topics }) => ({ hub, topics }));
    expect(pings).toHaveLength(2);
    expect(pings).toEqual(
      expect.arrayContaining([
        {
          hub: HUB_A,
          topics: ['authors/sam/rss.xml', 'rss.xml', 'tags/world/rss.xml'].map(
            (path) => `${SITE.url}${path}`,
          ),
        },
        {
          hub: HUB_B,
          topics: ['feed.json', 'rss.xml', 'tags/world/rss.xml'].map(
            (path) => `${SITE.url}${path}`,
          ),
        },
      ]),
    );
    expect(rig.values(METRICS.hubNoticesFailed)).toEqual([0]);
  });

  it('reports only the notices of a hub that refused all attempts, so SQS brings back those alone', async () => {
    const rig = announceRig([HUB_B]);
    const forA = [notice(HUB_A, 'rss.xml'), notice(HUB_A, 'feed.json')];
    const forB = [notice(HUB_B, 'rss.xml'), notice(HUB_B, 'feed.json')];
    const response = await rig.announce({ Records: [...forA, ...forB] });
    expect(response.batchItemFailures).toEqual(forB.map((n) => ({ itemIdentifier: n.messageId })));
    expect(rig.calls.filter((p) => p.hub === HUB_A)).toHaveLength(1);
    expect(rig.calls.filter((p) => p.hub === HUB_B)).toHaveLength(3);
    expect(rig.values(METRICS.hubNoticesFailed)).toEqual([1]);
    expect(rig.errors).toHaveBeenCalledWith(
      'a WebSub hub refused every attempt',
      expect.objectContaining({ hub: HUB_B }),
    );
  });

  it('pings every hub for a notice that names none (queued before notices named their hub)', async () => {
    const rig = announceRig();
    const response = await rig.announce({ Records: [notice(undefined, 'rss.xml')] });
    expect(response.batchItemFailures).toEqual([]);
    expect(rig.calls.map((p) => p.hub).sort()).toEqual([HUB_A, HUB_B].sort());
  });

  it('pings no hub the settings do not name: such a notice is reported, saying why', async () => {
    const rig = announceRig();
    const stranger = notice('https://attacker.example/', 'rss.xml');
    const response = await rig.announce({ Records: [stranger, notice(HUB_A, 'rss.xml')] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: stranger.messageId }]);
    expect(rig.calls.map((p) => p.hub)).toEqual([HUB_A]);
    expect(rig.errors).toHaveBeenCalledWith('not a hub notice', {
      messageId: stranger.messageId,
      error: expect.objectContaining({
        message: 'hub notice: hub https://attacker.example/ is not one of the site’s hubs',
      }),
    });
  });

  it('reports a message that is no notice, saying why, and still pings for the others', async () => {
    const rig = announceRig();
    const bad = message('{"hub":"https://hub.example.net/","topics":["rss.xml"]}');
    const response = await rig.announce({ Records: [bad, notice(HUB_A, 'rss.xml')] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(rig.calls.map((p) => p.topics)).toEqual([[`${SITE.url}rss.xml`]]);
    expect(rig.errors).toHaveBeenCalledWith('not a hub notice', {
      messageId: bad.messageId,
      error: expect.objectContaining({
        message: 'hub notice: topic "rss.xml" is not an http(s) URL',
      }),
    });
  });
});
