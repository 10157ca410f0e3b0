import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  MalformedNoticeError,
  NOTICE_TOPICS_MAX,
  noticeBody,
  noticeOf,
} from '../../../shared/contract/hub-notice.ts';
import { changedFeedTopics, notifyHubs } from '../../../shared/publish/announce-changes.ts';
import { HttpHubNotifier } from '../../../shared/stores/http-hub-notifier.ts';
import { HUB_A, HUB_B, HUB_SITE, recordingHubs } from '../../support/fakes/hubs.ts';

const config = HUB_SITE;
const recorder = recordingHubs;

describe('changedFeedTopics', () => {
  it("names the feeds among a batch's written files, once each, as sorted site URLs", () => {
    const written = [
      'articles/a.html',
      'tags/world/rss.xml',
      'rss.xml',
      'feed.json',
      'index.html',
      'authors/sam-lee/atom.xml',
      'feeds.opml',
      'rss.xml',
    ];
    expect(changedFeedTopics(written, config.url)).toEqual([
      'https://news.example.com/authors/sam-lee/atom.xml',
      'https://news.example.com/feed.json',
      'https://news.example.com/rss.xml',
      'https://news.example.com/tags/world/rss.xml',
    ]);
    expect(changedFeedTopics(['articles/a.html', 'index.html', 'sitemap.xml'], config.url)).toEqual(
      [],
    );
  });
});

describe('hub notices on the queue', () => {
  it('come back with the hub and topics they were sent with', () => {
    const notice = {
      hub: 'https://hub.example.net/websub',
      topics: ['https://news.example.com/rss.xml', 'https://news.example.com/a%20b.xml'],
    };
    expect(noticeOf(noticeBody(notice))).toEqual(notice);
    // Queued before notices named their hub: for every hub.
    expect(noticeOf('{"topics":["https://news.example.com/rss.xml"]}')).toEqual({
      topics: ['https://news.example.com/rss.xml'],
    });
  });

  it.each([
    ['not JSON', 'rss.xml', 'hub notice: not JSON: rss.xml'],
    ['no topics', '{}', 'hub notice: no "topics" list'],
    ['an empty list', '{"topics":[]}', 'hub notice: no "topics" list'],
    ['JSON null', 'null', 'hub notice: no "topics" list'],
    ['a number', '{"topics":[1]}', 'hub notice: topic 1 is not an http(s) URL'],
    ['a path', '{"topics":["rss.xml"]}', 'hub notice: topic "rss.xml" is not an http(s) URL'],
    [
      'another scheme',
      '{"topics":["file:///etc/passwd"]}',
      'hub notice: topic "file:///etc/passwd" is not an http(s) URL',
    ],
    [
      'a hub that is no URL',
      '{"hub":"hub","topics":["https://news.example.com/rss.xml"]}',
      'hub notice: hub "hub" is not an http(s) URL',
    ],
    [
      'a hub of another scheme',
      '{"hub":"gopher://hub.example/","topics":["https://news.example.com/rss.xml"]}',
      'hub notice: hub "gopher://hub.example/" is not an http(s) URL',
    ],
  ])('are refused when %s, saying what is wrong', (_, body, message) => {
    expect(() => noticeOf(body)).toThrow(MalformedNoticeError);
    expect(() => noticeOf(body)).toThrow(message);
  });
});

