import { describe, expect, it } from 'vitest';
import type { FeedReader } from '../../shared/ports/feed-reader.ts';
import type { RenderLedger } from '../../shared/ports/render-ledger.ts';

/** A RenderLedger with a clock the test moves, and the FeedReader that sees its metas. */
export interface RenderLedgerHarness {
  ledger: RenderLedger &
    Pick<FeedReader, 'getFeedMeta' | 'listFeedMetas' | 'listSitemapDays' | 'archiveLink'>;
  advance(ms: number): void;
}

const tag = (name: string) => ({
  kind: 'tag' as const,
  slug: name.toLowerCase().replace(/ /g, '-'),
  name,
});

/** What a render read: the table from `from` on, with one settings fingerprint. */
const reads = (from: number, settings = 'settings-1') => ({ from, settings });

/** What publish relies on from its bookkeeping, for any RenderLedger. */
export function renderLedgerContract(name: string, make: () => Promise<RenderLedgerHarness>) {
  describe(`${name} as a RenderLedger`, () => {
    it('hands out growing tickets per unit, and the lease to the first claim while it is free', async () => {
      const { ledger } = await make();
      expect(await ledger.claim('site', 'p1', 30_000)).toEqual({
        ticket: 1,
        rendered: 0,
        lease: { covers: 1 },
      });
      expect(await ledger.claim('site', 'p2', 30_000)).toEqual({ ticket: 2, rendered: 0 });
      expect(await ledger.claim('feed tag/x', 'p2', 30_000)).toMatchObject({
        ticket: 1,
        lease: { covers: 1 },
      });
      const concurrent = await Promise.all(
        Array.from({ length: 8 }, (_, i) => ledger.claim('site', `q${i}`, 30_000)),
      );
      expect(concurrent.map((c) => c.ticket).sort((a, b) => a - b)).toEqual([
        3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      expect(concurrent.filter((c) => c.lease)).toEqual([]);
      expect(await ledger.lastRender('site')).toEqual({ rendered: 0 });
    });

    it('leases a unit to one holder at a time, covering the claims made before', async () => {
      const { ledger } = await make();
      await ledger.claim('site', 'p1', 30_000);
      await ledger.claim('site', 'p2', 30_000);
      expect((await ledger.acquire('site', 'p2', 30_000)).lease).toBeUndefined();
      expect(await ledger.release('site', 'p2', 2, reads(2_000))).toBe(false);
      // p1 holds the lease it took with the first claim, and covers both claims when it releases.
      expect(await ledger.release('site', 'p1', 2, reads(2_000))).toBe(true);
      expect(await ledger.lastRender('site')).toEqual({ rendered: 2, read: reads(2_000) });
      await ledger.claim('site', 'p3', 30_000);
      expect(await ledger.release('site', 'p3', 3, reads(3_000))).toBe(true);
      // Free again: a holder that takes it covers the claims made meanwhile.
      await ledger.claim('site', 'p4', 30_000);
      await ledger.claim('site', 'p5', 30_000);
      expect(await ledger.release('site', 'p4', 4, reads(4_000))).toBe(true);
      expect((await ledger.acquire('site', 'p5', 30_000)).lease).toEqual({
        covers: 5,
        read: reads(4_000),
      });
      expect(await ledger.release('site', 'p5', 5, reads(5_000))).toBe(true);
      expect(await ledger.lastRender('site')).toEqual({ rendered: 5, read: reads(5_000) });
    });

    it('records when each render began reading, and hands it out with the unit', async () => {
      const { ledger } = await make();
      await ledger.claim('site', 'p1', 30_000);
      expect(await ledger.release('site', 'p1', 1, reads(5_000))).toBe(true);
      expect(await ledger.lastRender('site')).toEqual({ rendered: 1, read: reads(5_000) });
      // Claimed and leased at once: the claim and the lease both tell.
      expect(await ledger.claim('site', 'p2', 30_000)).toEqual({
        ticket: 2,
        rendered: 1,
        read: reads(5_000),
        lease: { covers: 2, read: reads(5_000) },
      });
      // While p2 holds it, a claim still tells the last render; so does taking the lease later.
      expect(await ledger.claim('site', 'p3', 30_000)).toEqual({
        ticket: 3,
        rendered: 1,
        read: reads(5_000),
      });
      await ledger.abandon('site', 'p2');
      expect((await ledger.acquire('site', 'p3', 30_000)).lease).toEqual({
        covers: 3,
        read: reads(5_000),
      });
      expect(await ledger.release('site', 'p3', 3, reads(9_000, 'settings-2'))).toBe(true);
      expect(await ledger.lastRender('site')).toEqual({
        rendered: 3,
        read: reads(9_000, 'settings-2'),
      });
      expect(await ledger.lastRender('feed tag/x')).toEqual({ rendered: 0 });
    });

    it("records what a feed's render saw of its archive with its reads, and drops it with a render that saw none", async () => {
      const { ledger } = await make();
      const archive = {
        limit: 50,
        frontier: '2026-11-30T10:00:00.000Z#a9',
        starts: ['2026-11-29T08:00:00.000Z#a7', '2026-11-20T08:00:00.000Z#a3'],
        near: 1,
        lowest: '2026-11-20T08:00:00.000Z#a3',
        complete: false,
        newest: 1,
        first: false,
      };
      // A feed with nothing archived: no frontier, no page.
      const { frontier: _none, ...rest } = archive;
      const noArchive = { ...rest, starts: [], near: 0, lowest: '', complete: true, newest: 0 };
      await ledger.claim('feed tag/x', 'p1', 30_000);
      expect(await ledger.release('feed tag/x', 'p1', 1, { ...reads(5_000), archive })).toBe(true);
      expect(await ledger.lastRender('feed tag/x')).toEqual({
        rendered: 1,
        read: { ...reads(5_000), archive },
      });
      // The claim and the lease tell it too; a caller's changes to it stay out of the ledger.
      const claim = await ledger.claim('feed tag/x', 'p2', 30_000);
      expect(claim.lease?.read?.archive).toEqual(archive);
      claim.read?.archive?.starts.push('2026-01-01T00:00:00.000Z#z');
      expect((await ledger.lastRender('feed tag/x')).read?.archive).toEqual(archive);
      expect(
        await ledger.release('feed tag/x', 'p2', 2, { ...reads(6_000), archive: noArchive }),
      ).toBe(true);
      expect((await ledger.lastRender('feed tag/x')).read?.archive).toEqual(noArchive);
      // A render that searched nothing (the site's periodic one) leaves no earlier view behind.
      await ledger.claim('feed tag/x', 'p3', 30_000);
      expect(await ledger.release('feed tag/x', 'p3', 3, reads(7_000))).toBe(true);
      expect(await ledger.lastRender('feed tag/x')).toEqual({ rendered: 3, read: reads(7_000) });
    });

    it("records what the bucket noted of a render's files with its reads, and drops them with a render that noted none", async () => {
      const { ledger } = await make();
      const files = {
        'tags/x/rss.xml': '0cc175b9c0f1b6a831c399e269772661 9a7f8c2e4b1d3f60 1',
        'tags/x/atom.xml': '92eb5ffee6ae2fec3ad71c777531578f 00ff00ff00ff00ff 1',
      };
      await ledger.claim('feed tag/x', 'p1', 30_000);
      expect(await ledger.release('feed tag/x', 'p1', 1, { ...reads(5_000), files })).toBe(true);
      expect(await ledger.lastRender('feed tag/x')).toEqual({
        rendered: 1,
        read: { ...reads(5_000), files },
      });
      // The claim and the lease tell them too; a caller's changes to them stay out of the ledger.
      const claim = await ledger.claim('feed tag/x', 'p2', 30_000);
      expect(claim.read?.files).toEqual(files);
      expect(claim.lease?.read?.files).toEqual(files);
      if (claim.read?.files) claim.read.files['tags/x/rss.xml'] = 'changed';
      expect((await ledger.lastRender('feed tag/x')).read?.files).toEqual(files);
      // A render with nothing noted (an adapter without notes) leaves no earlier render's behind.
      expect(await ledger.release('feed tag/x', 'p2', 2, reads(6_000))).toBe(true);
      expect(await ledger.lastRender('feed tag/x')).toEqual({ rendered: 2, read: reads(6_000) });
    });

    it('claims and leases nothing a recorded render makes unneeded, telling so in the same answer', async () => {
      const { ledger } = await make();
      const since = (readSince: number, settings = 'settings-1') => ({ settings, readSince });
      await ledger.claim('site', 'p1', 30_000);
      expect(await ledger.release('site', 'p1', 1, reads(5_000))).toBe(true);

      // Changes in place by 4,000: the render that began reading at 5,000 read them.
      expect(await ledger.claim('site', 'p2', 30_000, since(4_000))).toEqual({
        ticket: 1,
        rendered: 1,
        read: reads(5_000),
      });
      // Rendered with other settings, or before the changes: claimed, and leased if free.
      expect(await ledger.claim('site', 'p3', 30_000, since(4_000, 'settings-2'))).toEqual({
        ticket: 2,
        rendered: 1,
        read: reads(5_000),
        lease: { covers: 2, read: reads(5_000) },
      });
      expect(await ledger.claim('site', 'p4', 30_000, since(6_000))).toEqual({
        ticket: 3,
        rendered: 1,
        read: reads(5_000),
      });
      // While p3 holds the lease, an acquire answers the last render instead.
      const p4 = { ...since(6_000), ticket: 3 };
      expect(await ledger.acquire('site', 'p4', 30_000, p4)).toEqual({
        last: { rendered: 1, read: reads(5_000) },
      });
      expect(await ledger.release('site', 'p3', 2, reads(7_000))).toBe(true);
      // Free now, but p3's render began reading after p4's changes: not taken.
      expect(await ledger.acquire('site', 'p4', 30_000, p4)).toEqual({
        last: { rendered: 2, read: reads(7_000) },
      });
      // Nor for a ticket already rendered; taken for one that is not.
      expect(
        await ledger.acquire('site', 'p4', 30_000, { settings: 'settings-1', ticket: 2 }),
      ).toEqual({
        last: { rendered: 2, read: reads(7_000) },
      });
      expect(
        await ledger.acquire('site', 'p4', 30_000, { settings: 'settings-1', ticket: 3 }),
      ).toEqual({
        lease: { covers: 3, read: reads(7_000) },
        last: { rendered: 2, read: reads(7_000) },
      });
      // A holder told its render is unneeded (an SDK retry of what took the lease) gives it back.
      expect((await ledger.claim('site', 'p4', 30_000, since(7_000))).lease).toBeUndefined();
      expect((await ledger.acquire('site', 'p5', 30_000)).lease).toEqual({
        covers: 3,
        read: reads(7_000),
      });
    });

    it('gives a holder its own lease again (an SDK retry of the request that took it)', async () => {
      const { ledger } = await make();
      await ledger.claim('site', 'p1', 30_000);
      await ledger.claim('site', 'p2', 30_000);
      expect((await ledger.acquire('site', 'p1', 30_000)).lease).toEqual({ covers: 2 });
      expect((await ledger.acquire('site', 'p2', 30_000)).lease).toBeUndefined();
    });

    it('gives a unit up without recording a render', async () => {
      const { ledger } = await make();
      await ledger.claim('page a', 'p1', 30_000);
      await ledger.abandon('page a', 'p2');
      expect((await ledger.acquire('page a', 'p2', 30_000)).lease).toBeUndefined();
      await ledger.abandon('page a', 'p1');
      expect(await ledger.lastRender('page a')).toEqual({ rendered: 0 });
      expect((await ledger.acquire('page a', 'p2', 30_000)).lease).toEqual({ covers: 1 });
    });

    it('lets another holder take an expired lease, and tells the first one on release', async () => {
      const { ledger, advance } = await make();
      expect((await ledger.claim('site', 'stalled', 1_000)).lease).toEqual({ covers: 1 });
      advance(500);
      expect((await ledger.acquire('site', 'p2', 1_000)).lease).toBeUndefined();
      expect((await ledger.claim('site', 'p2', 1_000)).lease).toBeUndefined();
      advance(1_000);
      expect(await ledger.claim('site', 'p3', 1_000)).toEqual({
        ticket: 3,
        rendered: 0,
        lease: { covers: 3 },
      });
      expect(await ledger.release('site', 'stalled', 1, reads(1_000))).toBe(false);
      expect(await ledger.release('site', 'p3', 3, reads(3_000))).toBe(true);
      expect(await ledger.lastRender('site')).toEqual({ rendered: 3, read: reads(3_000) });
    });

    it('keeps feed metas by ticket: the first spelling, the count, removal at 0', async () => {
      const { ledger } = await make();
      await ledger.saveFeedMeta({ feed: tag('Space X'), count: 2 }, 1);
      expect(await ledger.getFeedMeta('tag/space-x')).toEqual({ feed: tag('Space X'), count: 2 });
      // A render with a lower ticket is older: it changes nothing.
      await ledger.saveFeedMeta({ feed: tag('Space X'), count: 5 }, 1);
      expect((await ledger.getFeedMeta('tag/space-x'))?.count).toBe(2);
      await ledger.saveFeedMeta({ feed: tag('Space X'), count: 3 }, 2);
      await ledger.saveFeedMeta({ feed: tag('Other'), count: 1 }, 1);
      expect((await ledger.listFeedMetas()).map((m) => [m.feed, m.count])).toEqual([
        [tag('Other'), 1],
        [tag('Space X'), 3],
      ]);
      await ledger.saveFeedMeta({ feed: tag('Space X'), count: 0 }, 3);
      expect(await ledger.getFeedMeta('tag/space-x')).toBeUndefined();
      expect(await ledger.listFeedMetas()).toEqual([{ feed: tag('Other'), count: 1 }]);
      // A feed left only to announce withdrawals keeps a meta at 0 until a render drops it.
      await ledger.saveFeedMeta({ feed: tag('Other'), count: 0, announcing: true }, 2);
      expect(await ledger.listFeedMetas()).toEqual([
        { feed: tag('Other'), count: 0, announcing: true },
      ]);
      await ledger.saveFeedMeta({ feed: tag('Other'), count: 0 }, 3);
      expect(await ledger.listFeedMetas()).toEqual([]);
    });

    it('keeps day sitemaps by ticket: count and newest change, listed by day, removal at 0', async () => {
      const { ledger } = await make();
      const day = (d: string, count: number, lastmod = `${d}T12:00:00.000Z`) => ({
        day: d,
        count,
        lastmod,
      });
      await ledger.saveSitemapDay(day('2026-12-02', 4), 1);
      await ledger.saveSitemapDay(day('2026-11-30', 1), 1);
      // An older render changes nothing.
      await ledger.saveSitemapDay(day('2026-12-02', 9), 1);
      expect(await ledger.listSitemapDays()).toEqual([day('2026-11-30', 1), day('2026-12-02', 4)]);
      await ledger.saveSitemapDay(day('2026-12-02', 5, '2026-12-03T01:00:00.000Z'), 2);
      await ledger.saveSitemapDay(day('2026-11-30', 0), 2);
      expect(await ledger.listSitemapDays()).toEqual([
        day('2026-12-02', 5, '2026-12-03T01:00:00.000Z'),
      ]);
    });

    it("never moves a day's lastmod back: a newer render's count, the later lastmod of the two", async () => {
      const { ledger } = await make();
      const day = (count: number, lastmod: string) => ({ day: '2026-12-02', count, lastmod });
      await ledger.saveSitemapDay(day(3, '2026-12-05T10:00:00.000Z'), 1);
      // Its newest story left: the render computes an earlier newest `updated`.
      await ledger.saveSitemapDay(day(2, '2026-12-02T09:00:00.000Z'), 2);
      expect(await ledger.listSitemapDays()).toEqual([day(2, '2026-12-05T10:00:00.000Z')]);
      // An older render still changes nothing; a later lastmod is taken.
      await ledger.saveSitemapDay(day(7, '2026-12-09T00:00:00.000Z'), 1);
      await ledger.saveSitemapDay(day(4, '2026-12-06T08:00:00.000Z'), 3);
      expect(await ledger.listSitemapDays()).toEqual([day(4, '2026-12-06T08:00:00.000Z')]);
    });

    it("records per feed which archive page is linked from the one before it, the first page's '' included", async () => {
      const { ledger } = await make();
      expect(await ledger.archiveLink('all')).toBeUndefined();
      await ledger.saveArchiveLink('all', '2026-01-02T00:00:00.000Z#b');
      await ledger.saveArchiveLink('tag/x', '');
      expect(await ledger.archiveLink('all')).toBe('2026-01-02T00:00:00.000Z#b');
      expect(await ledger.archiveLink('tag/x')).toBe('');
      await ledger.saveArchiveLink('all', '2026-01-09T00:00:00.000Z#c');
      expect(await ledger.archiveLink('all')).toBe('2026-01-09T00:00:00.000Z#c');
    });

    it('keeps the whole-site republish: one holder, its cursor, its fingerprint once finished', async () => {
      const { ledger, advance } = await make();
      expect(await ledger.siteRendering()).toEqual({});
      expect(await ledger.takeRepublish('fp1', 'p1', 60_000)).toEqual({});
      expect(await ledger.takeRepublish('fp1', 'p2', 60_000)).toBeUndefined();
      expect(await ledger.advanceRepublish('p2', '0\nx', 60_000)).toBe(false);
      expect(await ledger.advanceRepublish('p1', '0\nk1', 60_000)).toBe(true);
      expect(await ledger.siteRendering()).toEqual({
        job: { fingerprint: 'fp1', cursor: '0\nk1' },
      });
      // Paused: the next holder goes on from the cursor at once.
      await ledger.pauseRepublish('p2');
      expect(await ledger.takeRepublish('fp1', 'p2', 60_000)).toBeUndefined();
      await ledger.pauseRepublish('p1');
      expect(await ledger.takeRepublish('fp1', 'p2', 60_000)).toEqual({ cursor: '0\nk1' });
      expect(await ledger.finishRepublish('p1', 'fp1')).toBe(false);
      expect(await ledger.finishRepublish('p2', 'fp0')).toBe(false);
      // A holder that stopped answering: its lease runs out, and another takes the job over.
      advance(60_001);
      expect(await ledger.takeRepublish('fp1', 'p3', 60_000)).toEqual({ cursor: '0\nk1' });
      expect(await ledger.advanceRepublish('p2', '0\nk2', 60_000)).toBe(false);
      expect(await ledger.finishRepublish('p3', 'fp1')).toBe(true);
      expect(await ledger.siteRendering()).toEqual({ fingerprint: 'fp1' });
      // New settings start from the beginning; so does a restart of the same ones.
      expect(await ledger.takeRepublish('fp2', 'p4', 60_000)).toEqual({});
      expect(await ledger.advanceRepublish('p4', '1\nk9', 60_000)).toBe(true);
      expect(await ledger.takeRepublish('fp2', 'p4', 60_000, true)).toEqual({});
      expect(await ledger.siteRendering()).toEqual({
        fingerprint: 'fp1',
        job: { fingerprint: 'fp2' },
      });
      const racing = await Promise.all(
        ['q1', 'q2', 'q3'].map(async (q) => {
          await ledger.pauseRepublish('p4');
          return ledger.takeRepublish('fp2', q, 60_000);
        }),
      );
      expect(racing.filter((r) => r !== undefined).length).toBeLessThanOrEqual(1);
    });
  });
}
