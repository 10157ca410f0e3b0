import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ANNOUNCE_EVENTS } from '../../shared/contract/event-sources.ts';
import { noticeOf } from '../../shared/contract/hub-notice.ts';
import { isFeedPath, siteUrlOf } from '../../shared/contract/site-layout.ts';
import { type SiteServer, startSiteServer } from '../../shared/local/site-server.ts';
import type { PublishResult } from '../../shared/publish/publish-changes.ts';
import { HttpHubNotifier } from '../../shared/stores/http-hub-notifier.ts';
import { startTestPipeline, TEST_SITE } from '../support/pipeline.ts';
import { bucketHelpers } from '../support/site.ts';

const sample = readFileSync(
  new URL('../fixtures/articles/libya-ratifies-turkey-deal.txt', import.meta.url),
);
const TITLE = 'ratifies Turkey security deal';
/** The same story under another file and headline: the same feeds change again. */
const second = Buffer.from(sample.toString('utf8').replaceAll('ratifies Turkey', 'extends Turkey'));
const SECOND_TITLE = 'extends Turkey security deal';

interface Notice {
  mode: string | null;
  /** When the hub received it (ms). */
  at: number;
  topics: string[];
  /** Each topic as a GET through the local edge returned it when the notice arrived. */
  seen: Map<string, string>;
}

/** A WebSub hub on 127.0.0.1 that, on each notice, fetches every topic at once, as hubs do. */
async function startHub(status = 204): Promise<{ url: string; notices: Notice[]; server: Server }> {
  const notices: Notice[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', async () => {
      const at = Date.now();
      const form = new URLSearchParams(body);
      const topics = form.getAll('hub.url');
      const seen = new Map<string, string>();
      for (const topic of topics) seen.set(topic, await (await fetch(topic)).text());
      notices.push({ mode: form.get('hub.mode'), at, topics, seen });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hub`, notices, server };
}

describe('WebSub: publish tells the hubs which feeds changed, once the edge serves them', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The pipeline with the local edge in front of its site bucket, and these hubs. */
  async function siteWithHubs(hubs: { url: string; server: Server }[]) {
    for (const { server } of hubs)
      cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const edge: SiteServer = await startSiteServer({ port: 0 });
    cleanups.push(edge.close);
    const site = { ...TEST_SITE, url: edge.url, hubs: hubs.map((h) => h.url) };
    const batches: { result: PublishResult; at: number }[] = [];
    const t = await startTestPipeline({
      site,
      notifier: new HttpHubNotifier(),
      onPublish: (result) => batches.push({ result, at: Date.now() }),
    });
    cleanups.push(t.stop);
    edge.attach({ s3: t.aws.s3, bucket: t.aws.names.siteBucket, hubs: site.hubs });
    const inbox = bucketHelpers(t.aws.s3, t.aws.names.inboxBucket);
    /** The feeds each batch wrote, as topic URLs (batches that wrote none left out). */
    const changedFeeds = () =>
      batches
        .map((b) => b.result.written.filter(isFeedPath).map((path) => siteUrlOf(site.url, path)))
        .filter((feeds) => feeds.length > 0);
    return { t, edge, inbox, batches, changedFeeds };
  }

  it('one notice per batch per hub, naming exactly the changed feeds, sent after publish returned and already fresh at the edge; none for an identical re-upload', async () => {
    const hub = await startHub();
    const { t, edge, inbox, batches, changedFeeds } = await siteWithHubs([hub]);

    await inbox.put('articles/libya.txt', sample);
    await t.pipeline.settle();
    const first = hub.notices.length;
    const feedsOfFirst = hub.notices.flatMap((n) => n.topics);
    // Readers hold every feed at the edge now: a notice sent before those copies expire would
    // make the hub fetch the old bytes.
    for (const topic of feedsOfFirst) await (await fetch(topic)).text();
    await inbox.put('articles/libya-2.txt', second);
    await t.pipeline.settle();

    expect(first).toBeGreaterThan(0);
    expect(hub.notices.map((n) => n.mode)).toEqual(changedFeeds().map(() => 'publish'));
    expect(hub.notices.map((n) => [...n.topics].sort())).toEqual(
      changedFeeds().map((feeds) => [...feeds].sort()),
    );
    expect(feedsOfFirst).toEqual(
      expect.arrayContaining([`${edge.url}rss.xml`, `${edge.url}atom.xml`, `${edge.url}feed.json`]),
    );
    expect(feedsOfFirst.some((topic) => topic.includes('/tags/'))).toBe(true);
    expect(hub.notices.slice(first).flatMap((n) => n.topics)).toEqual(
      expect.arrayContaining(feedsOfFirst),
    );
    // Each batch's publish had returned before its hub heard: the wait is the queue's.
    const writers = batches.filter((b) => b.result.written.some(isFeedPath));
    for (const [i, notice] of hub.notices.entries())
      expect(notice.at).toBeGreaterThanOrEqual(writers[i]?.at ?? Number.POSITIVE_INFINITY);
    // What the hub fetched at once, through the edge, already lists the batch's article.
    for (const [i, notice] of hub.notices.entries()) {
      const title = i < first ? TITLE : SECOND_TITLE;
      for (const [topic, body] of notice.seen)
        expect({ topic, listed: body.includes(title) }).toEqual({ topic, listed: true });
    }
    // The edge names the hub and the feed itself.
    const link = (await fetch(`${edge.url}rss.xml`)).headers.get('link');
    expect(link).toBe(`<${hub.url}>; rel="hub", <${edge.url}rss.xml>; rel="self"`);

    // The same bytes again: the article does not change, no feed is rewritten, no notice.
    const before = hub.notices.length;
    await inbox.put('articles/libya.txt', sample);
    await t.pipeline.settle();
    expect(hub.notices).toHaveLength(before);
  });

  it('a hub that is down is asked again, then its notice goes to the dead letters; the other hub hears of every change once and no batch fails', async () => {
    const hub = await startHub();
    const down = await startHub(503);
    const { t, inbox, batches, changedFeeds } = await siteWithHubs([hub, down]);

    await inbox.put('articles/libya.txt', sample);
    await t.pipeline.settle();

    const notices = changedFeeds();
    expect(notices).toHaveLength(1);
    const topics = [...(notices[0] ?? [])].sort();
    // Each receive of its notice: three attempts at the hub that is down, then SQS brings it
    // back, until its last receive sends it to the dead letters. The other hub's notice is its
    // own: it hears of the change once.
    expect(down.notices).toHaveLength(3 * ANNOUNCE_EVENTS.maxReceives);
    expect(hub.notices.map((n) => [...n.topics].sort())).toEqual([topics]);
    const dead = t.pipeline.hubNotices?.deadLetters.map((d) => noticeOf(d.body));
    expect(dead?.map((n) => ({ hub: n.hub, topics: [...n.topics].sort() }))).toEqual([
      { hub: down.url, topics },
    ]);
    expect(batches.flatMap((b) => b.result.failures)).toEqual([]);
  });
});
