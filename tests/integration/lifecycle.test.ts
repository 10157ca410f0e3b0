import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { EDGE_LOCATION_METADATA, EDGE_STATUS_METADATA } from '../../shared/contract/edge.ts';
import { startSiteServer } from '../../shared/local/site-server.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { bucketHelpers } from '../support/site.ts';

/**
 * The editorial lifecycle through the real handlers (s3rver, DynamoDB Local, the Lambda-like
 * runtime), checked as readers see it: the feeds parsed with a real feed parser, the pages
 * fetched through the local edge (the same viewer functions CloudFront runs).
 */

const md = (front: string, body = 'The council voted on Tuesday.') =>
  `---\ntitle: Council votes on the budget\ntags: [politics]\nauthor: Ana Silva\ndate: 2026-11-30T10:00:00Z\n${front}---\n\n${body}\n`;

interface ReaderItem {
  id: string;
  title: string;
  url: string;
  updated: string | undefined;
  content: string;
}

type Rig = Awaited<ReturnType<typeof rig>>;

async function rig(options: Parameters<typeof startTestPipeline>[0] = {}) {
  const t = await startTestPipeline(options);
  const inbox = bucketHelpers(t.aws.s3, t.aws.names.inboxBucket);
  const site = bucketHelpers(t.aws.s3, t.aws.names.siteBucket);
  const server = await startSiteServer({ port: 0 });
  server.attach({ s3: t.aws.s3, bucket: t.aws.names.siteBucket });
  /** What a feed reader subscribed to `dir` sees in each format. */
  const reader = async (dir = '') => {
    const xml = (path: string): ReaderItem[] =>
      parseFeed(texts[path] ?? '').items.map((item) => ({
        id: item.id ?? '',
        title: item.title ?? '',
        url: item.url ?? '',
        updated: item.updated?.toISOString(),
        content: item.content ?? '',
      }));
    const texts: Record<string, string> = {};
    for (const file of ['rss.xml', 'atom.xml', 'feed.json'])
      texts[file] = (await site.text(`${dir}${file}`)) ?? '';
    const json = JSON.parse(texts['feed.json'] || '{"items":[]}') as {
      items: {
        id: string;
        title: string;
        url: string;
        date_modified?: string;
        content_html: string;
      }[];
    };
    return {
      rss: xml('rss.xml'),
      atom: xml('atom.xml'),
      json: json.items.map((item) => ({
        id: item.id,
        title: item.title,
        url: item.url,
        updated: item.date_modified,
        content: item.content_html,
      })),
      atomText: texts['atom.xml'] ?? '',
    };
  };
  /** A page as the local edge answers it (redirects not followed). */
  const page = (path: string) => fetch(new URL(path, server.url), { redirect: 'manual' });
  const settle = () => t.pipeline.settle();
  return {
    t,
    inbox,
    site,
    reader,
    page,
    settle,
    stop: async () => {
      await server.close();
      await t.stop();
    },
  };
}

/** The one story's id in every format, which must agree (the guid readers key items by). */
function onlyId(view: Awaited<ReturnType<Rig['reader']>>): string {
  const ids = [view.rss, view.atom, view.json].map((items) => items.map((i) => i.id));
  expect(ids[0]).toHaveLength(1);
  expect(ids[1]).toEqual(ids[0]);
  expect(ids[2]).toEqual(ids[0]);
  return ids[0]?.[0] ?? '';
}

