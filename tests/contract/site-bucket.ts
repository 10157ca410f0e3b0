import { describe, expect, it } from 'vitest';
import type { SiteBucket, SiteFile } from '../../shared/ports/site-bucket.ts';

/** A SiteBucket, and a look at what the bucket behind it holds. */
export interface SiteBucketHarness {
  bucket: SiteBucket;
  stored(path: string): Promise<Omit<SiteFile, 'path'> | undefined>;
  /** Writes an object as another tool would: without the content hash. */
  plant(path: string, body: string): Promise<void>;
  /** Another publisher's adapter on the same bucket (with its own memory, if any). */
  twin(): SiteBucket;
}

const page = (body: string, contentType = 'text/html; charset=utf-8'): SiteFile => ({
  path: 'articles/a.html',
  body,
  contentType,
  cacheControl: 'public, max-age=3600, must-revalidate',
});

/** What publish relies on from the site bucket, for any SiteBucket. */
export function siteBucketContract(name: string, makeBucket: () => Promise<SiteBucketHarness>) {
  describe(`${name} as a SiteBucket`, () => {
    it('writes a new file with its headers', async () => {
      const { bucket, stored } = await makeBucket();
      expect(await bucket.put(page('<p>é</p>'), 1)).toBe(true);
      expect(await stored('articles/a.html')).toEqual({
        body: '<p>é</p>',
        contentType: 'text/html; charset=utf-8',
        cacheControl: 'public, max-age=3600, must-revalidate',
      });
    });

    it('skips a file whose bytes and type did not change, even with another Cache-Control, and writes changed bytes or a new type', async () => {
      const { bucket, stored } = await makeBucket();
      await bucket.put(page('one'), 1);
      expect(await bucket.put(page('one'), 1)).toBe(false);
      expect(await bucket.put({ ...page('one'), cacheControl: 'no-store' }, 1)).toBe(false);
      expect((await stored('articles/a.html'))?.cacheControl).toBe(
        'public, max-age=3600, must-revalidate',
      );
      // A file stored under another type (feeds: STORED_CONTENT_TYPE) takes the new one.
      expect(await bucket.put(page('one', 'text/plain'), 1)).toBe(true);
      expect((await stored('articles/a.html'))?.contentType).toBe('text/plain');
      expect(await bucket.put(page('one', 'text/plain'), 1)).toBe(false);

      expect(await bucket.put(page('two', 'text/plain'), 1)).toBe(true);
      expect(await stored('articles/a.html')).toMatchObject({
        body: 'two',
        contentType: 'text/plain',
      });
    });

    it('takes a body as text or as its UTF-8 alike: the same bytes are not written again', async () => {
      const { bucket, stored } = await makeBucket();
      const utf8 = (text: string) => new TextEncoder().encode(text);
      expect(await bucket.put(page('<p>é ☕ 😀</p>'), 1)).toBe(true);
      expect(await bucket.put({ ...page(''), body: utf8('<p>é ☕ 😀</p>') }, 1)).toBe(false);
      expect(await bucket.put({ ...page(''), body: utf8('<p>other 😀</p>') }, 1)).toBe(true);
      expect(await bucket.put(page('<p>other 😀</p>'), 1)).toBe(false);
      const body = (await stored('articles/a.html'))?.body ?? '';
      expect(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).toBe(
        '<p>other 😀</p>',
      );
    });

    it('rewrites an object that carries no content hash, once', async () => {
      const { bucket, plant, stored } = await makeBucket();
      await plant('articles/a.html', 'same');
      expect(await bucket.put(page('same'), 1)).toBe(true);
      expect(await bucket.put(page('same'), 1)).toBe(false);
      expect((await stored('articles/a.html'))?.contentType).toBe('text/html; charset=utf-8');
    });

    it('deletes a file and says whether there was one', async () => {
      const { bucket, stored } = await makeBucket();
      await bucket.put(page('one'), 1);
      expect(await bucket.delete('articles/a.html', 1)).toBe(true);
      expect(await stored('articles/a.html')).toBeUndefined();
      expect(await bucket.delete('articles/a.html', 1)).toBe(false);
      expect(await bucket.delete('articles/never.html', 1)).toBe(false);
      // Deleted, the same bytes are a new file again.
      expect(await bucket.put(page('one'), 1)).toBe(true);
    });

    it('writes a file marked replaceOnly only over one that is there, whatever the hints', async () => {
      const { bucket, stored } = await makeBucket();
      const moved = { ...page('moved'), replaceOnly: true };
      expect(await bucket.put(moved, 1)).toBe(false);
      expect(await bucket.put(moved, 1, { likelyNew: true })).toBe(false);
      expect(await stored('articles/a.html')).toBeUndefined();
      await bucket.put(page('the page'), 1);
      expect(await bucket.put(moved, 2, { lastRender: 1 })).toBe(true);
      expect((await stored('articles/a.html'))?.body).toBe('moved');
      expect(await bucket.put(moved, 2)).toBe(false);
    });

    it('never lets a lower stamp replace or remove what a higher one wrote', async () => {
      const { bucket, stored } = await makeBucket();
      expect(await bucket.put(page('newer'), 7)).toBe(true);
      expect(await bucket.put(page('older'), 6)).toBe(false);
      expect(await bucket.delete('articles/a.html', 6)).toBe(false);
      expect((await stored('articles/a.html'))?.body).toBe('newer');
      // The same stamp or a higher one may: they rendered from a state at least as new.
      expect(await bucket.put(page('same stamp'), 7)).toBe(true);
      expect(await bucket.put(page('higher'), 9)).toBe(true);
      expect(await bucket.delete('articles/a.html', 9)).toBe(true);
      expect(await stored('articles/a.html')).toBeUndefined();
    });

    it('decides a put hinted as new like any other when the file exists', async () => {
      const { bucket, plant, stored } = await makeBucket();
      const likelyNew = { likelyNew: true };
      expect(await bucket.put(page('first'), 3, likelyNew)).toBe(true);
      expect(await bucket.put(page('first'), 3, likelyNew)).toBe(false);
      expect(await bucket.put(page('older'), 2, likelyNew)).toBe(false);
      expect((await stored('articles/a.html'))?.body).toBe('first');
      expect(await bucket.put(page('newer'), 4, likelyNew)).toBe(true);
      expect((await stored('articles/a.html'))?.body).toBe('newer');
      await plant('articles/b.html', 'planted');
      expect(await bucket.put({ ...page('mine'), path: 'articles/b.html' }, 1, likelyNew)).toBe(
        true,
      );
      expect((await stored('articles/b.html'))?.body).toBe('mine');
    });

    it('decides a put hinted with the last render like any other when others wrote since', async () => {
      const { bucket, twin, plant, stored } = await makeBucket();
      const other = twin();
      const body = async () => (await stored('articles/a.html'))?.body;
      const since = (lastRender: number) => ({ lastRender });
      expect(await bucket.put(page('mine 3'), 3)).toBe(true);
      expect(await bucket.put(page('mine 4'), 4, since(3))).toBe(true);
      expect(await body()).toBe('mine 4');
      // Another publisher wrote under a higher stamp since: still refused.
      expect(await other.put(page('theirs 9'), 9)).toBe(true);
      expect(await bucket.put(page('mine 5'), 5, since(4))).toBe(false);
      expect(await body()).toBe('theirs 9');
      // A foreign object since (no stamp): written over, as without the hint.
      await plant('articles/a.html', 'planted');
      expect(await other.put(page('theirs 10'), 10, since(9))).toBe(true);
      expect(await body()).toBe('theirs 10');
      // The same bytes are not written again, hint or not.
      expect(await other.put(page('theirs 10'), 11, since(10))).toBe(false);
      // Removed since: written as a new file.
      expect(await bucket.delete('articles/a.html', 12)).toBe(true);
      expect(await other.put(page('theirs 13'), 13, since(11))).toBe(true);
      expect(await body()).toBe('theirs 13');
    });

    it("decides a put hinted with another publisher's notes of the last render like any other", async () => {
      const { bucket, twin, plant, stored } = await makeBucket();
      const other = twin();
      const body = async () => (await stored('articles/a.html'))?.body;
      const path = 'articles/a.html';
      /** What the ledger hands the next render: the last one's stamp and `bucket`'s notes. */
      const notedBy = (by: SiteBucket, lastRender: number) => {
        const note = by.noted?.(path);
        return { lastRender, ...(note !== undefined ? { lastFiles: { [path]: note } } : {}) };
      };
      expect(await bucket.put(page('mine 3'), 3)).toBe(true);
      const mine3 = notedBy(bucket, 3);
      expect(await other.put(page('theirs 4'), 4, mine3)).toBe(true);
      expect(await body()).toBe('theirs 4');
      // Written since the notes were taken: lower stamps are still refused, higher ones written.
      expect(await bucket.put(page('mine 2'), 2, mine3)).toBe(false);
      expect(await other.put(page('theirs 6'), 6, mine3)).toBe(true);
      expect(await body()).toBe('theirs 6');
      // Notes of the same bytes: looked at, not written again.
      expect(await bucket.put(page('theirs 6'), 7, notedBy(other, 6))).toBe(false);
      // A foreign object or a removal since: as without the notes.
      const theirs6 = notedBy(other, 6);
      await plant(path, 'planted');
      expect(await bucket.put(page('mine 8'), 8, theirs6)).toBe(true);
      expect(await body()).toBe('mine 8');
      const mine8 = notedBy(bucket, 8);
      expect(await other.delete(path, 9)).toBe(true);
      expect(await other.put(page('theirs 10'), 10, mine8)).toBe(true);
      expect(await body()).toBe('theirs 10');
      // Notes that are not this adapter's make no difference either.
      expect(
        await bucket.put(page('mine 11'), 11, { lastRender: 10, lastFiles: { [path]: 'x y z' } }),
      ).toBe(true);
      expect(await body()).toBe('mine 11');
    });

    it('keeps the highest stamp whatever order concurrent writes land in', async () => {
      const { bucket, stored } = await makeBucket();
      const stamps = [5, 2, 9, 1, 7, 3, 8, 4, 6];
      await Promise.all(stamps.map((stamp) => bucket.put(page(`render ${stamp}`), stamp)));
      expect((await stored('articles/a.html'))?.body).toBe('render 9');
    });
  });
}
