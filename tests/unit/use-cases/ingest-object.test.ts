import { describe, expect, it } from 'vitest';
import { isWithdrawnPublic, shownOf } from '../../../shared/articles/article.ts';
import { ingestObjectEvent, writeReportInOrder } from '../../../shared/ingest/ingest-object.ts';
import type { ObjectEvent } from '../../../shared/ingest/object-event.ts';
import type { IngestOutcome } from '../../../shared/ingest/outcome.ts';
import { StaleWriteError } from '../../../shared/ports/article-store.ts';
import { releaseDue } from '../../../shared/release/release-due.ts';
import { memoryIngestDeps } from '../../support/fakes/inbox.ts';

const KEY = 'articles/a.md';

const md = (title: string, tags: string[] = ['one']) =>
  `---\ntitle: ${title}\ntags: [${tags.join(', ')}]\n---\n\nBody of ${title}.\n`;

/** Ingest on the in-memory table and inbox: an editor uploads, S3 announces, ingest runs. */
function rig() {
  const { store, inbox, deps } = memoryIngestDeps();
  const created = (sequencer: string, versionId: string, key = KEY): ObjectEvent => ({
    kind: 'created',
    bucket: 'inbox',
    key,
    versionId,
    sequencer,
    eventTime: `2026-01-05T10:00:${sequencer.slice(-2)}.000Z`,
  });
  const removed = (sequencer: string, key = KEY): ObjectEvent => ({
    kind: 'removed',
    bucket: 'inbox',
    key,
    sequencer,
    eventTime: `2026-01-05T10:00:${sequencer.slice(-2)}.000Z`,
  });
  const ingest = (event: ObjectEvent) => ingestObjectEvent(event, deps);
  return { store, inbox, deps, created, removed, ingest };
}

const statusOf = (outcome: IngestOutcome) =>
  outcome.kind === 'applied' ? outcome.report.status : outcome.kind;

