import { describe, expect, it } from 'vitest';
import { MEDIA_CACHE_CONTROL } from '../../shared/contract/media.ts';
import type { SiteMedia } from '../../shared/ports/site-media.ts';

/** A media file as the site bucket holds it. */
export interface StoredMedia {
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
}

/** A SiteMedia, the inbox it copies from, and a look at what the site bucket holds. */
export interface SiteMediaHarness {
  media: SiteMedia;
  /** Uploads a new version of an inbox key as an editor would (their own type); its version id. */
  upload(key: string, body: Uint8Array): Promise<string>;
  stored(path: string): Promise<StoredMedia | undefined>;
}

/** Every byte value, then a marker: a copy that decodes or re-encodes anything shows. */
const bytes = (marker: number) =>
  Uint8Array.from([...Array.from({ length: 256 }, (_, i) => i), marker, 0xff, 0xd8]);

/** What ingest relies on from the site bucket's media folder, for any SiteMedia. */
export function siteMediaContract(name: string, makeMedia: () => Promise<SiteMediaHarness>) {
  describe(`${name} as a SiteMedia`, () => {
    it('publishes the current version byte for byte, with our type and immutable caching', async () => {
      const { media, upload, stored } = await makeMedia();
      await upload('articles/2026/12/quay/lead.jpg', bytes(1));
      await upload('articles/2026/12/quay/lead.jpg', bytes(2));
      await media.publish({
        inboxKey: 'articles/2026/12/quay/lead.jpg',
        path: 'media/2026/12/quay/lead.3f2a9c1b07de.jpg',
        type: 'image/jpeg',
      });
      const file = await stored('media/2026/12/quay/lead.3f2a9c1b07de.jpg');
      expect(file).toEqual({
        body: bytes(2),
        contentType: 'image/jpeg',
        cacheControl: MEDIA_CACHE_CONTROL,
      });
    });

    it('publishes the version it is told, not the one the key holds now', async () => {
      const { media, upload, stored } = await makeMedia();
      const first = await upload('articles/a/clip.mp3', bytes(1));
      await upload('articles/a/clip.mp3', bytes(2));
      await media.publish({
        inboxKey: 'articles/a/clip.mp3',
        versionId: first,
        path: 'media/a/clip.000000000001.mp3',
        type: 'audio/mpeg',
      });
      expect((await stored('media/a/clip.000000000001.mp3'))?.body).toEqual(bytes(1));
    });

    it('copies keys with spaces, non-ASCII and URL-reserved characters', async () => {
      const { media, upload, stored } = await makeMedia();
      const inboxKey = 'articles/2026/12/Quay at dawn/é & co+1, 50%;=@$.png';
      const path = 'media/2026/12/Quay at dawn/é & co+1, 50%;=@$.abcdefabcdef.png';
      await upload(inboxKey, bytes(3));
      await media.publish({ inboxKey, path, type: 'image/png' });
      expect(await stored(path)).toMatchObject({ body: bytes(3), contentType: 'image/png' });
    });

    it('publishes again over the same path, and leaves other paths alone', async () => {
      const { media, upload, stored } = await makeMedia();
      await upload('articles/a.jpg', bytes(1));
      await upload('articles/b.jpg', bytes(2));
      const a = {
        inboxKey: 'articles/a.jpg',
        path: 'media/a.111111111111.jpg',
        type: 'image/jpeg',
      };
      await media.publish(a);
      await media.publish({
        inboxKey: 'articles/b.jpg',
        path: 'media/b.222222222222.jpg',
        type: 'image/jpeg',
      });
      await upload('articles/a.jpg', bytes(3));
      await media.publish(a);
      expect((await stored('media/a.111111111111.jpg'))?.body).toEqual(bytes(3));
      expect((await stored('media/b.222222222222.jpg'))?.body).toEqual(bytes(2));
    });

    it('removes the file at a path, only that one; removing an absent one is no error', async () => {
      const { media, upload, stored } = await makeMedia();
      await upload('articles/a.jpg', bytes(1));
      await media.publish({
        inboxKey: 'articles/a.jpg',
        path: 'media/a.111111111111.jpg',
        type: 'image/jpeg',
      });
      await media.publish({
        inboxKey: 'articles/a.jpg',
        path: 'media/a.222222222222.jpg',
        type: 'image/jpeg',
      });
      await media.remove('media/a.111111111111.jpg');
      expect(await stored('media/a.111111111111.jpg')).toBeUndefined();
      expect((await stored('media/a.222222222222.jpg'))?.body).toEqual(bytes(1));
      await expect(media.remove('media/a.111111111111.jpg')).resolves.toBeUndefined();
      await expect(media.remove('media/never.333333333333.jpg')).resolves.toBeUndefined();
    });

    it('fails, writing nothing, when the inbox holds no such key (the event is retried)', async () => {
      const { media, stored } = await makeMedia();
      await expect(
        media.publish({
          inboxKey: 'articles/gone.jpg',
          path: 'media/gone.111111111111.jpg',
          type: 'image/jpeg',
        }),
      ).rejects.toThrow(/NoSuchKey|does not exist/);
      expect(await stored('media/gone.111111111111.jpg')).toBeUndefined();
    });
  });
}
