import { describe, expect, it } from 'vitest';
import type { SiteBucket, SiteFile } from '../../shared/ports/site-bucket.ts';

/** A SiteBucket, and a look at what the bucket behind it holds. */
export interface SiteBucketHarness {
  bucket: SiteBucket;
  stored(path: string): Promise<Omit<SiteFile, 'path'> | undefined>;
  /** Writes an object as another tool would: without the content hash. */
  plant(path: string, body: string): Promise<void>;
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
      expect(await bucket.put(page('<p>é</p>'))).toBe(true);
      expect(await stored('articles/a.html')).toEqual({
        body: '<p>é</p>',
        contentType: 'text/html; charset=utf-8',
        cacheControl: 'public, max-age=3600, must-revalidate',
      });
    });

    it('skips a file whose bytes did not change, even with other headers, and writes changed bytes', async () => {
      const { bucket, stored } = await makeBucket();
      await bucket.put(page('one'));
      expect(await bucket.put(page('one'))).toBe(false);
      expect(await bucket.put(page('one', 'text/plain'))).toBe(false);
      expect((await stored('articles/a.html'))?.contentType).toBe('text/html; charset=utf-8');

      expect(await bucket.put(page('two', 'text/plain'))).toBe(true);
      expect(await stored('articles/a.html')).toMatchObject({
        body: 'two',
        contentType: 'text/plain',
      });
    });

    it('rewrites an object that carries no content hash, once', async () => {
      const { bucket, plant, stored } = await makeBucket();
      await plant('articles/a.html', 'same');
      expect(await bucket.put(page('same'))).toBe(true);
      expect(await bucket.put(page('same'))).toBe(false);
      expect((await stored('articles/a.html'))?.contentType).toBe('text/html; charset=utf-8');
    });

    it('deletes a file and says whether there was one', async () => {
      const { bucket, stored } = await makeBucket();
      await bucket.put(page('one'));
      expect(await bucket.delete('articles/a.html')).toBe(true);
      expect(await stored('articles/a.html')).toBeUndefined();
      expect(await bucket.delete('articles/a.html')).toBe(false);
      expect(await bucket.delete('articles/never.html')).toBe(false);
      // Deleted, the same bytes are a new file again.
      expect(await bucket.put(page('one'))).toBe(true);
    });
  });
}