describe('ingestObjectEvent on the in-memory table', () => {
  it('publishes an upload: the article, its feed entries, its tag count and a report', async () => {
    const { store, inbox, created, ingest } = rig();
    const version = inbox.put(KEY, md('First'));

    const outcome = await ingest(created('01', version));

    expect(statusOf(outcome)).toBe('published');
    expect((await store.getArticle('a'))?.article).toMatchObject({
      title: 'First',
      status: 'live',
      sourceKey: KEY,
    });
    expect(await store.latestEntries('all', 10)).toEqual([{ id: 'a', rev: 1 }]);
    expect(await store.latestEntries('tag/one', 10)).toEqual([{ id: 'a', rev: 1 }]);
    expect(inbox.report(KEY)).toMatchObject({ status: 'published', id: 'a', sequencer: '01' });
  });

  it('does nothing for an event older than the newest one applied', async () => {
    const { store, inbox, created, ingest } = rig();
    const older = inbox.put(KEY, md('Older'));
    const newer = inbox.put(KEY, md('Newer'));
    await ingest(created('02', newer));
    const table = store.snapshot();
    const reports = inbox.reports.length;

    const outcome = await ingest(created('01', older));

    expect(outcome.kind).toBe('stale');
    expect(store.snapshot()).toEqual(table);
    expect(inbox.reports).toHaveLength(reports);
    expect((await store.getArticle('a'))?.article.title).toBe('Newer');
  });

  it('writes nothing for a duplicate but its report, in case the first delivery died before it', async () => {
    const { store, inbox, created, ingest } = rig();
    const version = inbox.put(KEY, md('First'));
    await ingest(created('01', version));
    const first = inbox.report(KEY);
    const table = store.snapshot();
    inbox.remove(`reports/${KEY}.json`);

    const outcome = await ingest(created('01', version));

    expect(outcome.kind).toBe('duplicate');
    expect(store.snapshot()).toEqual(table);
    expect(inbox.report(KEY)).toEqual(first);
  });

  it('leaves a tombstone on delete, so an older create delivered late cannot bring the article back', async () => {
    const { store, inbox, created, removed, ingest } = rig();
    const version = inbox.put(KEY, md('Doomed'));
    await ingest(created('01', version));
    inbox.remove(KEY);

    const deleted = await ingest(removed('03'));
    const late = await ingest(created('02', version));

    expect([statusOf(deleted), statusOf(late)]).toEqual(['deleted', 'stale']);
    expect((await store.getArticle('a'))?.article.status).toBe('deleted');
    expect(await store.latestEntries('all', 10)).toEqual([]);
    expect((await store.feedPage('tag/one', 5)).total).toBe(0);
    expect(await store.getSource(KEY)).toMatchObject({ deleted: true, id: 'a', sequencer: '03' });
    expect(inbox.report(KEY)).toMatchObject({ status: 'deleted', id: 'a', sequencer: '03' });
  });

  it('takes the same bytes at a new key for the story moved, in either order of copy and delete', async () => {
    // `aws s3 mv` is a copy then a delete; their events may be processed in either order, and
    // the copy's before or after the delete has run in S3.
    const orders = [
      ['copy first, file already deleted', ['moved', 'deleted']],
      ['copy first, file still there', ['held', 'deleted']],
      ['delete first', ['deleted', 'moved']],
    ] as const;
    for (const [order, statuses] of orders) {
      const { store, inbox, created, removed, ingest } = rig();
      const bytes = '---\ntitle: Moving story\ncorrection: Fixed a name.\n---\n\nBody.\n';
      await ingest(created('01', inbox.put(KEY, bytes)));
      const before = (await store.getArticle('a'))?.article;
      const copied = inbox.put('articles/2026/b.md', bytes);
      const copy = () => ingest(created('05', copied, 'articles/2026/b.md'));
      const remove = () => ingest(removed('02'));
      if (order !== 'copy first, file still there') inbox.remove(KEY);
      const outcomes = order === 'delete first' ? [await remove()] : [await copy()];
      inbox.remove(KEY);
      outcomes.push(order === 'delete first' ? await copy() : await remove());

      expect(outcomes.map(statusOf), order).toEqual(statuses);
      const moved = (await store.getArticle('2026/b'))?.article;
      expect(moved, order).toMatchObject({
        status: 'live',
        guid: before?.guid,
        published: before?.published,
        updated: before?.updated,
        corrections: before?.corrections,
        sourceKey: 'articles/2026/b.md',
      });
      expect(moved?.corrections, order).toHaveLength(1);
      expect(moved, order).not.toHaveProperty('heldFor');
      expect((await store.getArticle('a'))?.article, order).toMatchObject({
        status: 'moved',
        movedTo: '2026/b',
      });
      // The copy's key reports the move, whichever event made it.
      expect((await store.getSource('articles/2026/b.md'))?.report, order).toMatchObject({
        status: 'moved',
        movedFrom: KEY,
        redirectedFrom: 'articles/a.html',
      });
      // Every feed holds it once, under its new id, and tells no reader it was deleted.
      expect(await store.latestEntries('all', 10), order).toEqual([
        { id: '2026/b', rev: (await store.getArticle('2026/b'))?.rev },
      ]);
      expect(await store.withdrawnEntries('gone:all', '', 10), order).toEqual([]);
    }
  });

  it('holds a copy of a story whose file stays: published nowhere until it changes, the original untouched', async () => {
    const { store, inbox, created, ingest } = rig();
    const bytes = md('Monday');
    await ingest(created('01', inbox.put(KEY, bytes)));
    const monday = await store.getArticle('a');
    // `cp monday.md tuesday.md`: the same bytes while the original is still there.
    const held = await ingest(created('01', inbox.put('articles/b.md', bytes), 'articles/b.md'));
    expect(held.kind === 'applied' && held.report).toMatchObject({
      status: 'held',
      copyOf: KEY,
    });
    // The original as it was; written with the copy (its revision moves), so a delete of it
    // that read it before the copy was held cannot miss the copy.
    expect(await store.getArticle('a')).toEqual({ ...monday, rev: (monday?.rev ?? 0) + 1 });
    expect((await store.getArticle('b'))?.article).toMatchObject({ status: 'held', heldFor: 'a' });
    expect(await store.latestEntries('all', 10)).toEqual([{ id: 'a', rev: 2 }]);
    // Uploaded again unchanged: still a copy.
    expect(
      statusOf(await ingest(created('02', inbox.put('articles/b.md', bytes), 'articles/b.md'))),
    ).toBe('held');
    // Another file naming the copy's id is refused it, told which file holds it and why.
    const claim = '---\ntitle: Claim\nid: b\n---\nMine.\n';
    await ingest(created('01', inbox.put('articles/c.md', claim), 'articles/c.md'));
    expect(inbox.report('articles/c.md')).toMatchObject({
      status: 'rejected',
      code: 'bad-id',
      reason: `id "b" is already used by articles/b.md (held, published nowhere: a copy of ${KEY}; deleting articles/b.md frees the id): set another "id" in the file or rename it`,
    });

    // Edited: a story of its own, with a guid of its own; the original is still its own story.
    const edited = await ingest(
      created('03', inbox.put('articles/b.md', md('Tuesday')), 'articles/b.md'),
    );
    expect(statusOf(edited)).toBe('published');
    const [a, b] = [await store.getArticle('a'), await store.getArticle('b')];
    expect(a?.article).toEqual(monday?.article);
    expect(b?.article).toMatchObject({ status: 'live', title: 'Tuesday' });
    expect(b?.article).not.toHaveProperty('heldFor');
    expect(b?.article.guid).not.toBe(a?.article.guid);
    expect((await store.latestEntries('all', 10)).map((e) => e.id).sort()).toEqual(['a', 'b']);
  });

  it("keeps a deleted story's notice at its key while a copy of another story is held there", async () => {
    const { store, inbox, created, removed, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('Monday'))));
    await ingest(removed('02'));
    const withdrawn = (await store.getArticle('a'))?.article.withdrawn;
    expect(withdrawn).toEqual({ at: '2026-01-05T10:00:02.000Z' });
    const bytes = md('Tuesday');
    await ingest(created('01', inbox.put('articles/b.md', bytes), 'articles/b.md'));
    // The same bytes as b's story at a's key: held, and a's notice stays.
    expect(statusOf(await ingest(created('03', inbox.put(KEY, bytes))))).toBe('held');
    // Its notice names the story readers saw there.
    expect((await store.getArticle('a'))?.article).toMatchObject({
      status: 'held',
      heldFor: 'b',
      withdrawn,
      title: 'Monday',
    });
  });

  it("gives a new story at a moved story's old key a guid of its own", async () => {
    const { store, inbox, created, removed, ingest } = rig();
    const bytes = md('Original');
    await ingest(created('01', inbox.put(KEY, bytes)));
    await ingest(created('01', inbox.put('articles/b.md', bytes), 'articles/b.md'));
    inbox.remove(KEY);
    await ingest(removed('02'));
    expect(statusOf(await ingest(created('03', inbox.put(KEY, md('Something else')))))).toBe(
      'published',
    );

    const [a, b] = [await store.getArticle('a'), await store.getArticle('b')];
    expect(a?.article.title).toBe('Something else');
    expect(b?.article.title).toBe('Original');
    expect(a?.article.guid).not.toBe(b?.article.guid);
  });

  it("gives another file that takes a deleted story's id a story of its own: its guid and dates", async () => {
    const { store, inbox, created, removed, ingest } = rig();
    const withId = (title: string, body: string) =>
      `---\ntitle: ${title}\nid: 2026/12/shared\n---\n\n${body}\n`;
    await ingest(created('01', inbox.put(KEY, withId('Story A', 'A body'))));
    // Refused while a.md has the id; uploaded again once a.md is deleted.
    const b = 'articles/b.md';
    expect(statusOf(await ingest(created('02', inbox.put(b, withId('Story B', 'B')), b)))).toBe(
      'rejected',
    );
    await ingest(created('03', inbox.put(KEY, withId('Story A', 'A body, edited'))));
    const a = (await store.getArticle('2026/12/shared'))?.article;
    inbox.remove(KEY);
    await ingest(removed('04'));
    // Refused the id while a.md had it, b.md takes it when a.md is deleted; then it is edited.
    expect(
      statusOf(await ingest(created('05', inbox.put(b, withId('Story B', 'B again')), b))),
    ).toBe('updated');

    const story = (await store.getArticle('2026/12/shared'))?.article;
    expect(story?.title).toBe('Story B');
    expect(story?.guid).not.toBe(a?.guid);
    // Its own dates (its file's first upload), not the deleted story's.
    expect(story?.published).toBe('2026-01-05T10:00:02.000Z');
    expect(story?.published).not.toBe(a?.published);
    // Readers of the deleted story are still told it went: its notice stays with the id.
    expect(story?.formerly).toEqual([
      {
        guid: a?.guid,
        withdrawn: { at: '2026-01-05T10:00:04.000Z' },
        title: 'Story A',
        tags: [],
        authors: [],
      },
    ]);
    expect(await store.withdrawnEntries('gone:all', '', 10)).toEqual([
      { id: '2026/12/shared', rev: expect.any(Number) },
    ]);
    expect(await store.latestEntries('all', 10)).toEqual([
      { id: '2026/12/shared', rev: expect.any(Number) },
    ]);
  });

  it('moves a story whose file changes its own id: the same item, its log, a redirect', async () => {
    const { store, inbox, created, ingest } = rig();
    const first = md('Harbour').replace('---\n\n', 'correction: Wrong month.\n---\n\n');
    await ingest(created('01', inbox.put(KEY, first)));
    const second = first.replace('Wrong month.', 'Pier misnamed.');
    await ingest(created('02', inbox.put(KEY, second)));
    const before = (await store.getArticle('a'))?.article;
    expect(before?.corrections?.map((c) => c.text)).toEqual(['Wrong month.', 'Pier misnamed.']);

    const outcome = await ingest(
      created('03', inbox.put(KEY, second.replace('---\n\n', 'id: 2026/12/harbour\n---\n\n'))),
    );
    expect(outcome.kind === 'applied' && outcome.report).toMatchObject({
      status: 'moved',
      id: '2026/12/harbour',
      redirectedFrom: 'articles/a.html',
    });
    const moved = (await store.getArticle('2026/12/harbour'))?.article;
    expect(moved).toMatchObject({
      status: 'live',
      guid: before?.guid,
      published: before?.published,
      updated: '2026-01-05T10:00:03.000Z',
    });
    expect(moved?.corrections?.map((c) => c.text)).toEqual(['Wrong month.', 'Pier misnamed.']);
    expect((await store.getArticle('a'))?.article).toMatchObject({
      status: 'moved',
      movedTo: '2026/12/harbour',
    });
    expect(await store.latestEntries('all', 10)).toEqual([{ id: '2026/12/harbour', rev: 1 }]);
    expect(await store.withdrawnEntries('gone:all', '', 10)).toEqual([]);
  });

  it('tells readers a public story made a draft again left, with what they saw, and brings back the same item', async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('Pulled'))));
    const live = (await store.getArticle('a'))?.article;
    const draft = md('Secret new angle', ['embargoed']).replace('---\n\n', 'draft: true\n---\n\n');
    expect(statusOf(await ingest(created('02', inbox.put(KEY, draft))))).toBe('draft');

    const gone = (await store.getArticle('a'))?.article;
    expect(gone).toMatchObject({ status: 'draft', title: 'Pulled', guid: live?.guid });
    expect(gone?.withdrawn).toEqual({ at: '2026-01-05T10:00:02.000Z' });
    expect(JSON.stringify(gone)).not.toMatch(/Secret|embargoed/);
    expect(await store.latestEntries('all', 10)).toEqual([]);
    expect((await store.withdrawnEntries('gone:all', '', 10)).map((e) => e.id)).toEqual(['a']);
    expect((await store.withdrawnEntries('gone:tag/one', '', 10)).map((e) => e.id)).toEqual(['a']);
    expect(await store.withdrawnEntries('gone:tag/embargoed', '', 10)).toEqual([]);

    // The same draft again: unchanged. Published again: the same item, back in its feeds.
    expect(statusOf(await ingest(created('03', inbox.put(KEY, draft))))).toBe('unchanged');
    await ingest(created('04', inbox.put(KEY, md('Pulled, then back'))));
    const back = (await store.getArticle('a'))?.article;
    expect(back).toMatchObject({ status: 'live', guid: live?.guid, published: live?.published });
    expect(back?.withdrawn).toBeUndefined();
    expect(await store.withdrawnEntries('gone:all', '', 10)).toEqual([]);
    expect(await store.latestEntries('all', 10)).toEqual([{ id: 'a', rev: 3 }]);
  });

  it('tells readers a public story given a date still to come left, with what they saw; at that date it comes back as the same item, in its new version', async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('Pulled'))));
    const live = (await store.getArticle('a'))?.article;
    const embargoed = md('Secret new angle', ['embargoed']).replace(
      '---\n\n',
      'date: 2099-01-01T09:00:00Z\n---\n\n',
    );
    expect(statusOf(await ingest(created('02', inbox.put(KEY, embargoed))))).toBe('scheduled');

    // The table holds the new version, to release at its date; readers are told only of the old.
    const waiting = (await store.getArticle('a'))?.article;
    expect(waiting).toMatchObject({ status: 'scheduled', title: 'Secret new angle' });
    expect(waiting?.withdrawn).toEqual({
      at: '2026-01-05T10:00:02.000Z',
      shown: { title: 'Pulled', tags: [{ slug: 'one', name: 'one' }], authors: [] },
    });
    expect(await store.latestEntries('all', 10)).toEqual([]);
    expect((await store.withdrawnEntries('gone:all', '', 10)).map((e) => e.id)).toEqual(['a']);
    expect((await store.withdrawnEntries('gone:tag/one', '', 10)).map((e) => e.id)).toEqual(['a']);
    expect(await store.withdrawnEntries('gone:tag/embargoed', '', 10)).toEqual([]);

    // Released at its date: the same item, in the new version, and no notice any more.
    const { released } = await releaseDue({ store, now: () => new Date('2099-01-01T09:00:30Z') });
    expect(released).toEqual(['a']);
    const back = (await store.getArticle('a'))?.article;
    expect(back).toMatchObject({ status: 'live', guid: live?.guid, title: 'Secret new angle' });
    expect(back?.withdrawn).toBeUndefined();
    expect(await store.withdrawnEntries('gone:all', '', 10)).toEqual([]);
    expect(await store.withdrawnEntries('gone:tag/one', '', 10)).toEqual([]);
    expect((await store.feedPage('tag/embargoed', 5)).total).toBe(1);
  });

  it.each([
    ['given a date to come', 'date: 2099-01-01T09:00:00Z', 'scheduled'],
    ['made a draft', 'draft: true', 'draft'],
    ['withdrawn', 'status: withdrawn', 'withdrawn'],
  ])(
    'a public story %s under a new id leaves from its old address: nothing of the new one shows until it is public',
    async (_what, line, status) => {
      const { store, inbox, created, ingest } = rig();
      await ingest(created('01', inbox.put(KEY, md('Results preview'))));
      const live = (await store.getArticle('a'))?.article;
      const renamed = md('Acme buys Globex', ['merger']).replace(
        '---\n\n',
        `id: 2031/acme-buys-globex\n${line}\n---\n\n`,
      );

      const outcome = await ingest(created('02', inbox.put(KEY, renamed)));

      expect(statusOf(outcome)).toBe(status);
      const report = outcome.kind === 'applied' ? outcome.report : undefined;
      expect(report?.redirectedFrom).toBeUndefined();
      expect(report?.warnings).toContainEqual(expect.stringMatching(/^its id changed from "a"/));
      // The old address: gone, with what readers saw there; its redirect waits for the story.
      const old = (await store.getArticle('a'))?.article;
      expect(old).toMatchObject({ status: 'moved', movedTo: '2031/acme-buys-globex' });
      expect(old && isWithdrawnPublic(old)).toBe(true);
      expect(old && shownOf(old).title).toBe('Results preview');
      // The new id: no notice, no entry, nothing a reader or a feed could show.
      const next = (await store.getArticle('2031/acme-buys-globex'))?.article;
      expect(next).toMatchObject({ status, guid: live?.guid });
      expect(next?.withdrawn).toBeUndefined();
      expect(await store.latestEntries('all', 10)).toEqual([]);
      expect((await store.withdrawnEntries('gone:all', '', 10)).map((e) => e.id)).toEqual(['a']);
      expect((await store.withdrawnEntries('gone:tag/one', '', 10)).map((e) => e.id)).toEqual([
        'a',
      ]);
      expect(await store.withdrawnEntries('gone:tag/merger', '', 10)).toEqual([]);
    },
  );

  it('every older address of a story renamed as it leaves waits too: none names the new id', async () => {
    const { store, inbox, created, ingest } = rig();
    // z, then renamed a (live: z redirects to a), then renamed b as a draft.
    await ingest(created('01', inbox.put(KEY, md('Pulled').replace('---\n\n', 'id: z\n---\n\n'))));
    await ingest(created('02', inbox.put(KEY, md('Pulled').replace('---\n\n', 'id: a\n---\n\n'))));
    expect((await store.getArticle('z'))?.article).toMatchObject({ movedTo: 'a' });
    const draft = md('Pulled').replace('---\n\n', 'id: b\ndraft: true\n---\n\n');
    await ingest(created('03', inbox.put(KEY, draft)));
    for (const old of ['z', 'a']) {
      const tombstone = (await store.getArticle(old))?.article;
      expect(tombstone, old).toMatchObject({ status: 'moved', movedTo: 'b' });
      expect(tombstone && isWithdrawnPublic(tombstone), old).toBe(true);
    }
    // Published at b: both redirect there.
    await ingest(created('04', inbox.put(KEY, md('Back').replace('---\n\n', 'id: b\n---\n\n'))));
    for (const old of ['z', 'a']) {
      const redirect = (await store.getArticle(old))?.article;
      expect(redirect, old).toMatchObject({ status: 'moved', movedTo: 'b' });
      expect(redirect?.withdrawn, old).toBeUndefined();
    }
  });

  it('a story renamed away as a draft and back to its old id keeps its notice there, not a second one', async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('Pulled').replace('---\n\n', 'id: a\n---\n\n'))));
    const guid = (await store.getArticle('a'))?.article.guid;
    const as = (id: string, extra = '') =>
      md('Pulled').replace('---\n\n', `id: ${id}\n${extra}---\n\n`);
    await ingest(created('02', inbox.put(KEY, as('b', 'draft: true\n'))));
    await ingest(created('03', inbox.put(KEY, as('a', 'draft: true\n'))));
    const back = (await store.getArticle('a'))?.article;
    expect(back).toMatchObject({ status: 'draft', guid });
    expect(back && isWithdrawnPublic(back)).toBe(true);
    expect(back?.formerly ?? []).toEqual([]);
    expect((await store.withdrawnEntries('gone:all', '', 10)).map((e) => e.id)).toEqual(['a']);
    await ingest(created('04', inbox.put(KEY, as('a'))));
    // Public at b (a redirects there), then back to a as a draft: gone at both addresses.
    await ingest(created('05', inbox.put(KEY, as('b'))));
    expect((await store.getArticle('a'))?.article).toMatchObject({ status: 'moved', movedTo: 'b' });
    await ingest(created('06', inbox.put(KEY, as('a', 'draft: true\n'))));
    const drafted = (await store.getArticle('a'))?.article;
    expect(drafted && isWithdrawnPublic(drafted)).toBe(true);
    const left = (await store.getArticle('b'))?.article;
    expect(left).toMatchObject({ status: 'moved', movedTo: 'a' });
    expect(left && isWithdrawnPublic(left)).toBe(true);
    await ingest(created('07', inbox.put(KEY, as('a'))));
    const live = (await store.getArticle('a'))?.article;
    expect(live).toMatchObject({ status: 'live', guid });
    expect(live?.formerly ?? []).toEqual([]);
    expect(await store.withdrawnEntries('gone:all', '', 10)).toEqual([]);
    expect((await store.getArticle('b'))?.article.withdrawn).toBeUndefined();
  });

  it('a story renamed as it left, moved to another key once its date passed, redirects its old address', async () => {
    const { store, inbox, deps, created, removed, ingest } = rig();
    deps.now = () => new Date('2026-01-06T00:00:00.000Z');
    await ingest(created('01', inbox.put(KEY, md('Pulled'))));
    const renamed = md('Pulled').replace('---\n\n', 'id: b\ndate: 2026-03-01T09:00:00Z\n---\n\n');
    await ingest(created('02', inbox.put(KEY, renamed)));
    expect((await store.getArticle('b'))?.article.status).toBe('scheduled');
    // Its date passed; the file is moved (the same bytes at another key) before release ran.
    deps.now = () => new Date('2026-06-01T00:00:00.000Z');
    await ingest(created('03', inbox.put('articles/other.md', renamed), 'articles/other.md'));
    inbox.remove(KEY);
    await ingest(removed('04'));
    expect((await store.getArticle('b'))?.article).toMatchObject({
      status: 'live',
      sourceKey: 'articles/other.md',
    });
    const old = (await store.getArticle('a'))?.article;
    expect(old).toMatchObject({ status: 'moved', movedTo: 'b' });
    expect(old?.withdrawn).toBeUndefined();
  });

  it('says an embargo given as a day alone is at 00:00 UTC; a past day says nothing', async () => {
    const { inbox, created, ingest } = rig();
    const upload = async (key: string, lines: string) => {
      const text = md('Embargoed').replace('---\n\n', `${lines}\n---\n\n`);
      const outcome = await ingest(created('01', inbox.put(key, text), key));
      return outcome.kind === 'applied' ? outcome.report.warnings : [];
    };
    expect(await upload('articles/a.md', 'date: 2099-12-03')).toContainEqual(
      expect.stringMatching(/^"date" 2099-12-03 is at 00:00 UTC/),
    );
    expect(await upload('articles/b.md', 'date: 2099-12-03T09:00:00-05:00')).toEqual([]);
    expect(await upload('articles/c.md', 'date: 2019-12-03')).toEqual([]);
    expect(await upload('articles/d.md', 'expires: 2099-12-03')).toContainEqual(
      expect.stringMatching(/^"expires" 2099-12-03 is at 00:00 UTC/),
    );
  });

  it('the old address of a story renamed while embargoed redirects once it is public: at its date, or published', async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('Results preview'))));
    const embargoed = md('Acme buys Globex').replace(
      '---\n\n',
      'id: 2031/acme\ndate: 2099-01-01T09:00:00Z\n---\n\n',
    );
    await ingest(created('02', inbox.put(KEY, embargoed)));

    const { released } = await releaseDue({ store, now: () => new Date('2099-01-01T09:00:30Z') });
    expect(released).toEqual(['2031/acme']);
    const old = (await store.getArticle('a'))?.article;
    expect(old).toMatchObject({ status: 'moved', movedTo: '2031/acme' });
    expect(old?.withdrawn).toBeUndefined();
    expect(await store.withdrawnEntries('gone:all', '', 10)).toEqual([]);
    expect(await store.latestEntries('all', 10)).toMatchObject([{ id: '2031/acme' }]);

    // A draft renamed, then published under its new id by the next upload.
    const other = rig();
    await other.ingest(other.created('01', other.inbox.put(KEY, md('Pulled'))));
    const draft = md('Pulled').replace('---\n\n', 'id: b\ndraft: true\n---\n\n');
    await other.ingest(other.created('02', other.inbox.put(KEY, draft)));
    expect((await other.store.getArticle('a'))?.article.withdrawn).toBeDefined();
    const published = md('Pulled, back').replace('---\n\n', 'id: b\n---\n\n');
    await other.ingest(other.created('03', other.inbox.put(KEY, published)));
    const back = (await other.store.getArticle('a'))?.article;
    expect(back).toMatchObject({ status: 'moved', movedTo: 'b' });
    expect(back?.withdrawn).toBeUndefined();
    expect(await other.store.withdrawnEntries('gone:all', '', 10)).toEqual([]);
  });

  it("keeps a withdrawn story's notice in the feeds readers saw it in when its file also changes its tags", async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('Pulled'))));
    const retagged = md('Pulled', ['other']).replace('---\n\n', 'status: withdrawn\n---\n\n');
    expect(statusOf(await ingest(created('02', inbox.put(KEY, retagged))))).toBe('withdrawn');
    expect((await store.withdrawnEntries('gone:tag/one', '', 10)).map((e) => e.id)).toEqual(['a']);
    expect(await store.withdrawnEntries('gone:tag/other', '', 10)).toEqual([]);
  });

  it('does not use an `updated` later than the upload, and says so in the report', async () => {
    const { store, inbox, created, ingest } = rig();
    const typo = md('Typo').replace('---\n\n', 'date: 2026-01-01\nupdated: 2062-01-01\n---\n\n');
    const outcome = await ingest(created('01', inbox.put(KEY, typo)));
    expect(outcome.kind === 'applied' && outcome.report.warnings).toEqual([
      '"updated" (2062-01-01T00:00:00.000Z) is later than the upload (2026-01-05T10:00:01.000Z): a story is not updated in the future, so it is not used',
    ]);
    expect((await store.getArticle('a'))?.article.updated).toBe('2026-01-01T00:00:00.000Z');
  });

  it("puts the table's report back when a slow write of the same event's older report lands after it", async () => {
    const { store, inbox, deps, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('First'))));
    const first = inbox.report(KEY);
    const source = await store.getSource(KEY);
    if (!first || !source) throw new Error('no report');
    // The table's report brought up to date (a media file published since: republishUsers).
    const current = { ...first, warnings: [] };
    await store.commit({
      source: {
        record: { ...source, revision: source.revision + 1, report: current },
        previousRevision: source.revision,
      },
      articles: [],
    });
    const stale = { ...first, warnings: ['media "articles/x.png" is not in the inbox (yet)'] };

    await writeReportInOrder(stale, deps);

    expect(inbox.report(KEY)).toEqual(current);
    // The handler's report of a last failure of that event (its work after the commit failed on
    // every delivery) stays: the editor learns the upload went to the dead-letter queue.
    const failed = {
      ...first,
      status: 'failed' as const,
      reason: 'not processed after 5 attempts',
    };
    await writeReportInOrder(failed, deps);
    expect(inbox.report(KEY)).toEqual(failed);
  });

  it('leaves no trace of a draft that was never public', async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(
      created('01', inbox.put(KEY, md('Draft').replace('---\n\n', 'draft: true\n---\n\n'))),
    );
    await ingest(
      created('02', inbox.put(KEY, md('Draft 2').replace('---\n\n', 'draft: true\n---\n\n'))),
    );
    expect((await store.getArticle('a'))?.article.withdrawn).toBeUndefined();
    expect(await store.withdrawnEntries('gone:all', '', 10)).toEqual([]);
  });

  it('keeps the guid through ping-pong moves whose events interleave (mv a b; mv b a; …)', async () => {
    const { store, inbox, created, removed, ingest } = rig();
    const bytes = md('Ping pong');
    const b = 'articles/b.md';
    await ingest(created('01', inbox.put(KEY, bytes)));
    const guid = (await store.getArticle('a'))?.article.guid;
    // mv a b, its delete seen first; then mv b a and mv a b again, interleaved: a copy held at
    // a, deleted again before b's delete is seen; then b deleted, and the last copy at a.
    inbox.remove(KEY);
    await ingest(removed('02'));
    await ingest(created('01', inbox.put(b, bytes), b));
    await ingest(created('03', inbox.put(KEY, bytes)));
    expect((await store.getArticle('a'))?.article.status).toBe('held');
    inbox.remove(KEY);
    await ingest(removed('04'));
    inbox.remove(b);
    await ingest(removed('02', b));
    const last = await ingest(created('05', inbox.put(KEY, bytes)));

    expect(statusOf(last)).toBe('moved');
    expect((await store.getArticle('a'))?.article).toMatchObject({ status: 'live', guid });
    expect(await store.withdrawnEntries('gone:all', '', 10)).toEqual([]);
  });

  it('points every older address of a story moved again straight at its new one (one 301)', async () => {
    const { store, inbox, created, removed, ingest } = rig();
    const bytes = md('Wandering');
    await ingest(created('01', inbox.put(KEY, bytes)));
    // mv a b, then mv b c, then mv c a: each its delete first, then its copy.
    const moves: [string, string][] = [
      [KEY, 'articles/b.md'],
      ['articles/b.md', 'articles/c.md'],
    ];
    for (const [i, [from, to]] of moves.entries()) {
      inbox.remove(from);
      await ingest(removed(`0${2 + i}`, from));
      expect(statusOf(await ingest(created(`0${2 + i}`, inbox.put(to, bytes), to)))).toBe('moved');
    }
    expect((await store.getArticle('a'))?.article.movedTo).toBe('c');
    expect((await store.getArticle('b'))?.article.movedTo).toBe('c');
    expect((await store.getArticle('c'))?.article.redirectsFrom).toEqual(['a', 'b']);

    // Back to its first address: that one is the story again; the others point at it.
    inbox.remove('articles/c.md');
    await ingest(removed('04', 'articles/c.md'));
    await ingest(created('04', inbox.put(KEY, bytes)));
    expect((await store.getArticle('a'))?.article.status).toBe('live');
    expect((await store.getArticle('b'))?.article.movedTo).toBe('a');
    expect((await store.getArticle('c'))?.article.movedTo).toBe('a');
  });

  it('gives a freed id to the file refused it meanwhile, when the holder is deleted', async () => {
    const { store, inbox, created, removed, ingest } = rig();
    const withId = (title: string) => `---\ntitle: ${title}\nid: shared\n---\n\n${title}.\n`;
    await ingest(created('01', inbox.put(KEY, withId('Winner'))));
    const [b, c] = ['articles/b.md', 'articles/c.md'];
    expect(statusOf(await ingest(created('02', inbox.put(b, withId('Second')), b)))).toBe(
      'rejected',
    );
    expect(statusOf(await ingest(created('03', inbox.put(c, withId('Third')), c)))).toBe(
      'rejected',
    );
    const winner = (await store.getArticle('shared'))?.article;
    expect(winner?.claimants).toEqual([b, c]);

    inbox.remove(KEY);
    const outcome = await ingest(removed('04'));
    const said = outcome.kind === 'applied' ? [outcome.report, ...(outcome.also ?? [])] : [];
    expect(said.map((r) => `${r.key} ${r.status}`)).toEqual([
      'articles/a.md deleted',
      'articles/b.md published',
      'articles/c.md rejected',
    ]);
    const story = (await store.getArticle('shared'))?.article;
    expect(story).toMatchObject({ status: 'live', title: 'Second', sourceKey: b });
    expect(story?.guid).not.toBe(winner?.guid);
    // The third is noted by the new holder, and takes the id in turn.
    expect(story?.claimants).toEqual([c]);
    inbox.remove(b);
    await ingest(removed('05', b));
    expect((await store.getArticle('shared'))?.article).toMatchObject({ title: 'Third' });
  });

  it('keeps a story that comes back to its key after a delete the same item: its guid, dates and log', async () => {
    const { store, inbox, created, removed, ingest } = rig();
    const bytes = md('Moved here');
    // A story moved to b (so its guid is not b's own), corrected, then deleted by mistake.
    await ingest(created('01', inbox.put(KEY, bytes)));
    inbox.remove(KEY);
    await ingest(removed('02'));
    await ingest(created('03', inbox.put('articles/b.md', bytes), 'articles/b.md'));
    const fixed = `${bytes}\nFixed.\n`.replace('---\n\n', 'correction: A name was wrong.\n---\n\n');
    await ingest(created('04', inbox.put('articles/b.md', fixed), 'articles/b.md'));
    const live = (await store.getArticle('b'))?.article;
    inbox.remove('articles/b.md');
    await ingest(removed('05', 'articles/b.md'));
    expect((await store.getArticle('b'))?.article.status).toBe('deleted');

    // The delete undone (its marker removed), or the file uploaded again.
    await ingest(created('06', inbox.put('articles/b.md', fixed), 'articles/b.md'));
    const back = (await store.getArticle('b'))?.article;
    expect(back).toMatchObject({
      status: 'live',
      guid: live?.guid,
      published: live?.published,
      corrections: live?.corrections,
    });
    // Updated when it came back: never earlier than readers last saw it.
    expect(back && live && back.updated > live.updated).toBe(true);
  });

  it('keeps a different file with the bytes of no other story a new story', async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('One'))));
    await ingest(created('01', inbox.put('articles/b.md', md('Two')), 'articles/b.md'));
    expect((await store.getArticle('a'))?.article.status).toBe('live');
    expect((await store.getArticle('b'))?.article.status).toBe('live');
  });

  it('asks nothing of a key never seen but its source record, and finds an id or bytes taken all the same', async () => {
    const { store, inbox, created, ingest } = rig();
    const reads: string[] = [];
    let commits = 0;
    store.beforeRead = (read) => {
      reads.push(read);
    };
    store.beforeCommit = () => {
      commits += 1;
    };
    // A new key with new bytes: one commit, no read of an article or of who made the bytes.
    const bytes = md('Fresh');
    expect(statusOf(await ingest(created('01', inbox.put(KEY, bytes))))).toBe('published');
    expect(reads.filter((read) => read !== 'getSource' && read !== 'getMedia')).toEqual([]);
    expect(commits).toBe(1);

    // The same bytes at another new key: the commit is refused, the retry reads, and the file is
    // a copy, as it would have been found by reading first.
    reads.length = 0;
    commits = 0;
    const copied = await ingest(created('02', inbox.put('articles/b.md', bytes), 'articles/b.md'));
    expect(copied.kind === 'applied' && copied.report).toMatchObject({
      status: 'held',
      copyOf: KEY,
    });
    expect(commits).toBe(2);
    expect(reads).toContain('getArticleAndBody');

    // A new key whose file names an id that is taken: refused, then rejected as it should be.
    commits = 0;
    const named = '---\ntitle: Same id\nid: a\n---\n\nOther words.\n';
    const taken = await ingest(created('03', inbox.put('articles/c.md', named), 'articles/c.md'));
    expect(taken.kind === 'applied' && taken.report).toMatchObject({ status: 'rejected' });
    expect(taken.kind === 'applied' && taken.report.reason).toContain(KEY);
    expect(commits).toBe(2);
    expect((await store.getArticle('a'))?.article).toMatchObject({
      title: 'Fresh',
      sourceKey: KEY,
    });
  });

  it("writes a key's first report in one request, and the newest report still wins a race", async () => {
    const { store, inbox, created, ingest } = rig();
    const reads: string[] = [];
    store.beforeRead = (read) => {
      reads.push(read);
    };
    await ingest(created('01', inbox.put(KEY, md('First'))));
    // No check of the table after the report: it was the key's first.
    expect(reads).toEqual(['getSource']);
    expect(inbox.report(KEY)).toMatchObject({ status: 'published', sequencer: '01' });

    // Another key's first event is slow to report: a newer event for that key commits and
    // reports in between. Its report stays, whatever order the writes land in.
    const key = 'articles/b.md';
    const first = inbox.put(key, md('Old'));
    const second = inbox.put(key, md('New'));
    const writeFirstReport = inbox.writeFirstReport.bind(inbox);
    let raced = false;
    inbox.writeFirstReport = async (report) => {
      if (!raced) {
        raced = true;
        expect(statusOf(await ingest(created('03', second, key)))).toBe('updated');
      }
      return writeFirstReport(report);
    };
    expect(statusOf(await ingest(created('02', first, key)))).toBe('published');
    expect(raced).toBe(true);
    expect(inbox.report(key)).toMatchObject({ status: 'updated', sequencer: '03' });
    expect((await store.getArticle('b'))?.article.title).toBe('New');
  });

  it('keeps the published article when a later upload is rejected, and reports the rejection', async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('Good'))));
    const changes = store.takeChanges();

    const outcome = await ingest(created('02', inbox.put(KEY, '')));

    expect(statusOf(outcome)).toBe('rejected');
    expect(changes).toHaveLength(1);
    expect(store.takeChanges()).toEqual([]);
    expect(await store.getArticle('a')).toMatchObject({ rev: 1, article: { title: 'Good' } });
    expect(await store.latestEntries('all', 10)).toEqual([{ id: 'a', rev: 1 }]);
    expect(inbox.report(KEY)).toMatchObject({
      status: 'rejected',
      sequencer: '02',
      reason: 'file is empty',
      code: 'empty',
    });
  });

  it('still applies an older good upload delivered after a newer rejection, keeping the rejection as the report', async () => {
    const { store, inbox, created, ingest } = rig();
    const good = inbox.put(KEY, md('Good'));
    const bad = inbox.put(KEY, '');
    await ingest(created('02', bad));

    const outcome = await ingest(created('01', good));

    expect(statusOf(outcome)).toBe('published');
    expect((await store.getArticle('a'))?.article.title).toBe('Good');
    expect(inbox.report(KEY)).toMatchObject({ status: 'rejected', sequencer: '02' });
    // A redelivery of the rejection is now a duplicate, not a second rejection.
    expect((await ingest(created('02', bad))).kind).toBe('duplicate');
  });

  it('writes only the new sequencer for identical content', async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('Same'))));
    store.takeChanges();
    const before = store.snapshot();

    const outcome = await ingest(created('02', inbox.put(KEY, md('Same'))));

    expect(statusOf(outcome)).toBe('unchanged');
    expect(store.takeChanges()).toEqual([]);
    const after = store.snapshot();
    expect({ ...after, sources: {} }).toEqual({ ...before, sources: {} });
    expect(after.sources[KEY]).toMatchObject({ sequencer: '02', appliedSequencer: '02' });
    expect(after.sources[KEY]?.revision).toBe((before.sources[KEY]?.revision ?? 0) + 1);
  });

  it('reads again and re-plans when another event for the key commits first', async () => {
    const { store, inbox, created, ingest } = rig();
    const first = inbox.put(KEY, md('First'));
    const second = inbox.put(KEY, md('Second', ['two']));
    let commits = 0;
    store.beforeCommit = async () => {
      commits += 1;
      // The earlier event, delivered to another consumer, commits between our read and write.
      if (commits === 1) await ingest(created('01', first));
    };

    const outcome = await ingest(created('02', second));

    expect(commits).toBe(2);
    expect(statusOf(outcome)).toBe('updated');
    expect(await store.getArticle('a')).toMatchObject({ rev: 2, article: { title: 'Second' } });
    expect(await store.latestEntries('tag/one', 10)).toEqual([]);
    expect(await store.latestEntries('tag/two', 10)).toEqual([{ id: 'a', rev: 2 }]);
    expect(inbox.report(KEY)).toMatchObject({ status: 'updated', sequencer: '02' });
  });

  it('gives up with StaleWriteError after five attempts when the key keeps moving', async () => {
    const { store, inbox, created, ingest } = rig();
    await ingest(created('01', inbox.put(KEY, md('First'))));
    const table = store.snapshot();
    let commits = 0;
    store.beforeCommit = async () => {
      commits += 1;
      const current = await store.getSource(KEY);
      if (!current) throw new Error('the source record is missing');
      const record = { ...current, revision: current.revision + 1 };
      await store.commit({ source: { record, previousRevision: current.revision }, articles: [] });
    };

    await expect(ingest(created('02', inbox.put(KEY, md('Second'))))).rejects.toThrow(
      StaleWriteError,
    );

    expect(commits).toBe(5);
    expect(store.snapshot().articles).toEqual(table.articles);
    expect(inbox.report(KEY)).toMatchObject({ sequencer: '01' });
  });

  it('does not retry a failure that is not a conflict', async () => {
    const { store, inbox, created, ingest } = rig();
    let commits = 0;
    store.beforeCommit = () => {
      commits += 1;
      throw new Error('DynamoDB is down');
    };

    await expect(ingest(created('01', inbox.put(KEY, md('First'))))).rejects.toThrow(
      'DynamoDB is down',
    );
    expect(commits).toBe(1);
    expect(inbox.reports).toEqual([]);
  });
});