describe('the editorial lifecycle, as readers see it', () => {
  let current: Rig | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });

  it.each([
    ['the copy first', 'copy'],
    ['the copy seen before the delete ran', 'copy, then a pause'],
    ['the delete first', 'delete'],
  ] as const)(
    'a moved file (%s) keeps its story: same id, no second item, the old page answers 301',
    async (_, first) => {
      const r = await rig();
      current = r;
      const body = md('');
      await r.inbox.put('articles/budget.md', body);
      await r.settle();
      const before = await r.reader();
      const id = onlyId(before);
      expect(before.rss[0]?.url).toBe('https://news.example.com/articles/budget.html');

      const copy = () =>
        r.t.aws.s3.send(
          new CopyObjectCommand({
            Bucket: r.t.aws.names.inboxBucket,
            Key: 'articles/2026/11/council-budget.md',
            CopySource: `${r.t.aws.names.inboxBucket}/articles/budget.md`,
          }),
        );
      if (first === 'copy') {
        await copy();
        await r.inbox.remove('articles/budget.md');
      } else if (first === 'copy, then a pause') {
        // Its event is processed while the original is still there: the copy is held, and the
        // reader still sees the one story, at its old address.
        await copy();
        await r.settle();
        const between = await r.reader();
        expect(onlyId(between)).toBe(id);
        expect(between.json[0]?.url).toBe('https://news.example.com/articles/budget.html');
        // (Read from the bucket: the edge would keep a 404 fetched now for its error TTL.)
        expect(await r.site.text('articles/2026/11/council-budget.html')).toBeUndefined();
        await r.inbox.remove('articles/budget.md');
      } else {
        // The source is gone once deleted: the same bytes uploaded again stand for the copy.
        await r.inbox.remove('articles/budget.md');
        await r.inbox.put('articles/2026/11/council-budget.md', body);
      }
      await r.settle();

      const after = await r.reader();
      expect(onlyId(after)).toBe(id);
      const moved = 'https://news.example.com/articles/2026/11/council-budget.html';
      for (const items of [after.rss, after.atom, after.json]) {
        expect(items[0]?.url).toBe(moved);
        expect(items[0]?.updated).toBe(before.json[0]?.updated);
      }
      expect(after.atomText).not.toContain('deleted-entry');
      const old = await r.page('/articles/budget.html');
      expect(old.status).toBe(301);
      expect(old.headers.get('location')).toBe(moved);
      expect((await r.page('/articles/2026/11/council-budget.html')).status).toBe(200);
      const report = JSON.parse(
        (await r.inbox.text('reports/articles/2026/11/council-budget.md.json')) ?? '{}',
      );
      expect(report).toMatchObject({
        status: 'moved',
        movedFrom: 'articles/budget.md',
        redirectedFrom: 'articles/budget.html',
      });
    },
  );

  it('a copy kept beside its original is held: one story for readers; edited, a story of its own', async () => {
    const r = await rig();
    current = r;
    await r.inbox.put('articles/monday.md', md('', 'Monday story.'));
    await r.settle();
    const id = onlyId(await r.reader());

    // `aws s3 cp monday.md tuesday.md`, to start the next story from it.
    await r.inbox.put('articles/tuesday.md', md('', 'Monday story.'));
    await r.settle();
    const copied = await r.reader();
    expect(onlyId(copied)).toBe(id);
    expect(copied.json[0]?.url).toBe('https://news.example.com/articles/monday.html');
    expect((await r.page('/articles/monday.html')).status).toBe(200);
    expect((await r.page('/articles/tuesday.html')).status).toBe(404);
    const held = JSON.parse((await r.inbox.text('reports/articles/tuesday.md.json')) ?? '{}');
    expect(held).toMatchObject({ status: 'held', copyOf: 'articles/monday.md' });

    await r.inbox.put(
      'articles/tuesday.md',
      md('', 'Tuesday story.').replace('Council votes on the budget', 'The mayor resigns'),
    );
    await r.settle();
    const both = await r.reader();
    for (const items of [both.rss, both.atom, both.json]) {
      expect(items.map((i) => i.title).sort()).toEqual([
        'Council votes on the budget',
        'The mayor resigns',
      ]);
      expect(items.find((i) => i.title === 'Council votes on the budget')?.id).toBe(id);
      expect(new Set(items.map((i) => i.id)).size).toBe(2);
    }
    expect((await r.page('/articles/monday.html')).status).toBe(200);
  });

  it("a copy put back at a moved story's old address is held and keeps the redirect; deleted, the redirect stays; edited, a story with a guid of its own", async () => {
    const r = await rig();
    current = r;
    const body = md('');
    await r.inbox.put('articles/budget.md', body);
    await r.settle();
    const id = onlyId(await r.reader());
    await r.inbox.put('articles/2026/11/council-budget.md', body);
    await r.inbox.remove('articles/budget.md');
    await r.settle();
    const moved = 'https://news.example.com/articles/2026/11/council-budget.html';
    const redirects = async () => {
      const object = await r.site.head('articles/budget.html');
      return [object.Metadata?.[EDGE_STATUS_METADATA], object.Metadata?.[EDGE_LOCATION_METADATA]];
    };
    expect(await redirects()).toEqual(['301', moved]);

    // The same bytes again at the old key (`npm start` mirrors a folder that still has it, or an
    // editor restores it): a copy of the moved story, whose file is there.
    await r.inbox.put('articles/budget.md', body);
    await r.settle();
    const report = JSON.parse((await r.inbox.text('reports/articles/budget.md.json')) ?? '{}');
    expect(report).toMatchObject({
      status: 'held',
      copyOf: 'articles/2026/11/council-budget.md',
    });
    const held = await r.reader();
    expect(onlyId(held)).toBe(id);
    expect(held.json[0]?.url).toBe(moved);
    expect(await redirects()).toEqual(['301', moved]);
    const old = await r.page('/articles/budget.html');
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe(moved);

    // The copy deleted: the redirect is what stays.
    await r.inbox.remove('articles/budget.md');
    await r.settle();
    expect(await redirects()).toEqual(['301', moved]);

    // A new story at that key: its own page and its own guid, beside the moved one.
    await r.inbox.put(
      'articles/budget.md',
      md('', 'A second story.').replace('Council votes on the budget', 'The mayor resigns'),
    );
    await r.settle();
    const both = await r.reader();
    for (const items of [both.rss, both.atom, both.json]) {
      expect(items.find((i) => i.title === 'Council votes on the budget')?.id).toBe(id);
      expect(new Set(items.map((i) => i.id)).size).toBe(2);
    }
    expect(await redirects()).toEqual([undefined, undefined]);
    expect(await r.site.text('articles/budget.html')).toContain('A second story.');
  });

  it("a deleted story's readers are still told it went when another file takes its id", async () => {
    const r = await rig();
    current = r;
    await r.inbox.put('articles/budget.md', md('id: 2026/budget\n'));
    await r.settle();
    const gone = onlyId(await r.reader());
    await r.inbox.remove('articles/budget.md');
    await r.settle();
    await r.inbox.put(
      'articles/other.md',
      md('id: 2026/budget\n')
        .replace('Council votes', 'Another story')
        .replace('[politics]', '[sport]'),
    );
    await r.settle();

    // The new story is its own item; the deleted one stays announced, in the feeds it was in,
    // with no link to the id's page (the new story's now).
    const now = await r.reader();
    expect(onlyId(now)).not.toBe(gone);
    for (const dir of ['', 'tags/politics/', 'authors/ana-silva/']) {
      const atom = (await r.reader(dir)).atomText;
      const deleted = [
        ...atom.matchAll(/<at:deleted-entry ref="([^"]+)"[^>]*>([\s\S]*?)<\/at:deleted-entry>/g),
      ];
      expect({ dir, refs: deleted.map((m) => m[1]) }).toEqual({ dir, refs: [gone] });
      expect(deleted[0]?.[2]).not.toContain('<link');
    }
    expect((await r.reader('tags/sport/')).atomText).not.toContain('deleted-entry');
    expect((await r.page('/articles/2026/budget.html')).status).toBe(200);
  });

  it('a scheduled story moved before its date leaves nothing at its old address', async () => {
    const r = await rig();
    current = r;
    const secret = md('').replace('2026-11-30T10:00:00Z', '2099-01-01T00:00:00Z');
    await r.inbox.put('articles/embargo.md', secret.replace('Council votes', 'SECRET votes'));
    await r.settle();
    await r.inbox.put('articles/2099/embargo.md', secret.replace('Council votes', 'SECRET votes'));
    await r.inbox.remove('articles/embargo.md');
    await r.settle();

    expect((await r.page('/articles/embargo.html')).status).toBe(404);
    expect((await r.page('/articles/2099/embargo.html')).status).toBe(404);
    // Its report says the move, and claims no redirect.
    const report = JSON.parse(
      (await r.inbox.text('reports/articles/2099/embargo.md.json')) ?? '{}',
    );
    expect(report).toMatchObject({ status: 'moved', movedFrom: 'articles/embargo.md' });
    expect(report).not.toHaveProperty('redirectedFrom');
    for (const key of await r.site.keys())
      expect(await r.site.text(key), key).not.toContain('SECRET');
  });

  /** A new version readers must not see yet: another title, summary and tag. */
  const secret = (text: string) =>
    text
      .replace('Council votes', 'SECRET votes')
      .replace('[politics]', '[secrets]')
      .replace('---\n\n', 'summary: Draft summary nobody may see\n---\n\n');
  it.each([
    ['withdrawn', 'status: withdrawn\n', (text: string) => text],
    // A public story made a draft again, or given a date still to come, leaves as a withdrawn
    // one does, with what readers saw: never the new version's title, summary or tags.
    ['made a draft again', 'draft: true\n', secret],
    [
      'scheduled again',
      '',
      (text: string) => secret(text).replace('2026-11-30T10:00:00Z', '2099-01-01T09:00:00Z'),
    ],
  ])(
    'a story %s leaves every feed, Atom tells readers to delete it, its page answers 410',
    async (_, fields, edit) => {
      const r = await rig();
      current = r;
      await r.inbox.put('articles/budget.md', md(''));
      await r.settle();
      const id = onlyId(await r.reader());

      await r.inbox.put(
        'articles/budget.md',
        edit(md(`${fields}note: Withdrawn pending a legal review.\n`)),
      );
      await r.settle();

      for (const dir of ['', 'tags/politics/', 'authors/ana-silva/']) {
        const view = await r.reader(dir);
        expect([view.rss, view.atom, view.json]).toEqual([[], [], []]);
        const deleted = [
          ...view.atomText.matchAll(/<at:deleted-entry ref="([^"]+)" when="([^"]+)">/g),
        ];
        expect(deleted.map((m) => m[1])).toEqual([id]);
        expect(view.atomText).toContain(
          '<at:comment>Withdrawn pending a legal review.</at:comment>',
        );
      }
      const gone = await r.page('/articles/budget.html');
      expect(gone.status).toBe(410);
      const notice = await gone.text();
      expect(notice).toContain('This story was withdrawn');
      expect(notice).toContain('Withdrawn pending a legal review.');
      expect(notice).not.toContain('The council voted');
      expect(notice).toContain('Council votes on the budget');
      expect(await r.site.text('tags/index.html')).not.toContain('politics');
      for (const key of await r.site.keys())
        expect(await r.site.text(key), key).not.toMatch(/SECRET|Draft summary|secrets/);

      // Published again: the same item comes back, and the notice goes (from the bucket at once;
      // the edge keeps its 410 for the page's edge lifetime, as CloudFront would).
      await r.inbox.put('articles/budget.md', md(''));
      await r.settle();
      const back = await r.reader();
      expect(onlyId(back)).toBe(id);
      expect(back.atomText).not.toContain('deleted-entry');
      const object = await r.site.head('articles/budget.html');
      expect(object.Metadata).not.toHaveProperty(EDGE_STATUS_METADATA);
      expect(await r.site.text('articles/budget.html')).toContain('The council voted');
    },
  );

  it('a correction keeps the item and logs it, dated; a minor edit changes the content, not the date', async () => {
    const r = await rig();
    current = r;
    await r.inbox.put('articles/budget.md', md(''));
    await r.settle();
    const first = await r.reader();
    const id = onlyId(first);

    await r.inbox.put(
      'articles/budget.md',
      md(
        'correction: "An earlier version said the vote was on Monday."\n',
        'The council voted on Tuesday, 72 to 1.',
      ),
    );
    await r.settle();
    const corrected = await r.reader();
    expect(onlyId(corrected)).toBe(id);
    for (const format of ['rss', 'atom', 'json'] as const) {
      expect(corrected[format][0]?.content).toMatch(
        /<strong>Correction<\/strong> \(\d{4}-\d{2}-\d{2}\): An earlier version said the vote was on Monday\./,
      );
    }
    // RSS 2.0 items have no date of change (pubDate stays); Atom and JSON Feed say it moved.
    for (const format of ['atom', 'json'] as const) {
      expect(Date.parse(corrected[format][0]?.updated ?? '')).toBeGreaterThan(
        Date.parse(first[format][0]?.updated ?? ''),
      );
    }
    const page = await (await r.page('/articles/budget.html')).text();
    expect(page).toContain('An earlier version said the vote was on Monday.');
    expect(page).toContain('"@type":"CorrectionComment"');

    await r.inbox.put(
      'articles/budget.md',
      md(
        'correction: "An earlier version said the vote was on Monday."\nminor: true\n',
        'The council voted on Tuesday, 72 to 1, after a long debate.',
      ),
    );
    await r.settle();
    const minor = await r.reader();
    expect(onlyId(minor)).toBe(id);
    for (const format of ['rss', 'atom', 'json'] as const) {
      expect(minor[format][0]?.content).toContain('after a long debate');
      expect(minor[format][0]?.updated).toBe(corrected[format][0]?.updated);
    }
  });

  it('an expiring story is withdrawn by the release schedule when its time comes', async () => {
    const clock = { now: Date.parse('2026-12-01T12:00:00.000Z') };
    const told: unknown[] = [];
    const r = await rig({ now: () => new Date(clock.now), onRelease: (due) => told.push(due) });
    current = r;
    await r.inbox.put('articles/offer.md', md('expires: 2026-12-02T00:00:00Z\n'));
    await r.settle();
    const id = onlyId(await r.reader());

    expect(await r.t.pipeline.release()).toEqual([]);
    clock.now = Date.parse('2026-12-02T00:00:01.000Z');
    expect(await r.t.pipeline.release()).toEqual(['offer']);
    // `feedpub dev` prints what each run did; a run that did nothing says nothing.
    expect(told).toEqual([{ released: [], expired: ['offer'] }]);
    await r.settle();

    const view = await r.reader();
    expect([view.rss, view.atom, view.json]).toEqual([[], [], []]);
    expect(view.atomText).toContain(
      // Dated when it left: the release run, a second after its expiry.
      `<at:deleted-entry ref="${id}" when="2026-12-02T00:00:01.000Z">`,
    );
    expect((await r.page('/articles/offer.html')).status).toBe(410);
  });
});