describe('notifyHubs', () => {
  it('pings each hub once, naming every topic, with no wait of its own', async () => {
    const { calls, notifier, sleep, sleeps } = recorder();
    const topics = ['https://news.example.com/feed.json', 'https://news.example.com/rss.xml'];
    const result = await notifyHubs(topics, { notifier, hubs: config.hubs ?? [], sleep });
    expect(calls).toEqual([
      { hub: HUB_A, topics, at: 0 },
      { hub: HUB_B, topics, at: 0 },
    ]);
    expect(sleeps).toEqual([]);
    expect(result).toEqual({
      topics,
      delivered: [
        { hub: HUB_A, attempts: 1 },
        { hub: HUB_B, attempts: 1 },
      ],
      failed: [],
    });
  });

  it('names at most NOTICE_TOPICS_MAX feeds a ping: a whole-site change is several', async () => {
    const { calls, notifier, sleep } = recorder();
    const topics = Array.from(
      { length: 250 },
      (_, i) => `https://news.example.com/tags/t${i}/rss.xml`,
    );
    const result = await notifyHubs(topics, { notifier, hubs: [HUB_A], sleep });
    expect(calls.map((c) => c.topics)).toEqual([
      topics.slice(0, NOTICE_TOPICS_MAX),
      topics.slice(NOTICE_TOPICS_MAX, 2 * NOTICE_TOPICS_MAX),
      topics.slice(2 * NOTICE_TOPICS_MAX),
    ]);
    expect(result.delivered).toEqual([{ hub: HUB_A, attempts: 3 }]);
  });

  it('sends nothing without topics or hubs', async () => {
    const { calls, notifier, sleep } = recorder();
    await notifyHubs([], { notifier, hubs: [HUB_A], sleep });
    await notifyHubs(['https://news.example.com/rss.xml'], { notifier, hubs: [], sleep });
    expect(calls).toEqual([]);
  });

  it('asks a refusing hub again with backoff, and reports one that never takes it without throwing', async () => {
    const { calls, notifier, sleep, sleeps } = recorder({ [HUB_A]: 1, [HUB_B]: 5 });
    const result = await notifyHubs(['https://news.example.com/rss.xml'], {
      notifier,
      hubs: [HUB_A, HUB_B],
      sleep,
      backoffMs: 100,
    });
    expect(calls.filter((c) => c.hub === HUB_A)).toHaveLength(2);
    expect(calls.filter((c) => c.hub === HUB_B)).toHaveLength(3);
    // A's one pause and B's two, doubling.
    expect(sleeps.sort((a, b) => a - b)).toEqual([100, 100, 200]);
    expect(result.delivered).toEqual([{ hub: HUB_A, attempts: 2 }]);
    expect(result.failed.map((f) => [f.hub, (f.error as Error).message])).toEqual([
      [HUB_B, `WebSub hub ${HUB_B}: answered HTTP 503`],
    ]);
  });
});

describe('HttpHubNotifier', () => {
  it('POSTs hub.mode=publish and one hub.url per topic, form-encoded; refuses a non-2xx answer', async () => {
    const received: { type?: string; body: string }[] = [];
    let status = 204;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ type: req.headers['content-type'], body });
        res.writeHead(status, status === 302 ? { location: 'https://elsewhere.example/' } : {});
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const notifier = new HttpHubNotifier();
      await notifier.notify(hub, ['https://n.example/rss.xml', 'https://n.example/a b&c.xml']);
      const form = new URLSearchParams(received[0]?.body);
      expect(received[0]?.type).toBe('application/x-www-form-urlencoded');
      expect(form.get('hub.mode')).toBe('publish');
      expect(form.getAll('hub.url')).toEqual([
        'https://n.example/rss.xml',
        'https://n.example/a b&c.xml',
      ]);
      status = 500;
      await expect(notifier.notify(hub, ['https://n.example/rss.xml'])).rejects.toThrow(
        `WebSub hub ${hub}: answered HTTP 500`,
      );
      // A redirect is not followed: it would turn the notice into a GET that "succeeds".
      status = 302;
      const before = received.length;
      await expect(notifier.notify(hub, ['https://n.example/rss.xml'])).rejects.toThrow(
        `WebSub hub ${hub}: answered HTTP 302 (to https://elsewhere.example/: name that URL as the hub)`,
      );
      expect(received).toHaveLength(before + 1);
      await expect(
        new HttpHubNotifier().notify('http://127.0.0.1:9/', ['https://n.example/rss.xml']),
      ).rejects.toThrow(/no answer/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
